import { integerLimit } from "../config/schema-types";
import { checkRange } from "./bounds";
import { PROBE_KINDS, probeLabel } from "./probe-kinds";
import { defineRule } from "./rule";

export const probeFailureThreshold = defineRule({
  id: "probe-failure-threshold",
  description: "Each probe's failure threshold must stay within the organization's range.",
  severity: "medium",
  rationale:
    "A threshold of 1 restarts or unroutes a container on one slow response, while a very high threshold keeps a " +
    "hung container in service for minutes.",
  remediation: "Set the probe's failureThreshold (failure_threshold in CLI YAML) within the range.",
  azureFact: {
    statement: "A probe's failureThreshold defaults to 30, with a minimum of 1.",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (ProbeSettings); " +
      "https://learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-managed-online",
  },
  defaultEnforcementLevel: "mandatory",
  ranges: [["minFailureThreshold", "maxFailureThreshold"]],
  limits: {
    minFailureThreshold: integerLimit("Lowest allowed failureThreshold of any probe.", 3, 1),
    maxFailureThreshold: integerLimit("Highest allowed failureThreshold of any probe.", 30, 1),
  },

  check(deployment, limits, context) {
    for (const kind of PROBE_KINDS) {
      const threshold = context.read(deployment.probes[kind].failureThreshold);
      if (threshold === undefined) {
        continue;
      }
      checkRange(context, {
        label: `${probeLabel(kind)} failure threshold`,
        value: threshold,
        unit: "count",
        minimum: limits.minFailureThreshold,
        maximum: limits.maxFailureThreshold,
      });
    }
  },
});
