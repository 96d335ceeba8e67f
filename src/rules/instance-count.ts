import { integerLimit } from "../config/schema-types";
import { checkRange } from "./bounds";
import { instanceCeiling } from "./instance-limits";
import { defineRule } from "./rule";

export const instanceCount = defineRule({
  id: "instance-count",
  description: "A fixed-size deployment's instance count (sku.capacity) must stay within the organization's range and Azure's cap.",
  severity: "medium",
  rationale:
    "One or two instances leave no capacity during an upgrade or a host failure, and Microsoft recommends at least " +
    "three for availability; a large count reserves quota other deployments need.",
  remediation: "Set sku.capacity (instance_count in CLI YAML) within the range.",
  azureFact: {
    statement:
      "The instance count is sku.capacity; a managed online deployment allows at most 50 instances, and Microsoft " +
      "recommends at least 3 for high availability.",
    source:
      "https://learn.microsoft.com/azure/machine-learning/how-to-manage-quotas; " +
      "https://learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-managed-online",
  },
  defaultEnforcementLevel: "advisory",
  ranges: [["minInstanceCount", "maxInstanceCount"]],
  limits: {
    minInstanceCount: integerLimit("Lowest allowed sku.capacity.", 3, 1),
    maxInstanceCount: integerLimit("Highest allowed sku.capacity.", 20, 1),
  },

  check(deployment, limits, context) {
    const computeType = context.read(deployment.computeType);
    if (computeType === undefined) {
      return;
    }
    // A Kubernetes deployment that autoscales sets its count through scaleSettings, so sku.capacity means nothing there.
    if (computeType.value === "Kubernetes" && context.read(deployment.scaleSettings.scaleType)?.value !== "Default") {
      return;
    }
    const count = context.read(deployment.instanceCount);
    if (count === undefined) {
      return;
    }
    const ceiling = instanceCeiling(computeType.value, limits.maxInstanceCount);
    checkRange(context, {
      label: "Instance count",
      value: count,
      unit: "count",
      minimum: limits.minInstanceCount,
      maximum: ceiling.maximum,
      maximumName: ceiling.name,
    });
  },
});
