import * as z from "zod";
import { defineRule, describeValue } from "./rule";

export const instanceTypeAllowlist = defineRule({
  id: "instance-type-allowlist",
  description: "A deployment's instance type must be on the organization's allowlist for its compute type, when the allowlist is not empty.",
  severity: "medium",
  rationale:
    "An allowlist keeps deployments on SKUs the organization has quota, budget and support for, such as excluding " +
    "GPU SKUs from teams that do not need them.",
  remediation: "Set instanceType (instance_type in CLI YAML) to an allowed instance type.",
  azureFact: {
    statement:
      "instanceType defaults to Standard_F4s_v2 in the REST definition; a Kubernetes deployment without one runs on " +
      "the cluster's default instance type, defaultinstancetype; the Azure ML CLI names Standard_DS3_v2 the minimum " +
      "recommended SKU.",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (OnlineDeployment); " +
      "https://learn.microsoft.com/azure/machine-learning/how-to-manage-kubernetes-instance-types; " +
      "https://learn.microsoft.com/cli/azure/ml/online-deployment",
  },
  defaultEnforcementLevel: "mandatory",
  limits: {
    allowedManagedInstanceTypes: z
      .array(z.string().min(1))
      .default([])
      .describe("Azure VM SKUs a Managed deployment may use, matched without regard to case; empty allows every SKU."),
    allowedKubernetesInstanceTypes: z
      .array(z.string().min(1))
      .default([])
      .describe("Instance type names of the attached cluster a Kubernetes deployment may use, matched without regard to case; empty allows every type."),
  },

  check(deployment, limits, context) {
    const computeType = context.read(deployment.computeType);
    if (computeType === undefined) {
      return;
    }
    const allowed = computeType.value === "Managed" ? limits.allowedManagedInstanceTypes : limits.allowedKubernetesInstanceTypes;
    if (allowed.length === 0) {
      return;
    }
    const instanceType = context.read(deployment.instanceType);
    // Azure treats SKU names without regard to case, so Standard_DS3_v2 and standard_ds3_v2 are one SKU.
    if (instanceType === undefined || allowed.some((name) => name.toLowerCase() === instanceType.value.toLowerCase())) {
      return;
    }
    context.report({
      path: instanceType.path,
      actual: instanceType.value,
      actualIsDefault: instanceType.isDefault,
      limit: allowed.join(", "),
      message: `Instance type is ${describeValue(instanceType)}, which is not on the allowlist for ${computeType.value} deployments. Set ${instanceType.path} to one of ${allowed.join(", ")}.`,
    });
  },
});
