import { durationLimit } from "../config/schema-types";
import { checkRange } from "./bounds";
import { PROBE_KINDS, probeLabel } from "./probe-kinds";
import { defineRule } from "./rule";

export const probeInitialDelay = defineRule({
  id: "probe-initial-delay",
  description: "Each probe's initial delay must stay within the organization's range.",
  severity: "low",
  rationale:
    "A long initial delay hides a container that never starts, because no probe runs until it ends; a startup " +
    "probe or a higher failure threshold covers slow model loading without that blind spot.",
  remediation: "Set the probe's initialDelay (initial_delay in CLI YAML, in seconds) within the range, or add a startupProbe for slow model loading.",
  azureFact: {
    statement: "A probe's initialDelay has no default in the REST definition; the Azure ML CLI and Python SDK document 10 seconds, with a minimum of 1.",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (ProbeSettings); " +
      "https://learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-managed-online",
  },
  defaultEnforcementLevel: "mandatory",
  ranges: [["minInitialDelay", "maxInitialDelay"]],
  limits: {
    minInitialDelay: durationLimit("Shortest allowed probe initial delay (ISO 8601 duration).", "PT1S"),
    maxInitialDelay: durationLimit("Longest allowed probe initial delay (ISO 8601 duration).", "PT10M"),
  },

  check(deployment, limits, context) {
    for (const kind of PROBE_KINDS) {
      const delay = context.read(deployment.probes[kind].initialDelayMs);
      if (delay === undefined) {
        continue;
      }
      checkRange(context, {
        label: `${probeLabel(kind)} initial delay`,
        value: delay,
        unit: "duration",
        minimum: limits.minInitialDelay,
        maximum: limits.maxInitialDelay,
      });
    }
  },
});
