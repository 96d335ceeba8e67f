import {
  type EmulatedAutoscaleSetting,
  type EmulatedDeployment,
  type EmulatedEndpoint,
  type EmulatedResourceGroup,
  type EmulatedSubscription,
  type EmulatedTenant,
  type EmulatedWorkspace,
  deploymentId,
  workspaceId,
} from "./tenant";

export interface RouteOptions {
  /** Origin of the emulator, used in nextLink. */
  readonly origin: string;
  /** Origin to put in nextLink instead, to emulate a listing that points elsewhere. */
  readonly nextLinkOrigin?: string;
  readonly pageSize: number;
}

export interface RoutedResponse {
  readonly status: number;
  readonly body: unknown;
}

const ML = "microsoft.machinelearningservices";
const INSIGHTS = "microsoft.insights";
const LOCATION = "westeurope";

/** Builds the response to one GET on the ARM paths the audit reads. Segment names match case-insensitively, as in ARM. */
export function routeRequest(tenant: EmulatedTenant, url: URL, options: RouteOptions): RoutedResponse {
  const segments = url.pathname.split("/").filter((segment) => segment !== "").map((segment) => decodeURIComponent(segment));
  const lower = segments.map((segment) => segment.toLowerCase());

  if (lower[0] !== "subscriptions" || segments.length < 2) {
    return notFound("The path is not an ARM path the emulator serves.");
  }
  const subscription = tenant.subscriptions.find((candidate) => same(candidate.id, segments[1]));
  if (subscription === undefined) {
    return notFound(`Subscription ${segments[1]} was not found.`, "SubscriptionNotFound");
  }

  // /subscriptions/{s}/providers/Microsoft.MachineLearningServices/workspaces
  if (lower.length === 5 && lower[2] === "providers" && lower[3] === ML && lower[4] === "workspaces") {
    const workspaces = subscription.resourceGroups.flatMap((group) => group.workspaces.map((workspace) => workspaceBody(subscription, group, workspace)));
    return page(workspaces, url, options);
  }

  if (lower[2] !== "resourcegroups" || segments.length < 4) {
    return notFound("The path is not an ARM path the emulator serves.");
  }
  const group = subscription.resourceGroups.find((candidate) => same(candidate.name, segments[3]));
  if (group === undefined) {
    return notFound(`Resource group ${segments[3]} was not found.`, "ResourceGroupNotFound");
  }
  if (lower[4] !== "providers") {
    return notFound("The path is not an ARM path the emulator serves.");
  }

  if (lower[5] === INSIGHTS && lower[6] === "autoscalesettings" && lower.length === 7) {
    return page((group.autoscaleSettings ?? []).map((setting) => autoscaleBody(subscription, group, setting)), url, options);
  }
  if (lower[5] !== ML || lower[6] !== "workspaces") {
    return notFound("The path is not an ARM path the emulator serves.");
  }
  if (lower.length === 7) {
    return page(group.workspaces.map((workspace) => workspaceBody(subscription, group, workspace)), url, options);
  }
  return routeWorkspace(subscription, group, segments.slice(7), lower.slice(7), url, options);
}

function routeWorkspace(
  subscription: EmulatedSubscription,
  group: EmulatedResourceGroup,
  segments: string[],
  lower: string[],
  url: URL,
  options: RouteOptions,
): RoutedResponse {
  const workspace = group.workspaces.find((candidate) => same(candidate.name, segments[0]));
  if (workspace === undefined) {
    return notFound(`Workspace ${segments[0]} was not found.`);
  }
  if (segments.length === 1) {
    return ok(workspaceBody(subscription, group, workspace));
  }
  if (lower[1] !== "onlineendpoints") {
    return notFound("The path is not an ARM path the emulator serves.");
  }
  if (segments.length === 2) {
    return page(workspace.endpoints.map((endpoint) => endpointBody(subscription, group, workspace, endpoint)), url, options);
  }

  const endpoint = workspace.endpoints.find((candidate) => same(candidate.name, segments[2]));
  if (endpoint === undefined) {
    return notFound(`Online endpoint ${segments[2]} was not found.`);
  }
  if (segments.length === 3) {
    return ok(endpointBody(subscription, group, workspace, endpoint));
  }
  if (lower[3] !== "deployments") {
    return notFound("The path is not an ARM path the emulator serves.");
  }
  if (segments.length === 4) {
    return page(endpoint.deployments.map((deployment) => deploymentBody(subscription, group, workspace, endpoint, deployment)), url, options);
  }

  const deployment = endpoint.deployments.find((candidate) => same(candidate.name, segments[4]));
  if (deployment === undefined || segments.length > 5) {
    return notFound(`Online deployment ${segments[4]} was not found.`);
  }
  return ok(deploymentBody(subscription, group, workspace, endpoint, deployment));
}

