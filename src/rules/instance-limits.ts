import type { ComputeType } from "../model/deployment";

// Azure allows at most 50 instances per managed online deployment unless a quota exception is granted.
export const AZURE_MAX_MANAGED_INSTANCES = 50;

/** Returns the effective instance ceiling and how to name it: Azure's cap when it is lower than the organization's. */
export function instanceCeiling(computeType: ComputeType, organizationMaximum: number): { maximum: number; name?: string } {
  if (computeType === "Managed" && AZURE_MAX_MANAGED_INSTANCES < organizationMaximum) {
    return { maximum: AZURE_MAX_MANAGED_INSTANCES, name: `Azure's maximum of ${AZURE_MAX_MANAGED_INSTANCES} instances per Managed deployment` };
  }
  return { maximum: organizationMaximum };
}
