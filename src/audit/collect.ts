import * as z from "zod";
import type { AutoscaleProfile, ManagedNetworkIsolationMode, ResourceRef } from "../model/deployment";
import type { Field } from "../model/field";
import { armIdKey, parseDeploymentId } from "../sources/arm-id";
import { readArmResource } from "../sources/arm-json";
import type { ResourceResult } from "../findings/finding";
import type { SourceItem } from "../sources/source-item";
import type { ArmClient, ArmFailure } from "./arm-client";
import type { AuditProgress } from "./progress";
import { NOT_EVALUATED_REASONS } from "./reasons";
import {
  AUTOSCALE_API_VERSION,
  type AutoscaleIndex,
  type WorkspaceBody,
  WorkspaceSchema,
  armIdSchema,
  indexAutoscaleSettings,
  isolationModeOf,
  unreadableAutoscaleProfile,
  unreadableIsolationMode,
} from "./related";

/** Scope of an audit: subscriptions narrowed by resource group, workspace and endpoint, or deployment ids. */
export interface AuditScope {
  readonly subscriptions: readonly string[];
  readonly resourceGroup?: string;
  readonly workspace?: string;
  readonly endpoint?: string;
  readonly deploymentIds: readonly string[];
}

const ML_PROVIDER = "providers/Microsoft.MachineLearningServices";
const WORKSPACE_TYPE = "Microsoft.MachineLearningServices/workspaces";
const ENDPOINT_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
const DEPLOYMENT_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";

const NamedResourceSchema = z.looseObject({ id: armIdSchema(), name: z.string().min(1) });

// The resource group part of a deployment id that a listing or `--id` check already accepted.
const RESOURCE_GROUP_PREFIX = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/i;

/**
 * Lists workspaces, online endpoints and deployments through ARM and reads each deployment with the same
 * reader as `amlguard check`, then judges it. Every deployment a listing returned, and every scope that could
 * not be listed, ends up in the result.
 */
export class DeploymentCollector {
  private readonly autoscaleIndexes = new Map<string, Promise<AutoscaleIndex>>();
  private readonly workspaceReads = new Map<string, Promise<Field<ManagedNetworkIsolationMode>>>();

  constructor(
    private readonly client: ArmClient,
    private readonly apiVersion: string,
    private readonly progress: AuditProgress,
    /**
     * Judges each item as soon as it is read, so the audit keeps one result per deployment instead of every
     * deployment's model until the last listing ends.
     */
    private readonly judge: (item: SourceItem) => ResourceResult,
  ) {}

  async collect(scope: AuditScope): Promise<ResourceResult[]> {
    const batches = await Promise.all([
      ...scope.subscriptions.map((subscription) => this.collectSubscription(subscription, scope)),
      ...scope.deploymentIds.map(async (id) => [await this.collectDeploymentId(id)]),
    ]);
    return batches.flat();
  }

  private async collectSubscription(subscription: string, scope: AuditScope): Promise<ResourceResult[]> {
    const subscriptionPath = `/subscriptions/${encodeURIComponent(subscription)}`;
    const groupPath = scope.resourceGroup === undefined ? undefined : `${subscriptionPath}/resourceGroups/${encodeURIComponent(scope.resourceGroup)}`;

    // Each workspace is collected as soon as its listing page arrives, so endpoint listings overlap the
    // remaining workspace pages instead of waiting for the last one.
    const perWorkspace: Promise<ResourceResult[]>[] = [];
    let scopeRef: ResourceRef;
    const startWorkspaces = (workspaces: readonly unknown[]): void => {
      for (const workspace of workspaces) {
        const collected = this.collectWorkspace(workspace, scope, subscription, `${scopeRef.id}#workspace[${perWorkspace.length}]`);
        // Promise.all below rethrows a failure, such as a rejected token, once the listing ends. Until then the
        // handler keeps Node from ending the process for an unhandled rejection.
        collected.catch(() => undefined);
        perWorkspace.push(collected);
      }
    };

    let failure: ArmFailure | undefined;
    if (groupPath !== undefined && scope.workspace !== undefined) {
      const path = `${groupPath}/${ML_PROVIDER}/workspaces/${encodeURIComponent(scope.workspace)}`;
      scopeRef = scopeReference(path, scope.workspace, WORKSPACE_TYPE, subscription);
      const result = await this.client.get(this.client.url(path, this.apiVersion));
      startWorkspaces(result.ok ? [result.body] : []);
      failure = result.ok ? undefined : result.failure;
    } else {
      const listPath = `${groupPath ?? subscriptionPath}/${ML_PROVIDER}/workspaces`;
      scopeRef =
        groupPath === undefined
          ? scopeReference(subscriptionPath, subscription, "Microsoft.Resources/subscriptions", subscription)
          : scopeReference(groupPath, scope.resourceGroup ?? "", "Microsoft.Resources/resourceGroups", subscription);
      const listing = await this.client.list(this.client.url(listPath, this.apiVersion), startWorkspaces);
      failure = listing.failure;
    }

    const items = failure === undefined ? [] : [this.judge({ kind: "not-evaluated", ref: scopeRef, reason: failure.reason })];
    return [...items, ...(await Promise.all(perWorkspace)).flat()];
  }

