import type { RoutedResponse } from "./routes";
import { autoscaleBody, deploymentBody, workspaceBody } from "./routes";
import type { EmulatedTenant } from "./tenant";

/** Rows per page when the request sets no `$top`, and the largest `$top` the emulator allows (as amlguard assumes of Azure). */
const DEFAULT_TOP = 100;
const MAX_TOP = 1000;

interface QueryRequest {
  readonly subscriptions?: unknown;
  readonly query?: unknown;
  readonly options?: { readonly $top?: unknown; readonly $skipToken?: unknown };
}

/**
 * Serves `POST /providers/Microsoft.ResourceGraph/resources` for the queries amlguard sends. It does not run KQL.
 * It reads the `type in~ (...)` list, an optional `resourceGroup =~ '...'` filter, the autoscale-target filter and
 * the `union (resourcecontainers ...)` part from the query text. It returns the tenant's resources of those types
 * in the requested subscriptions, with the rows of those subscriptions and of the filtered resource group, ordered
 * by id and paged with `$skipToken` like the real service. A subscription the tenant does not have gets no row,
 * as Resource Graph gives none for a subscription the caller cannot read. Any other query gets HTTP 400.
 */
export function queryResourceGraph(tenant: EmulatedTenant, body: unknown): RoutedResponse {
  const request = (typeof body === "object" && body !== null ? body : {}) as QueryRequest;
  const query = typeof request.query === "string" ? request.query : "";
  const types = /type in~ \(([^)]*)\)/.exec(query)?.[1]?.split(",").map((entry) => entry.trim().replace(/^'|'$/g, "").toLowerCase());
  if (types === undefined || !Array.isArray(request.subscriptions)) {
    return badRequest("InvalidQuery", "The emulator answers only the Resource Graph query amlguard sends, with a subscriptions list.");
  }
  const key = JSON.stringify([query, request.subscriptions]);
  let rows = rowsByQuery.get(tenant)?.get(key);
  if (rows === undefined) {
    rows = matchingRows(tenant, query, types, request.subscriptions as unknown[]);
    const byQuery = rowsByQuery.get(tenant) ?? new Map<string, readonly unknown[]>();
    byQuery.set(key, rows);
    rowsByQuery.set(tenant, byQuery);
  }

  const top = Math.min(MAX_TOP, typeof request.options?.$top === "number" && request.options.$top > 0 ? request.options.$top : DEFAULT_TOP);
  const offset = typeof request.options?.$skipToken === "string" ? Number(Buffer.from(request.options.$skipToken, "base64").toString("utf8")) : 0;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    return badRequest("InvalidSkipToken", "The $skipToken is not one the emulator issued.");
  }
  const data = rows.slice(offset, offset + top);
  const next = offset + top < rows.length ? Buffer.from(String(offset + top), "utf8").toString("base64") : undefined;
  return {
    status: 200,
    body: { totalRecords: rows.length, count: data.length, data, facets: [], resultTruncated: "false", ...(next === undefined ? {} : { $skipToken: next }) },
  };
}

// Every page of a query would otherwise rebuild and sort all rows of the tenant, which at 50,000 deployments
// makes the emulator, not the client, the slow side of a benchmark.
const rowsByQuery = new WeakMap<EmulatedTenant, Map<string, readonly unknown[]>>();

function matchingRows(tenant: EmulatedTenant, query: string, types: readonly string[], requested: readonly unknown[]): readonly unknown[] {
  const group = /resourceGroup =~ '((?:[^'\\]|\\.)*)'/.exec(query)?.[1]?.replace(/\\'/g, "'").toLowerCase();
  const autoscaleForDeploymentsOnly = query.includes("contains '/onlineendpoints/'");
  const subscriptions = new Set(requested.map((id) => String(id).toLowerCase()));

  const rows: { id: string; type: string }[] = [];
  for (const subscription of tenant.subscriptions.filter((candidate) => subscriptions.has(candidate.id.toLowerCase()))) {
    for (const resourceGroup of subscription.resourceGroups.filter((candidate) => group === undefined || candidate.name.toLowerCase() === group)) {
      const resources = [
        ...resourceGroup.workspaces.map((workspace) => workspaceBody(subscription, resourceGroup, workspace)),
        ...resourceGroup.workspaces.flatMap((workspace) =>
          workspace.endpoints.flatMap((endpoint) => endpoint.deployments.map((deployment) => deploymentBody(subscription, resourceGroup, workspace, endpoint, deployment))),
        ),
        ...(resourceGroup.autoscaleSettings ?? []).map((setting) => autoscaleBody(subscription, resourceGroup, setting)),
      ] as { id: string; type: string; properties?: { targetResourceUri?: string } }[];
      for (const resource of resources) {
        const type = resource.type.toLowerCase();
        const isAutoscale = type === "microsoft.insights/autoscalesettings";
        if (!types.includes(type) || (isAutoscale && autoscaleForDeploymentsOnly && !String(resource.properties?.targetResourceUri).toLowerCase().includes("/onlineendpoints/"))) {
          continue;
        }
        // Resource Graph stores types in lower case and adds the subscription and resource group as columns.
        rows.push({ ...resource, type, subscriptionId: subscription.id, resourceGroup: resourceGroup.name } as { id: string; type: string });
      }
    }
  }
  if (query.includes("union (resourcecontainers")) {
    rows.push(...containerRows(tenant, subscriptions, group));
  }
  rows.sort((a, b) => compareIds(a.id, b.id));
  return rows;
}

/** Returns the `resourcecontainers` rows of the requested subscriptions that the tenant has, and of their resource group named `group`. */
function containerRows(tenant: EmulatedTenant, subscriptions: ReadonlySet<string>, group: string | undefined): { id: string; type: string }[] {
  const rows: { id: string; type: string }[] = [];
  for (const subscription of tenant.subscriptions.filter((candidate) => subscriptions.has(candidate.id.toLowerCase()))) {
    const subscriptionId = `/subscriptions/${subscription.id}`;
    rows.push({ id: subscriptionId, type: "microsoft.resources/subscriptions", name: subscription.id, subscriptionId: subscription.id } as { id: string; type: string });
    for (const resourceGroup of subscription.resourceGroups.filter((candidate) => group !== undefined && candidate.name.toLowerCase() === group)) {
      const id = `${subscriptionId}/resourceGroups/${resourceGroup.name}`;
      rows.push({ id, type: "microsoft.resources/subscriptions/resourcegroups", name: resourceGroup.name, subscriptionId: subscription.id, resourceGroup: resourceGroup.name } as { id: string; type: string });
    }
  }
  return rows;
}

function badRequest(code: string, message: string): RoutedResponse {
  return { status: 400, body: { error: { code, message } } };
}

// Code-unit order, as `order by id asc` gives for the ids the emulator builds.
function compareIds(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}
