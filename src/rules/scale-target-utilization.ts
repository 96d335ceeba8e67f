import { integerLimit } from "../config/schema-types";
import { checkRange } from "./bounds";
import { defineRule } from "./rule";

export const scaleTargetUtilization = defineRule({
  id: "scale-target-utilization",
  description: "The CPU utilization target of a TargetUtilization deployment must stay within the organization's range.",
  severity: "low",
  rationale:
    "A high target leaves no headroom, so a traffic spike returns 503 before new instances start; a low target " +
    "runs idle instances that cost money and quota.",
  remediation: "Set scaleSettings.targetUtilizationPercentage (target_utilization_percentage in CLI YAML) within the range.",
  azureFact: {
    statement:
      "scaleSettings.targetUtilizationPercentage defaults to 70; on Kubernetes, Azure advises lowering the target " +
      "utilization or raising the minimum replicas when spikes cause 503 responses.",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (TargetUtilizationScaleSettings); " +
      "https://learn.microsoft.com/azure/machine-learning/how-to-troubleshoot-online-endpoints",
  },
  defaultEnforcementLevel: "mandatory",
  ranges: [["minTargetUtilizationPercentage", "maxTargetUtilizationPercentage"]],
  limits: {
    minTargetUtilizationPercentage: integerLimit("Lowest allowed targetUtilizationPercentage.", 30, 1, 100),
    maxTargetUtilizationPercentage: integerLimit("Highest allowed targetUtilizationPercentage.", 85, 1, 100),
  },

  check(deployment, limits, context) {
    // Azure reads the target only for the TargetUtilization scale type.
    if (context.read(deployment.scaleSettings.scaleType)?.value !== "TargetUtilization") {
      return;
    }
    const target = context.read(deployment.scaleSettings.targetUtilizationPercentage);
    if (target === undefined) {
      return;
    }
    checkRange(context, {
      label: "Target utilization percentage",
      value: target,
      unit: "count",
      minimum: limits.minTargetUtilizationPercentage,
      maximum: limits.maxTargetUtilizationPercentage,
    });
  },
});