  private async collectWorkspace(raw: unknown, scope: AuditScope, subscription: string, fallbackName: string): Promise<ResourceResult[]> {
    const parsed = WorkspaceSchema.safeParse(raw);
    if (!parsed.success) {
      this.progress.workspaceDone();
      return [this.judge({ kind: "not-evaluated", ref: { name: fallbackName, source: "arm", type: WORKSPACE_TYPE }, reason: NOT_EVALUATED_REASONS.malformedBody })];
    }
    const workspace = parsed.data;
    if (!workspaceInScope(workspace.id, workspace.name, scope, subscription)) {
      this.progress.workspaceDone();
      return [this.judge({ kind: "not-evaluated", ref: { name: fallbackName, source: "arm", type: WORKSPACE_TYPE }, reason: NOT_EVALUATED_REASONS.foreignId })];
    }
    const isolation = isolationModeOf(workspace);
    this.workspaceReads.set(workspace.id.toLowerCase(), Promise.resolve(isolation));

    let endpoints: unknown[];
    let failure: ArmFailure | undefined;
    let scopeRef = workspaceReference(workspace);
    if (scope.endpoint !== undefined) {
      const endpointId = `${workspace.id}/onlineEndpoints/${encodeURIComponent(scope.endpoint)}`;
      scopeRef = { ...scopeRef, id: endpointId, name: scope.endpoint, endpointName: scope.endpoint, type: ENDPOINT_TYPE };
      const result = await this.client.get(this.client.url(endpointId, this.apiVersion));
      endpoints = result.ok ? [result.body] : [];
      failure = result.ok ? undefined : result.failure;
    } else {
      const listing = await this.client.list(this.client.url(`${workspace.id}/onlineEndpoints`, this.apiVersion));
      endpoints = [...listing.items];
      failure = listing.failure;
    }

    const items = failure === undefined ? [] : [this.judge({ kind: "not-evaluated", ref: scopeRef, reason: failure.reason })];
    const perEndpoint = await Promise.all(endpoints.map((endpoint, index) => this.collectEndpoint(endpoint, workspace, isolation, index, scope.endpoint)));
    this.progress.workspaceDone();
    return [...items, ...perEndpoint.flat()];
  }

  private async collectEndpoint(
    raw: unknown,
    workspace: WorkspaceBody,
    isolation: Field<ManagedNetworkIsolationMode>,
    index: number,
    requestedName: string | undefined,
  ): Promise<ResourceResult[]> {
    const parsed = NamedResourceSchema.safeParse(raw);
    if (!parsed.success) {
      this.progress.endpointDone();
      const ref = listedEndpointReference(workspace, index);
      return [this.judge({ kind: "not-evaluated", ref, reason: NOT_EVALUATED_REASONS.malformedBody })];
    }
    const endpoint = parsed.data;
    // An endpoint read by name under --endpoint must be that endpoint.
    const requested = requestedName === undefined || endpoint.name.toLowerCase() === requestedName.toLowerCase();
    if (!requested || !sameChildId(endpoint.id, `${workspace.id}/onlineEndpoints`, endpoint.name)) {
      this.progress.endpointDone();
      const ref = listedEndpointReference(workspace, index);
      return [this.judge({ kind: "not-evaluated", ref, reason: NOT_EVALUATED_REASONS.foreignId })];
    }

    const listing = await this.client.list(this.client.url(`${endpoint.id}/deployments`, this.apiVersion));
    const items: ResourceResult[] = [];
    if (listing.failure !== undefined) {
      const ref: ResourceRef = { ...workspaceReference(workspace), id: endpoint.id, name: endpoint.name, endpointName: endpoint.name, type: ENDPOINT_TYPE };
      items.push(this.judge({ kind: "not-evaluated", ref, reason: listing.failure.reason }));
    }
    const deployments = await Promise.all(
      listing.items.map((item, position) => this.readDeployment(item, isolation, `${endpoint.id}/deployments#${position}`, `${endpoint.id}/deployments/`)),
    );
    this.progress.endpointDone();
    this.progress.deploymentsRead(listing.items.length);
    return [...items, ...deployments];
  }

