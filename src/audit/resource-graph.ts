import * as z from "zod";
import type { AutoscaleProfile, ManagedNetworkIsolationMode, ResourceRef } from "../model/deployment";
import { type Field, effectiveValue, invalidField } from "../model/field";
import { readArmResource } from "../sources/arm-json";
import type { ResourceResult } from "../findings/finding";
import type { SourceItem } from "../sources/source-item";
import type { ArmClient, ArmFailure } from "./arm-client";
import { describeRequest } from "./http-policies";
import { type PageStop, PageGuard } from "./page-guard";
import type { AuditProgress } from "./progress";
import { NOT_EVALUATED_REASONS } from "./reasons";
import { WorkspaceSchema, indexAutoscaleSettings, isolationModeOf, missingIsolationMode, unreadableAutoscaleProfile, unreadableIsolationMode } from "./related";

/** api-version of the Resource Graph query API (`POST /providers/Microsoft.ResourceGraph/resources`). */
export const RESOURCE_GRAPH_API_VERSION = "2022-10-01";
export const RESOURCE_GRAPH_PATH = "/providers/Microsoft.ResourceGraph/resources";

// NOTE: 1,000 rows is the largest `$top` as remembered from the Resource Graph paging guide, and it was not checked
// against the service. A smaller page size would only add requests.
/** Rows per page the audit requests. */
export const RESOURCE_GRAPH_PAGE_SIZE = 1000;

// A query that keeps returning $skipToken would otherwise run forever. 10,000 pages are 10 million rows. The cap is
// above MAX_LISTING_PAGES because one query covers every audited subscription, where an ARM listing covers one scope.
const MAX_QUERY_PAGES = 10_000;

const DEPLOYMENT_TYPE = "microsoft.machinelearningservices/workspaces/onlineendpoints/deployments";
const WORKSPACE_TYPE = "microsoft.machinelearningservices/workspaces";
const AUTOSCALE_TYPE = "microsoft.insights/autoscalesettings";
const SUBSCRIPTION_TYPE = "microsoft.resources/subscriptions";
const RESOURCE_GROUP_TYPE = "microsoft.resources/subscriptions/resourcegroups";

/**
 * Returns the one KQL query the audit sends: online deployments, their workspaces (for the managed network's isolation
 * mode) and the autoscale settings that target an online deployment, with the fields the ARM source reads.
 * Resource Graph stores resource types in lower case.
 *
 * The query also returns the row of each audited subscription and resource group from `resourcecontainers`. A
 * resource group filter that matches nothing returns no rows and no error, so without these rows a misspelled scope
 * would pass as a scope without deployments.
 * NOTE: that Resource Graph also leaves out a subscription the caller cannot read, without an error, was not
 * checked against the service.
 */