function page(items: readonly unknown[], url: URL, options: RouteOptions): RoutedResponse {
  const pageIndex = Number(url.searchParams.get("$skiptoken") ?? "0");
  const start = pageIndex * options.pageSize;
  const value = items.slice(start, start + options.pageSize);
  if (start + options.pageSize >= items.length) {
    return ok({ value });
  }

  const next = new URL(url.pathname, options.nextLinkOrigin ?? options.origin);
  next.searchParams.set("api-version", url.searchParams.get("api-version") ?? "");
  next.searchParams.set("$skiptoken", String(pageIndex + 1));
  return ok({ value, nextLink: next.toString() });
}

export function workspaceBody(subscription: EmulatedSubscription, group: EmulatedResourceGroup, workspace: EmulatedWorkspace): unknown {
  return {
    id: workspaceId(subscription.id, group.name, workspace.name),
    name: workspace.name,
    type: "Microsoft.MachineLearningServices/workspaces",
    location: LOCATION,
    kind: "Default",
    properties: {
      friendlyName: workspace.name,
      publicNetworkAccess: "Enabled",
      ...(workspace.isolationMode === undefined ? {} : { managedNetwork: { isolationMode: workspace.isolationMode, status: { status: "Active" } } }),
    },
  };
}

function endpointBody(subscription: EmulatedSubscription, group: EmulatedResourceGroup, workspace: EmulatedWorkspace, endpoint: EmulatedEndpoint): unknown {
  return {
    id: `${workspaceId(subscription.id, group.name, workspace.name)}/onlineEndpoints/${endpoint.name}`,
    name: endpoint.name,
    type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    location: LOCATION,
    properties: { authMode: "Key", publicNetworkAccess: "Enabled", provisioningState: "Succeeded", traffic: {} },
  };
}

export function deploymentBody(
  subscription: EmulatedSubscription,
  group: EmulatedResourceGroup,
  workspace: EmulatedWorkspace,
  endpoint: EmulatedEndpoint,
  deployment: EmulatedDeployment,
): unknown {
  return {
    id: deploymentId(subscription.id, group.name, workspace.name, endpoint.name, deployment.name),
    name: deployment.name,
    type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
    location: LOCATION,
    ...(deployment.sku === undefined ? {} : { sku: deployment.sku }),
    properties: deployment.properties,
  };
}

export function autoscaleBody(subscription: EmulatedSubscription, group: EmulatedResourceGroup, setting: EmulatedAutoscaleSetting): unknown {
  const { workspace, endpoint, deployment } = setting.target;
  return {
    id: `/subscriptions/${subscription.id}/resourceGroups/${group.name}/providers/Microsoft.Insights/autoscalesettings/${setting.name}`,
    name: setting.name,
    type: "Microsoft.Insights/autoscalesettings",
    location: LOCATION,
    properties: {
      enabled: setting.enabled ?? true,
      targetResourceUri: deploymentId(subscription.id, group.name, workspace, endpoint, deployment),
      profiles: setting.profiles.map((profile) => ({ name: profile.name, capacity: profile.capacity, rules: [] })),
    },
  };
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function ok(body: unknown): RoutedResponse {
  return { status: 200, body };
}

function notFound(message: string, code = "ResourceNotFound"): RoutedResponse {
  return { status: 404, body: { error: { code, message } } };
}