  private async collectDeploymentId(id: string): Promise<ResourceResult> {
    const parts = parseDeploymentId(id);
    const ref: ResourceRef = {
      id,
      name: parts?.deploymentName ?? id,
      ...(parts === undefined
        ? {}
        : { endpointName: parts.endpointName, workspaceName: parts.workspaceName, resourceGroupName: parts.resourceGroupName, subscriptionId: parts.subscriptionId }),
      source: "arm",
      type: DEPLOYMENT_TYPE,
    };
    const result = await this.client.get(this.client.url(id, this.apiVersion));
    this.progress.deploymentsRead(1);
    if (!result.ok) {
      return this.judge({ kind: "not-evaluated", ref, reason: result.failure.reason });
    }

    const workspaceId = id.replace(/\/onlineEndpoints\/.*$/i, "");
    return this.readDeployment(result.body, await this.isolationFor(workspaceId), id, id);
  }

  /**
   * Reads and judges one deployment body. `within` is the id the body must have, or the prefix of the listing it
   * came from. A body whose id is elsewhere is not judged, because it would be reported under another
   * deployment's id while the one that was read went missing.
   */
  private async readDeployment(raw: unknown, isolation: Field<ManagedNetworkIsolationMode>, fallbackName: string, within: string): Promise<ResourceResult> {
    const named = NamedResourceSchema.safeParse(raw);
    if (!named.success) {
      return this.judge({ kind: "not-evaluated", ref: { name: fallbackName, source: "arm", type: DEPLOYMENT_TYPE }, reason: NOT_EVALUATED_REASONS.malformedBody });
    }
    // A listing names the parent and the body its own name, and an --id read names the deployment itself.
    if (within.endsWith("/") ? !sameChildId(named.data.id, within.slice(0, -1), named.data.name) : !sameId(named.data.id, within)) {
      return this.judge({ kind: "not-evaluated", ref: { name: fallbackName, source: "arm", type: DEPLOYMENT_TYPE }, reason: NOT_EVALUATED_REASONS.foreignId });
    }
    const item = readArmResource(raw, undefined, []);
    const profiles = this.autoscaleFor(item);
    if (profiles === undefined) {
      return this.judgeRead(item, isolation, undefined);
    }
    // The autoscale listing may take seconds behind other requests. This frame ends here, so the model is not kept
    // while the listing is awaited: it is about seven times the size of the body, which is read again afterwards.
    return this.judgeAfter(profiles, raw, isolation);
  }

  private async judgeAfter(profiles: Promise<readonly AutoscaleProfile[]>, raw: unknown, isolation: Field<ManagedNetworkIsolationMode>): Promise<ResourceResult> {
    const autoscaleProfiles = await profiles;
    return this.judgeRead(readArmResource(raw, undefined, []), isolation, autoscaleProfiles);
  }

  private judgeRead(item: SourceItem, isolation: Field<ManagedNetworkIsolationMode>, autoscaleProfiles: readonly AutoscaleProfile[] | undefined): ResourceResult {
    if (item.kind !== "deployment") {
      return this.judge(item);
    }
    const related = { workspaceIsolationMode: isolation, ...(autoscaleProfiles === undefined ? {} : { autoscaleProfiles }) };
    return this.judge({ kind: "deployment", deployment: { ...item.deployment, related } });
  }

