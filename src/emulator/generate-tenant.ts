import type { ManagedNetworkIsolationMode } from "../model/deployment";
import { SAMPLE_DEPLOYMENTS } from "./sample-tenant";
import type { EmulatedAutoscaleSetting, EmulatedDeployment, EmulatedResourceGroup, EmulatedTenant, EmulatedWorkspace } from "./tenant";

export interface TenantShape {
  readonly workspaces: number;
  readonly endpointsPerWorkspace: number;
  readonly deploymentsPerEndpoint: number;
  readonly subscriptions?: number;
  /** Resource groups per subscription; workspaces are spread over them in turn. */
  readonly resourceGroupsPerSubscription?: number;
  /** Deployment bodies used in turn; defaults to the sample tenant's Managed and Kubernetes deployments. */
  readonly bodies?: readonly EmulatedDeployment[];
  /** Give every n-th Managed deployment an autoscale setting; 0 gives none. Defaults to 4. */
  readonly autoscaleEvery?: number;
  /** Isolation modes given to workspaces in turn; `undefined` entries leave the managed network block out. */
  readonly isolationModes?: readonly (ManagedNetworkIsolationMode | undefined)[];
}

/** Builds a tenant of the given shape, for tests and benchmarks (for example 10,000 deployments in 500 workspaces). */
export function generateTenant(shape: TenantShape): EmulatedTenant {
  const subscriptionCount = shape.subscriptions ?? 1;
  const groupCount = shape.resourceGroupsPerSubscription ?? 1;
  const bodies = shape.bodies ?? SAMPLE_DEPLOYMENTS;
  const autoscaleEvery = shape.autoscaleEvery ?? 4;
  const isolationModes = shape.isolationModes ?? [undefined, "AllowOnlyApprovedOutbound", "AllowInternetOutbound"];

  const groups: { workspaces: EmulatedWorkspace[]; autoscaleSettings: EmulatedAutoscaleSetting[] }[][] = Array.from({ length: subscriptionCount }, () =>
    Array.from({ length: groupCount }, () => ({ workspaces: [], autoscaleSettings: [] })),
  );

  let deploymentIndex = 0;
  let managedIndex = 0;
  for (let w = 0; w < shape.workspaces; w++) {
    const group = groups[w % subscriptionCount][Math.floor(w / subscriptionCount) % groupCount];
    const workspaceName = `mlw-${pad(w)}`;
    const endpoints = [];

    for (let e = 0; e < shape.endpointsPerWorkspace; e++) {
      const endpointName = `ep-${pad(w)}-${pad(e)}`;
      const deployments: EmulatedDeployment[] = [];
      for (let d = 0; d < shape.deploymentsPerEndpoint; d++) {
        const body = bodies[deploymentIndex % bodies.length];
        deploymentIndex++;
        const name = `${body.name}-${pad(d)}`;
        deployments.push({ ...body, name });

        const computeType = (body.properties as { endpointComputeType?: unknown } | null)?.endpointComputeType;
        if (computeType !== "Managed") {
          continue;
        }
        managedIndex++;
        if (autoscaleEvery > 0 && managedIndex % autoscaleEvery === 0) {
          group.autoscaleSettings.push({
            name: `autoscale-${endpointName}-${name}`,
            target: { workspace: workspaceName, endpoint: endpointName, deployment: name },
            profiles: [{ name: "default", capacity: { minimum: "1", maximum: String(2 + (managedIndex % 9)), default: "1" } }],
          });
        }
      }
      endpoints.push({ name: endpointName, deployments });
    }

    const isolationMode = isolationModes[w % isolationModes.length];
    group.workspaces.push({ name: workspaceName, ...(isolationMode === undefined ? {} : { isolationMode }), endpoints });
  }

  return {
    subscriptions: groups.map((subscriptionGroups, s) => ({
      id: `00000000-0000-4000-8000-${String(s).padStart(12, "0")}`,
      resourceGroups: subscriptionGroups.map((group, g): EmulatedResourceGroup => ({ name: `rg-ml-${pad(g)}`, ...group })),
    })),
  };
}

function pad(index: number): string {
  return String(index).padStart(4, "0");
}
