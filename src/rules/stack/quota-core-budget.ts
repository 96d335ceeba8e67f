import * as z from "zod";
import { integerLimit } from "../../config/schema-types";
import type { OnlineDeployment } from "../../model/deployment";
import { KNOWN_INSTANCE_TYPES, coresOf, reservedCores } from "../../model/instance-types";
import { type StackRuleContext, defineStackRule } from "./stack-rule";

export const quotaCoreBudget = defineStackRule({
  id: "quota-core-budget",
  description: "The vCPU quota that the Managed deployments of a stack reserve together must stay within the organization's core budget.",
  severity: "medium",
  rationale:
    "Azure reserves quota for every instance of a managed deployment plus 20% for upgrades, so a few large " +
    "deployments can exhaust the subscription's regional vCPU quota and block every other team's deployments.",
  remediation: "Lower sku.capacity or the autoscale maximum, choose an instance type with fewer cores, or raise maxCores in the limits file.",
  azureFact: {
    statement:
      "For most VM SKUs a managed online deployment reserves ceil(1.2 × instances) × cores of the SKU from the " +
      "subscription's regional vCPU quota; for example, 10 instances of Standard_DS3_v2 reserve 48 cores.",
    source: "https://learn.microsoft.com/azure/machine-learning/how-to-manage-quotas (virtual machine quota allocation for deployment)",
  },
  defaultEnforcementLevel: "mandatory",
  computeTypes: ["Managed"],
  limits: {
    maxCores: integerLimit("Most vCPU cores the stack's Managed deployments may reserve together, 20% upgrade reserve included.", 100, 1),
    coresByInstanceType: z
      .record(z.string().min(1), z.number().int().min(1).max(1_000))
      .superRefine((added, context) => {
        const seen = new Map<string, string>();
        for (const [instanceType, cores] of Object.entries(added)) {
          const earlier = seen.get(instanceType.toLowerCase());
          if (earlier !== undefined) {
            context.addIssue({
              code: "custom",
              path: [instanceType],
              message: `names the same size as "${earlier}", because sizes match without regard to case; keep one of them`,
            });
          }
          seen.set(instanceType.toLowerCase(), instanceType);
          const listed = coresOf(instanceType);
          if (listed !== undefined) {
            context.addIssue({
              code: "custom",
              path: [instanceType],
              message: `amlguard's table already lists ${instanceType} with ${listed} vCPU cores, which a limits file cannot replace with ${cores}; remove this entry`,
            });
          }
        }
      })
      .default({})
      .describe("vCPU cores of instance types that amlguard's table does not list, by VM size name, such as {\"Standard_E4s_v3\": 4}."),
  },

  check(deployments, limits, context) {
    const shares: string[] = [];
    let total = 0;
    let complete = true;

    for (const deployment of deployments) {
      const share = reservation(deployment, limits.coresByInstanceType, context);
      if (share === "not-managed") {
        continue;
      }
      if (share === undefined) {
        complete = false;
        continue;
      }
      total += share.cores;
      shares.push(`${deployment.ref.name} ${share.formula}`);
    }

    if (total <= limits.maxCores) {
      return;
    }
    const partial = complete ? "" : ", before counting the deployments whose share is not known";
    context.report({
      path: "sku.capacity",
      actual: total,
      actualIsDefault: false,
      limit: limits.maxCores,
      message:
        `Managed deployments reserve ${total} vCPU cores (${shares.join("; ")})${partial}, above the maximum of ${limits.maxCores}. ` +
        "Lower sku.capacity or the autoscale maximum, or use instance types with fewer cores.",
    });
  },
});

interface Reservation {
  readonly cores: number;
  readonly formula: string;
}

/**
 * Returns the cores one deployment reserves, "not-managed" for a Kubernetes deployment (its cluster, not Azure
 * ML quota, provides the cores), or undefined when a value it needs is unknown, invalid or not in the table.
 */
function reservation(deployment: OnlineDeployment, coresByInstanceType: Readonly<Record<string, number>>, context: StackRuleContext): Reservation | "not-managed" | undefined {
  const computeType = context.read(deployment, deployment.computeType);
  if (computeType === undefined) {
    return undefined;
  }
  if (computeType.value !== "Managed") {
    return "not-managed";
  }

  const instanceType = context.read(deployment, deployment.instanceType);
  const count = context.read(deployment, deployment.instanceCount);
  const autoscaleMaximum = maxAutoscaleInstances(deployment, context);
  if (instanceType === undefined || count === undefined || autoscaleMaximum === null) {
    return undefined;
  }

  const cores = coresOf(instanceType.value, coresByInstanceType);
  if (cores === undefined) {
    context.reportUnjudged(deployment, {
      path: instanceType.path,
      actual: instanceType.value,
      actualIsDefault: instanceType.isDefault,
      limit: "an instance type with known cores",
      message:
        `Instance type ${instanceType.value} is not in amlguard's table of vCPU cores, so its quota reservation cannot be counted. ` +
        `Use a listed type (${KNOWN_INSTANCE_TYPES.join(", ")}), or add the type with its documented vCPU count under ` +
        `coresByInstanceType of quota-core-budget in the limits file.`,
    });
    return undefined;
  }

  // Scale-out needs quota too, so a deployment with autoscale counts at its largest profile maximum.
  const instances = Math.max(count.value, autoscaleMaximum ?? 0);
  const reserved = reservedCores(instances, cores);
  return { cores: reserved, formula: `ceil(1.2 × ${instances}) × ${cores} = ${reserved}` };
}

/** Returns the largest autoscale maximum, undefined without autoscale, or null when a maximum is not known. */
function maxAutoscaleInstances(deployment: OnlineDeployment, context: StackRuleContext): number | undefined | null {
  let largest: number | undefined;
  for (const profile of deployment.related?.autoscaleProfiles ?? []) {
    const maximum = context.read(deployment, profile.maximum);
    if (maximum === undefined) {
      return null;
    }
    largest = Math.max(largest ?? 0, maximum.value);
  }
  return largest;
}
