/**
 * vCPU cores per VM size, for the quota an online deployment reserves. Only sizes whose count was read from
 * Microsoft's size documentation are listed; a size missing here is reported by the quota rule, never passed.
 *
 * Sources (Microsoft Learn, "Sizes for virtual machines in Azure"):
 * - Fsv2-series: Standard_F2s_v2 … Standard_F72s_v2 (2, 4, 8, 16, 32, 48, 64, 72 vCPUs).
 * - DSv2-series: Standard_DS1_v2 … Standard_DS5_v2 (1, 2, 4, 8, 16 vCPUs). The Azure Machine Learning quota
 *   page confirms Standard_DS3_v2 with its example of 10 instances reserving 48 cores, ceil(1.2 × 10) × 4.
 * - NCasT4_v3-series: Standard_NC4as_T4_v3 … Standard_NC64as_T4_v3 (4, 8, 16, 64 vCPUs).
 *
 * From Microsoft's list of VM sizes in Aspire (`src/Aspire.Hosting.Azure.Kubernetes/AksNodeVmSizes.cs`):
 * - NC A100 v4-series: Standard_NC24ads_A100_v4, Standard_NC48ads_A100_v4, Standard_NC96ads_A100_v4 (24, 48, 96 vCPUs).
 * - NC A10 v4-series: Standard_NC8ads_A10_v4, Standard_NC16ads_A10_v4, Standard_NC32ads_A10_v4 (8, 16, 32 vCPUs).
 *
 * A limits file adds sizes that are missing here (`coresByInstanceType` of the quota rule).
 */
const CORES_BY_INSTANCE_TYPE: Readonly<Record<string, number>> = {
  Standard_F2s_v2: 2,
  Standard_F4s_v2: 4,
  Standard_F8s_v2: 8,
  Standard_F16s_v2: 16,
  Standard_F32s_v2: 32,
  Standard_F48s_v2: 48,
  Standard_F64s_v2: 64,
  Standard_F72s_v2: 72,
  Standard_DS1_v2: 1,
  Standard_DS2_v2: 2,
  Standard_DS3_v2: 4,
  Standard_DS4_v2: 8,
  Standard_DS5_v2: 16,
  Standard_NC4as_T4_v3: 4,
  Standard_NC8as_T4_v3: 8,
  Standard_NC16as_T4_v3: 16,
  Standard_NC64as_T4_v3: 64,
  Standard_NC24ads_A100_v4: 24,
  Standard_NC48ads_A100_v4: 48,
  Standard_NC96ads_A100_v4: 96,
  Standard_NC8ads_A10_v4: 8,
  Standard_NC16ads_A10_v4: 16,
  Standard_NC32ads_A10_v4: 32,
};

/** Every instance type the table covers, in table order. */
export const KNOWN_INSTANCE_TYPES: readonly string[] = Object.keys(CORES_BY_INSTANCE_TYPE);

/**
 * Returns the vCPU cores of an instance type, or undefined when the table does not list it. Azure treats
 * VM size names case-insensitively, so `standard_ds3_v2` matches.
 */
export function coresOf(instanceType: string, added: Readonly<Record<string, number>> = {}): number | undefined {
  const sameSize = (known: string) => known.toLowerCase() === instanceType.toLowerCase();
  const key = KNOWN_INSTANCE_TYPES.find(sameSize);
  if (key !== undefined) {
    return CORES_BY_INSTANCE_TYPE[key];
  }
  const addedKey = Object.keys(added).find(sameSize);
  return addedKey === undefined ? undefined : added[addedKey];
}

/**
 * Cores Azure reserves for a Managed deployment: ceil(1.2 × instances) × cores per VM, because Azure keeps 20%
 * extra capacity for upgrades (Azure Machine Learning, "Manage and increase quotas", virtual machine quota
 * allocation for deployment).
 */
export function reservedCores(instances: number, coresPerInstance: number): number {
  // 6/5 in integers, because 1.2 × n in floating point can land just above a whole number and round up.
  return Math.ceil((6 * instances) / 5) * coresPerInstance;
}
