import { durationLimit } from "../config/schema-types";
import { checkRange } from "./bounds";
import { PROBE_KINDS, probeLabel } from "./probe-kinds";
import { defineRule } from "./rule";

export const probePeriod = defineRule({
  id: "probe-period",
  description: "Each probe's period must stay within the organization's range.",
  severity: "low",
  rationale:
    "A very short period spends the scoring server's workers on health checks; a long one delays noticing a hung " +
    "container by failureThreshold × period.",
  remediation: "Set the probe's period (period in CLI YAML, in seconds) within the range.",
  azureFact: {
    statement: "A probe's period defaults to PT10S.",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (ProbeSettings); " +
      "https://learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-managed-online",
  },
  defaultEnforcementLevel: "mandatory",
  ranges: [["minPeriod", "maxPeriod"]],
  limits: {
    minPeriod: durationLimit("Shortest allowed probe period (ISO 8601 duration).", "PT5S"),
    maxPeriod: durationLimit("Longest allowed probe period (ISO 8601 duration).", "PT1M"),
  },

  check(deployment, limits, context) {
    for (const kind of PROBE_KINDS) {
      const period = context.read(deployment.probes[kind].periodMs);
      if (period === undefined) {
        continue;
      }
      checkRange(context, { label: `${probeLabel(kind)} period`, value: period, unit: "duration", minimum: limits.minPeriod, maximum: limits.maxPeriod });
    }
  },
});