  /**
   * Returns the autoscale profiles that target a Managed deployment, or undefined for a deployment that autoscale
   * settings do not bound: Kubernetes deployments scale through scaleSettings. The resource group is taken from the
   * id as written, escapes included, so a name that does not decode still gets its listing.
   */
  private autoscaleFor(item: SourceItem): Promise<readonly AutoscaleProfile[]> | undefined {
    const deployment = item.kind === "deployment" ? item.deployment : undefined;
    const id = deployment?.ref.id;
    const groupId = id === undefined ? undefined : RESOURCE_GROUP_PREFIX.exec(id)?.[0];
    if (deployment?.computeType.state !== "set" || deployment.computeType.value !== "Managed" || id === undefined || groupId === undefined) {
      return undefined;
    }

    const key = armIdKey(groupId);
    let index = this.autoscaleIndexes.get(key);
    if (index === undefined) {
      index = this.listAutoscaleSettings(groupId);
      this.autoscaleIndexes.set(key, index);
    }
    return profilesOf(index, id);
  }

  private async listAutoscaleSettings(groupId: string): Promise<AutoscaleIndex> {
    const listingId = `${groupId}/providers/Microsoft.Insights/autoscalesettings`;
    const listing = await this.client.list(this.client.url(listingId, AUTOSCALE_API_VERSION));
    if (listing.failure !== undefined) {
      return { ok: false, reason: listing.failure.reason, listingId };
    }
    return indexAutoscaleSettings(listing.items, listingId);
  }

  private isolationFor(workspaceId: string): Promise<Field<ManagedNetworkIsolationMode>> {
    const key = workspaceId.toLowerCase();
    let read = this.workspaceReads.get(key);
    if (read === undefined) {
      read = this.client.get(this.client.url(workspaceId, this.apiVersion)).then((result) => {
        if (!result.ok) {
          return unreadableIsolationMode(result.failure.reason);
        }
        const workspace = WorkspaceSchema.safeParse(result.body);
        return workspace.success ? isolationModeOf(workspace.data) : unreadableIsolationMode(NOT_EVALUATED_REASONS.malformedBody);
      });
      this.workspaceReads.set(key, read);
    }
    return read;
  }
}

function scopeReference(id: string, name: string, type: string, subscriptionId: string): ResourceRef {
  return { id, name, subscriptionId, source: "arm", type };
}

/**
 * Names an endpoint of a workspace listing that could not be read as itself, by the listing and its position.
 * It has no id, so that two such endpoints of one workspace stay two results.
 */
function listedEndpointReference(workspace: WorkspaceBody, index: number): ResourceRef {
  const { id: _workspaceId, ...workspaceFields } = workspaceReference(workspace);
  return { ...workspaceFields, name: `${workspace.id}/onlineEndpoints#${index}`, type: ENDPOINT_TYPE };
}

function workspaceReference(workspace: WorkspaceBody): ResourceRef {
  const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(workspace.id);
  return {
    id: workspace.id,
    name: workspace.name,
    workspaceName: workspace.name,
    ...(match === null ? {} : { subscriptionId: match[1], resourceGroupName: match[2] }),
    source: "arm",
    type: WORKSPACE_TYPE,
  };
}

// Takes only the index and the id, so the model that named them is not kept alive while the listing is awaited.
async function profilesOf(index: Promise<AutoscaleIndex>, id: string): Promise<readonly AutoscaleProfile[]> {
  const resolved = await index;
  if (!resolved.ok) {
    return [unreadableAutoscaleProfile(resolved)];
  }
  return resolved.byTarget.get(id.toLowerCase()) ?? [];
}

function sameId(id: string, expected: string): boolean {
  return armIdKey(id) === armIdKey(expected);
}

// A listed child's name is one segment of its id, so a name with a slash would point the id at another resource.
function sameChildId(id: string, parent: string, name: string): boolean {
  return !name.includes("/") && sameId(id, `${parent}/${name}`);
}

/**
 * Reports whether a workspace that the listing of `subscription` returned lies in that subscription and in the
 * audited resource group and workspace. A workspace of another audited subscription is out of place too: its own
 * listing reports it, and taking it here would report it twice while the workspace it replaced went missing.
 */
function workspaceInScope(id: string, name: string, scope: AuditScope, subscription: string): boolean {
  const parts = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)$/i.exec(id);
  if (parts === null || parts[3].toLowerCase() !== name.toLowerCase()) {
    return false;
  }
  if (scope.workspace !== undefined && scope.workspace.toLowerCase() !== name.toLowerCase()) {
    return false;
  }
  const inSubscription = subscription.toLowerCase() === parts[1].toLowerCase();
  return inSubscription && (scope.resourceGroup === undefined || scope.resourceGroup.toLowerCase() === parts[2].toLowerCase());
}
