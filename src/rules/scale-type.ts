import * as z from "zod";
import type { ScaleType } from "../model/deployment";
import { enumSettingAt } from "../model/spelling";
import { defineRule, describeValue } from "./rule";

const SCALE_TYPES: readonly [ScaleType, ...ScaleType[]] = ["Default", "TargetUtilization"];

// Azure supports only the Default scale type on managed compute; autoscale there is an Azure Monitor setting.
const AZURE_MANAGED_SCALE_TYPES: readonly ScaleType[] = ["Default"];

export const scaleType = defineRule({
  id: "scale-type",
  description: "A deployment's scale type must be one the organization allows for its compute type, and one Azure supports.",
  severity: "high",
  rationale:
    "Azure rejects TargetUtilization on managed compute, and an organization may require Kubernetes deployments to " +
    "autoscale (TargetUtilization) or to run a fixed count (Default).",
  remediation: "Set scaleSettings.scaleType (scale_settings.type in CLI YAML) to an allowed type; scale a Managed deployment with an Azure Monitor autoscale setting.",
  azureFact: {
    statement:
      "scaleSettings defaults to TargetUtilization for Kubernetes and to Default for Managed deployments; " +
      "managed online deployments support only the Default scale type.",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (OnlineDeployment); " +
      "https://learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-managed-online",
  },
  defaultEnforcementLevel: "mandatory",
  limits: {
    managedScaleTypes: z.array(z.enum(SCALE_TYPES)).default(["Default"]).describe("Scale types allowed on Managed deployments; Azure supports only Default."),
    kubernetesScaleTypes: z
      .array(z.enum(SCALE_TYPES))
      .default(["Default", "TargetUtilization"])
      .describe("Scale types allowed on Kubernetes deployments."),
  },

  check(deployment, limits, context) {
    const computeType = context.read(deployment.computeType);
    const type = context.read(deployment.scaleSettings.scaleType);
    if (computeType === undefined || type === undefined) {
      return;
    }

    const allowedByOrganization = computeType.value === "Managed" ? limits.managedScaleTypes : limits.kubernetesScaleTypes;
    const allowed = computeType.value === "Managed" ? allowedByOrganization.filter((value) => AZURE_MANAGED_SCALE_TYPES.includes(value)) : allowedByOrganization;
    if (allowed.includes(type.value)) {
      return;
    }

    const azureRejects = computeType.value === "Managed" && !AZURE_MANAGED_SCALE_TYPES.includes(type.value);
    const reason = azureRejects ? "which Azure does not support on Managed deployments" : `which is not among the allowed types for ${computeType.value} deployments`;
    const fix = allowed.length === 0 ? `No scale type is allowed for ${computeType.value} deployments; change the limits or the compute type.` : `Set ${type.path} to ${allowed.map((value) => enumSettingAt(type.path, value)).join(" or ")}.`;
    context.report({
      path: type.path,
      actual: type.value,
      actualIsDefault: type.isDefault,
      limit: allowed.join(", "),
      message: `Scale type is ${describeValue(type)}, ${reason}. ${fix}`,
    });
  },
});
