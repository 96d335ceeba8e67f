import { durationLimit } from "../config/schema-types";
import { checkRange, render, renderSetting } from "./bounds";
import { PROBE_KINDS, probeLabel } from "./probe-kinds";
import { defineRule, describeValue } from "./rule";
import { formatIsoDuration } from "../model/duration";

export const probeTimeout = defineRule({
  id: "probe-timeout",
  description: "Each probe's timeout must stay within the organization's range and below the probe's period.",
  severity: "low",
  rationale:
    "A timeout as long as the period lets probes overlap, so a slow container collects failures faster than the " +
    "threshold suggests; a very short timeout fails healthy containers under load.",
  remediation: "Set the probe's timeout (timeout in CLI YAML, in seconds) within the range and below its period.",
  azureFact: {
    statement: "A probe's timeout defaults to PT2S, with a minimum of 1 second; its period defaults to PT10S.",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (ProbeSettings); " +
      "https://learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-managed-online",
  },
  defaultEnforcementLevel: "mandatory",
  ranges: [["minTimeout", "maxTimeout"]],
  limits: {
    minTimeout: durationLimit("Shortest allowed probe timeout (ISO 8601 duration).", "PT1S"),
    maxTimeout: durationLimit("Longest allowed probe timeout (ISO 8601 duration).", "PT10S"),
  },

  check(deployment, limits, context) {
    for (const kind of PROBE_KINDS) {
      const probe = deployment.probes[kind];
      const timeout = context.read(probe.timeoutMs);
      if (timeout === undefined) {
        continue;
      }
      const label = `${probeLabel(kind)} timeout`;
      if (checkRange(context, { label, value: timeout, unit: "duration", minimum: limits.minTimeout, maximum: limits.maxTimeout })) {
        continue;
      }

      const period = context.read(probe.periodMs);
      if (period === undefined || timeout.value < period.value) {
        continue;
      }
      context.report({
        path: timeout.path,
        actual: formatIsoDuration(timeout.value),
        actualIsDefault: timeout.isDefault,
        limit: formatIsoDuration(period.value),
        message:
          `${label} is ${describeValue(timeout, (value) => render(value, "duration", timeout.path))}, ` +
          `not below the period of ${describeValue(period, (value) => render(value, "duration", period.path))}. ` +
          `Set ${timeout.path} below ${renderSetting(period.value, "duration", timeout.path)}, or raise ${period.path}.`,
      });
    }
  },
});