export function resourceGraphQuery(resourceGroup: string | undefined): string {
  // KQL string literals take backslash escapes, so the backslash is escaped before the quote.
  const quoted = resourceGroup?.replace(/\\/g, "\\\\").replace(/'/g, "\\'");
  const group = quoted === undefined ? "" : `| where resourceGroup =~ '${quoted}' `;
  const containers =
    quoted === undefined
      ? `resourcecontainers | where type =~ '${SUBSCRIPTION_TYPE}'`
      : `resourcecontainers | where type =~ '${SUBSCRIPTION_TYPE}' or (type =~ '${RESOURCE_GROUP_TYPE}' and name =~ '${quoted}')`;
  return (
    `resources | where type in~ ('${DEPLOYMENT_TYPE}', '${WORKSPACE_TYPE}', '${AUTOSCALE_TYPE}') ${group}` +
    `| where type !~ '${AUTOSCALE_TYPE}' or tolower(tostring(properties.targetResourceUri)) contains '/onlineendpoints/' ` +
    `| union (${containers}) ` +
    "| project id, name, type, location, sku, properties | order by id asc"
  );
}

const PageSchema = z.looseObject({
  data: z.array(z.unknown()),
  $skipToken: z.string().nullish(),
  resultTruncated: z.string().nullish(),
});

const RowSchema = z.looseObject({ id: z.string().startsWith("/"), type: z.string() });

/**
 * Lists online deployments through Azure Resource Graph instead of walking workspaces and endpoints: one paged
 * query per audit returns every deployment with its workspace and autoscale settings. The index is eventually
 * consistent, so a deployment changed in the last minutes may show its previous state.
 */
export class ResourceGraphCollector {
  /**
   * `log` writes one line to the log (stderr), as the ARM client's does, when the query stops before its last page.
   * `judge` judges each item as soon as it is read, so the audit keeps the query's rows and one result per
   * deployment, not every deployment's model as well.
   */
  constructor(
    private readonly client: ArmClient,
    private readonly progress: AuditProgress,
    private readonly log: (message: string) => void,
    private readonly judge: (item: SourceItem) => ResourceResult,
  ) {}

  async collect(subscriptions: readonly string[], resourceGroup: string | undefined): Promise<ResourceResult[]> {
    const rows = await this.query(subscriptions, resourceGroup);
    const items: SourceItem[] = rows.failure === undefined ? [] : subscriptions.map((subscription) => scopeItem(subscription, rows.failure as ArmFailure));

    const workspaces = new Map<string, ReturnType<typeof isolationModeOf>>();
    const autoscaleRows: unknown[] = [];
    const deploymentRows: { readonly row: unknown; readonly id: string }[] = [];
    const scopes = new Set<string>();
    for (const row of rows.data) {
      const parsed = RowSchema.safeParse(row);
      if (!parsed.success) {
        items.push({ kind: "not-evaluated", ref: { name: `${RESOURCE_GRAPH_PATH}#row`, source: "arm", type: DEPLOYMENT_TYPE }, reason: NOT_EVALUATED_REASONS.malformedBody });
        continue;
      }
      const type = parsed.data.type.toLowerCase();
      if (type === SUBSCRIPTION_TYPE || type === RESOURCE_GROUP_TYPE) {
        scopes.add(parsed.data.id.toLowerCase());
      } else if (type === WORKSPACE_TYPE) {
        const workspace = WorkspaceSchema.safeParse(row);
        const mode = workspace.success ? isolationModeOf(workspace.data) : unreadableIsolationMode(NOT_EVALUATED_REASONS.malformedBody);
        const key = parsed.data.id.toLowerCase();
        workspaces.set(key, mergeWorkspaceRows(workspaces.get(key), mode));
        this.progress.workspaceDone();
      } else if (type === AUTOSCALE_TYPE) {
        autoscaleRows.push(row);
      } else {
        deploymentRows.push({ row, id: parsed.data.id });
      }
    }

    // After a failed query the rows are incomplete, and every subscription already has its entry.
    if (rows.failure === undefined) {
      items.push(...missingScopes(subscriptions, resourceGroup, scopes));
    }
    const autoscale = indexAutoscaleSettings(autoscaleRows, RESOURCE_GRAPH_PATH);
    const results = items.map((item) => this.judge(item));
    for (const { row, id } of deploymentRows) {
      results.push(this.judge(inScope(id, subscriptions, resourceGroup) ? readDeployment(row, workspaces, autoscale) : misplacedRow(id)));
    }
    this.progress.deploymentsRead(deploymentRows.length);
    return results;
  }

  /** Runs the query page by page, following `$skipToken`. Rows read before a failure are kept. */
  private async query(subscriptions: readonly string[], resourceGroup: string | undefined): Promise<{ data: unknown[]; failure?: ArmFailure }> {
    const url = this.client.url(RESOURCE_GRAPH_PATH, RESOURCE_GRAPH_API_VERSION);
    const query = resourceGraphQuery(resourceGroup);
    const data: unknown[] = [];
    const guard = new PageGuard(MAX_QUERY_PAGES);
    let skipToken: string | undefined;
    let stop = guard.admit(skipToken);

    while (stop === undefined) {
      const options = { $top: RESOURCE_GRAPH_PAGE_SIZE, resultFormat: "objectArray", ...(skipToken === undefined ? {} : { $skipToken: skipToken }) };
      const result = await this.client.post(url, { subscriptions, query, options });
      if (!result.ok) {
        return { data, failure: result.failure };
      }
      const parsed = PageSchema.safeParse(result.body);
      if (!parsed.success) {
        this.log(`${describeRequest(url, "POST")} returned a query result without a data array`);
        return { data, failure: { reason: NOT_EVALUATED_REASONS.malformedBody } };
      }
      data.push(...parsed.data.data);
      // A truncated result means Resource Graph dropped rows it will not page through, so deployments are missing.
      if (parsed.data.resultTruncated === "true") {
        this.log(`${describeRequest(url, "POST")} returned a truncated query result (resultTruncated: true) after ${data.length} rows`);
        return { data, failure: { reason: NOT_EVALUATED_REASONS.resultTruncated } };
      }
      skipToken = parsed.data.$skipToken ?? undefined;
      if (skipToken === undefined || skipToken === "") {
        return { data };
      }
      stop = guard.admit(skipToken);
    }
    this.log(`${describeRequest(url, "POST")} was not sent: ${pageStopDetail(stop)}`);
    return { data, failure: { reason: stop } };
  }
}

function readDeployment(row: unknown, workspaces: ReadonlyMap<string, ReturnType<typeof isolationModeOf>>, autoscale: ReturnType<typeof indexAutoscaleSettings>): SourceItem {
  const item = readArmResource(row, undefined, []);
  if (item.kind !== "deployment") {
    return item;
  }
  const { deployment } = item;
  const id = deployment.ref.id ?? "";
  const workspaceId = id.replace(/\/onlineEndpoints\/.*$/i, "").toLowerCase();
  const isolation = workspaces.get(workspaceId) ?? missingIsolationMode();

  // Autoscale settings bound only Managed deployments, as in the ARM listings.
  const managed = deployment.computeType.state === "set" && deployment.computeType.value === "Managed";
  let profiles: readonly AutoscaleProfile[] | undefined;
  if (managed) {
    profiles = autoscale.ok ? (autoscale.byTarget.get(id.toLowerCase()) ?? []) : [unreadableAutoscaleProfile(autoscale)];
  }
  return { kind: "deployment", deployment: { ...deployment, related: { workspaceIsolationMode: isolation, ...(profiles === undefined ? {} : { autoscaleProfiles: profiles }) } } };
}

function pageStopDetail(stop: PageStop): string {
  return stop === NOT_EVALUATED_REASONS.nextLinkCycle ? "$skipToken returned to a page already read" : `the query result has more than ${MAX_QUERY_PAGES} pages`;
}

/** Returns a not-evaluated entry for each audited subscription, or resource group, that the query returned no row for. */
function missingScopes(subscriptions: readonly string[], resourceGroup: string | undefined, found: ReadonlySet<string>): SourceItem[] {
  const missing: SourceItem[] = [];
  for (const subscription of subscriptions) {
    const subscriptionId = `/subscriptions/${subscription}`;
    if (!found.has(subscriptionId.toLowerCase())) {
      missing.push(scopeItem(subscription, { reason: NOT_EVALUATED_REASONS.scopeNotInGraph }));
      continue;
    }
    const groupId = resourceGroup === undefined ? undefined : `${subscriptionId}/resourceGroups/${resourceGroup}`;
    if (groupId !== undefined && !found.has(groupId.toLowerCase())) {
      const ref: ResourceRef = { id: groupId, name: resourceGroup as string, subscriptionId: subscription, source: "arm", type: "Microsoft.Resources/resourceGroups" };
      missing.push({ kind: "not-evaluated", ref, reason: NOT_EVALUATED_REASONS.scopeNotInGraph });
    }
  }
  return missing;
}

/**
 * Returns one isolation mode for a workspace that appears twice in the result. Two rows that disagree make it
 * invalid, so that neither row decides the egress rule's verdict alone.
 */
function mergeWorkspaceRows(earlier: Field<ManagedNetworkIsolationMode> | undefined, row: Field<ManagedNetworkIsolationMode>): Field<ManagedNetworkIsolationMode> {
  const agreed = effectiveValue(earlier ?? row)?.value;
  if (earlier === undefined || (agreed !== undefined && effectiveValue(row)?.value === agreed)) {
    return row;
  }
  return invalidField(
    row.path,
    undefined,
    "is ambiguous: Resource Graph returned the workspace twice, with different isolation modes",
    "Run the audit again once Resource Graph has indexed the workspace's change, or audit with --source arm",
  );
}

/** Reports whether a row's id lies in an audited subscription and, with `--resource-group`, in that resource group. */
function inScope(id: string, subscriptions: readonly string[], resourceGroup: string | undefined): boolean {
  const lowerId = id.toLowerCase();
  // A `..` segment could climb out of the prefix compared below.
  if (lowerId.split("/").some((segment) => segment === "." || segment === "..")) {
    return false;
  }
  return subscriptions.some((subscription) => {
    const prefix = `/subscriptions/${subscription}/`.toLowerCase();
    return lowerId.startsWith(resourceGroup === undefined ? prefix : `${prefix}resourcegroups/${resourceGroup.toLowerCase()}/`);
  });
}

/** Returns a not-evaluated entry for a row outside the audited scope, which would be a deployment the audit did not request. */
function misplacedRow(id: string): SourceItem {
  return { kind: "not-evaluated", ref: { id, name: id.split("/").pop() ?? id, source: "arm", type: DEPLOYMENT_TYPE }, reason: NOT_EVALUATED_REASONS.foreignId };
}

function scopeItem(subscription: string, failure: ArmFailure): SourceItem {
  const ref: ResourceRef = { id: `/subscriptions/${subscription}`, name: subscription, subscriptionId: subscription, source: "arm", type: "Microsoft.Resources/subscriptions" };
  return { kind: "not-evaluated", ref, reason: failure.reason };
}
