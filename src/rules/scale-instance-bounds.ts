import { integerLimit } from "../config/schema-types";
import type { AutoscaleProfile, OnlineDeployment } from "../model/deployment";
import type { EffectiveValue } from "../model/field";
import { checkRange } from "./bounds";
import { instanceCeiling } from "./instance-limits";
import { type RuleContext, defineRule } from "./rule";

interface Bounds {
  readonly minimum: number;
  readonly maximum: number;
  readonly maximumName?: string;
}

export const scaleInstanceBounds = defineRule({
  id: "scale-instance-bounds",
  description: "Autoscale minimum and maximum instance counts must stay within the organization's bounds, with the minimum not above the maximum.",
  severity: "medium",
  rationale:
    "A minimum of zero leaves an endpoint without capacity, and Azure reserves quota for the maximum instance count " +
    "(1.2 × instances × cores for most SKUs), so an unbounded maximum can exhaust the region's quota.",
  remediation:
    "Set scaleSettings.minInstances and maxInstances (min_instances and max_instances in CLI YAML), or the autoscale setting's capacity minimum, default and maximum, within the bounds.",
  azureFact: {
    statement:
      "TargetUtilization minInstances and maxInstances default to 1 and quota is reserved for maxInstances; managed " +
      "deployments autoscale through Azure Monitor autoscale settings with capacity minimum, maximum and default, " +
      "and allow at most 50 instances per deployment.",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (TargetUtilizationScaleSettings); " +
      "https://learn.microsoft.com/azure/machine-learning/how-to-autoscale-endpoints; " +
      "https://learn.microsoft.com/azure/machine-learning/how-to-manage-quotas",
  },
  defaultEnforcementLevel: "mandatory",
  ranges: [["lowestMinInstances", "highestMaxInstances"]],
  relatedFacts: ["autoscaleProfiles"],
  limits: {
    lowestMinInstances: integerLimit("Lowest allowed minimum instance count of an autoscaling deployment.", 1, 1),
    highestMaxInstances: integerLimit("Highest allowed maximum instance count of an autoscaling deployment.", 20, 1),
  },

  check(deployment, limits, context) {
    const computeType = context.read(deployment.computeType);
    if (computeType === undefined) {
      return;
    }
    const ceiling = instanceCeiling(computeType.value, limits.highestMaxInstances);
    const bounds: Bounds = { minimum: limits.lowestMinInstances, maximum: ceiling.maximum, maximumName: ceiling.name };

    checkScaleSettings(deployment, bounds, context);
    for (const profile of deployment.related?.autoscaleProfiles ?? []) {
      checkAutoscaleProfile(profile, bounds, context);
    }
  },
});

function checkScaleSettings(deployment: OnlineDeployment, bounds: Bounds, context: RuleContext): void {
  const type = context.read(deployment.scaleSettings.scaleType);
  if (type?.value !== "TargetUtilization") {
    return;
  }
  const minimum = context.read(deployment.scaleSettings.minInstances);
  const maximum = context.read(deployment.scaleSettings.maxInstances);
  checkCount("Minimum instance count", minimum, bounds, context);
  checkCount("Maximum instance count", maximum, bounds, context);
  checkOrder("Minimum instance count", minimum, "maximum instance count", maximum, context);
}

function checkAutoscaleProfile(profile: AutoscaleProfile, bounds: Bounds, context: RuleContext): void {
  const minimum = context.read(profile.minimum);
  const maximum = context.read(profile.maximum);
  const initial = context.read(profile.default);
  checkCount("Autoscale capacity minimum", minimum, bounds, context);
  checkCount("Autoscale capacity maximum", maximum, bounds, context);
  checkCount("Autoscale capacity default", initial, bounds, context);
  checkOrder("Autoscale capacity minimum", minimum, "capacity default", initial, context);
  checkOrder("Autoscale capacity default", initial, "capacity maximum", maximum, context);
  // The minimum-to-maximum order needs its own check only when the default is missing and cannot link the two.
  if (initial === undefined) {
    checkOrder("Autoscale capacity minimum", minimum, "capacity maximum", maximum, context);
  }
}

function checkCount(label: string, count: EffectiveValue<number> | undefined, bounds: Bounds, context: RuleContext): void {
  if (count !== undefined) {
    checkRange(context, { label, value: count, unit: "count", ...bounds });
  }
}

/** Reports `lower` when it is above `upper`, at the lower value's path. */
function checkOrder(
  lowerLabel: string,
  lower: EffectiveValue<number> | undefined,
  upperLabel: string,
  upper: EffectiveValue<number> | undefined,
  context: RuleContext,
): void {
  if (lower === undefined || upper === undefined || lower.value <= upper.value) {
    return;
  }
  const defaultNote = (value: EffectiveValue<number>) => (value.isDefault ? " (Azure default, not set)" : "");
  context.report({
    path: lower.path,
    actual: lower.value,
    actualIsDefault: lower.isDefault,
    limit: upper.value,
    message:
      `${lowerLabel} is ${lower.value}${defaultNote(lower)}, above the ${upperLabel} of ${upper.value}${defaultNote(upper)}. ` +
      `Set ${lower.path} to ${upper.value} or less, or raise ${upper.path}.`,
  });
}
