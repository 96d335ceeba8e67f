import type { ManagedNetworkIsolationMode } from "../model/deployment";

/**
 * A tenant for the local ARM emulator, described as data: subscriptions, resource groups, workspaces, online
 * endpoints, deployments and Azure Monitor autoscale settings. The emulator derives ids, types and listings.
 */
export interface EmulatedTenant {
  readonly subscriptions: readonly EmulatedSubscription[];
}

export interface EmulatedSubscription {
  readonly id: string;
  readonly resourceGroups: readonly EmulatedResourceGroup[];
}

export interface EmulatedResourceGroup {
  readonly name: string;
  readonly workspaces: readonly EmulatedWorkspace[];
  readonly autoscaleSettings?: readonly EmulatedAutoscaleSetting[];
}

export interface EmulatedWorkspace {
  readonly name: string;
  /** `properties.managedNetwork.isolationMode`; absent means the workspace has no managed network block. */
  readonly isolationMode?: ManagedNetworkIsolationMode;
  readonly endpoints: readonly EmulatedEndpoint[];
}

export interface EmulatedEndpoint {
  readonly name: string;
  readonly deployments: readonly EmulatedDeployment[];
}

/** A deployment as `GET …/deployments/{name}` returns it, minus the id, type and name the emulator adds. */
export interface EmulatedDeployment {
  readonly name: string;
  readonly sku?: Readonly<Record<string, unknown>>;
  /** The `properties` body, or any value, so a test can serve a malformed body. */
  readonly properties: unknown;
}

/** An autoscale setting in the same resource group as its target deployment. */
export interface EmulatedAutoscaleSetting {
  readonly name: string;
  readonly target: { readonly workspace: string; readonly endpoint: string; readonly deployment: string };
  readonly enabled?: boolean;
  readonly profiles: readonly EmulatedAutoscaleProfile[];
}

/** Capacity values are strings, as `Microsoft.Insights/autoscalesettings` returns them. */
export interface EmulatedAutoscaleProfile {
  readonly name: string;
  readonly capacity: { readonly minimum: string; readonly maximum: string; readonly default: string };
}

/** ARM id of a workspace in the emulated tenant. */
export function workspaceId(subscriptionId: string, resourceGroup: string, workspace: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${workspace}`;
}

/** ARM id of an online deployment in the emulated tenant. */
export function deploymentId(subscriptionId: string, resourceGroup: string, workspace: string, endpoint: string, deployment: string): string {
  return `${workspaceId(subscriptionId, resourceGroup, workspace)}/onlineEndpoints/${endpoint}/deployments/${deployment}`;
}

/** Counts the deployments of a tenant. */
export function countDeployments(tenant: EmulatedTenant): number {
  let count = 0;
  for (const subscription of tenant.subscriptions) {
    for (const group of subscription.resourceGroups) {
      for (const workspace of group.workspaces) {
        for (const endpoint of workspace.endpoints) {
          count += endpoint.deployments.length;
        }
      }
    }
  }
  return count;
}
