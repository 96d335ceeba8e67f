import path from "node:path";
import type { ResourceResult } from "../../findings/finding";
import { type RunScope, type ShardInputEvidence, resourceKey, resourceLabel } from "../../findings/run-report";
import { parseDeploymentId } from "../../sources/arm-id";
import { escapePlainText } from "../../reporters/plain-text";

/** The parts of a shard that the overlap check reads: its resources, and the files it and its own shards read. */
export interface ShardResources {
  readonly file: string;
  readonly results: readonly ResourceResult[];
  /** The shard's `evidence.inputs` and those of every shard it merged. */
  readonly inputs: readonly ShardInputEvidence[];
}

/**
 * Returns why two shards list the same deployment, or undefined when they cover disjoint resources. A resource
 * that one shard lists twice, such as one ARM id in two checked files, is already counted twice in that shard's
 * own summary, so only a resource that another shard lists is an overlap. A file given twice is two shards.
 *
 * Resources with an ARM id or a URN are compared by it. Resources of a checked file are compared by the file and
 * their names (see {@link sameFileDeployment}). Checked files are compared by real path. A file whose real path
 * one shard records and another does not (JSON report 1.4 or older) is compared by the name both give it,
 * normalized, so the same file is not counted twice. Two files of one name in different directories then count
 * as one, which rejects a merge rather than double a count.
 */
export function findOverlap(shards: readonly ShardResources[]): string | undefined {
  const claims: Claims = { owners: new ResourceClaims(), namedWithRealPath: new ResourceClaims() };
  for (const [index, shard] of shards.entries()) {
    const checked = checkedRealPaths(shard.inputs);
    for (const result of shard.results) {
      const collision = claimResource(result, index, checked, claims);
      if (collision !== undefined) {
        const { found, claim, detail } = collision;
        return (
          `${claim.label}${escapePlainText(detail)}${workspacesOf(found, claim, shards)} is in both ${escapePlainText(shards[found.index].file)} and ${escapePlainText(shards[claim.index].file)}; ` +
          "shards must cover disjoint scopes, or the merged counts would count it twice."
        );
      }
    }
  }
  return undefined;
}

/**
 * The claims made so far: `owners` under ARM ids, URNs, real paths and the names of files without a real path,
 * and `namedWithRealPath` under the names of files whose real path a shard recorded.
 */
interface Claims {
  readonly owners: ResourceClaims;
  readonly namedWithRealPath: ResourceClaims;
}

/** Another shard's claim that the new claim collides with, under the key named by `detail`. */
interface Collision {
  readonly found: Claim;
  readonly claim: Claim;
  readonly detail: string;
}

/** Records a shard's claim on a resource under every key that identifies it, and returns the first collision. */
function claimResource(result: ResourceResult, index: number, checked: CheckedFiles, { owners, namedWithRealPath }: Claims): Collision | undefined {
  const { file, id, urn } = result.resource;
  const named = file === undefined ? undefined : path.posix.normalize(file);
  const claim = claimOf(result, index, named);
  // A resource with an ARM id or URN is that id wherever it was read, a checked file included.
  if (file === undefined || id !== undefined || urn !== undefined) {
    const key = keyWithoutWorkspace(result, named);
    const found = owners.collision(key, claim);
    if (found !== undefined) {
      return { found, claim, detail: "" };
    }
    owners.add(key, claim);
    return undefined;
  }

  // A file's other resources are claimed under the file, and their names decide whether two claims are one deployment.
  const key = `file ${named}`;
  const candidates = [...(checked.realPaths.get(file) ?? [])];

  // In a merged report one name may come from a shard with real paths and from one without.
  if (candidates.length === 0 || checked.withoutRealPath.has(file)) {
    const found = owners.collision(key, claim) ?? namedWithRealPath.collision(key, claim);
    if (found !== undefined) {
      return { found, claim, detail: "" };
    }
    owners.add(key, claim);
  }
  if (candidates.length === 0) {
    return undefined;
  }

  const found = owners.collision(key, claim);
  if (found !== undefined) {
    return { found, claim, detail: "" };
  }
  namedWithRealPath.add(key, claim);
  for (const realPath of candidates) {
    const realKey = `file ${realPath}`;
    const sameFile = owners.collision(realKey, claim);
    if (sameFile !== undefined) {
      return { found: sameFile, claim, detail: realPath === file ? "" : ` (file ${realPath})` };
    }
    owners.add(realKey, claim);
  }
  return undefined;
}

/** A shard's claim on a resource, with the names that tell a checked file's deployments apart. */
interface Claim {
  readonly index: number;
  /** The resource as the reports label it, with its ARM id or URN, or the file it was read from. */
  readonly label: string;
  /** The workspace the shard recorded for a checked file's deployment, as spelled. */
  readonly workspace?: string;
  /** Lower-cased names of a checked file's deployment. Absent for a resource with an ARM id or URN. */
  readonly names?: { readonly workspace?: string; readonly endpoint?: string; readonly deployment: string };
}

function claimOf(result: ResourceResult, index: number, file: string | undefined): Claim {
  const { resource } = result;
  const byId = resource.id !== undefined || resource.urn !== undefined;
  // The workspace is left out of the label, because the rejection names the workspace each shard recorded.
  const label = resourceLabel({ ...result, resource: { ...resource, workspaceName: undefined } });
  return {
    index,
    // Names come from the shards, and the rejection goes to a terminal, so control characters are escaped.
    label: escapePlainText(byId ? `${label} (${resource.id ?? resource.urn})` : file === undefined || label.startsWith("file ") ? label : `${label} in file '${file}'`),
    // An ARM id names its workspace already.
    ...(byId || resource.workspaceName === undefined ? {} : { workspace: resource.workspaceName }),
    ...(byId
      ? {}
      : {
          names: {
            ...(resource.workspaceName === undefined ? {} : { workspace: resource.workspaceName.toLowerCase() }),
            ...(resource.endpointName === undefined ? {} : { endpoint: resource.endpointName.toLowerCase() }),
            deployment: resource.name.toLowerCase(),
          },
        }),
  };
}

/**
 * Reports whether two claims on one checked file can be one deployment. Azure compares names without regard to
 * case. One ARM template checked with two parameters files may deploy one endpoint and deployment name to two
 * workspaces, so names in different recorded workspaces are different deployments. A deployment without an
 * endpoint name is one whose name the template does not resolve (or a CLI YAML file that names no endpoint),
 * and it may be any deployment of the file. A workspace one shard does not record (JSON report 1.7 or older, or
 * a name the template does not resolve) may be any workspace.
 */
function sameFileDeployment(first: Claim, second: Claim): boolean {
  const [one, other] = [first.names, second.names];
  if (one === undefined || other === undefined || one.endpoint === undefined || other.endpoint === undefined) {
    return true;
  }
  const sameWorkspace = one.workspace === undefined || other.workspace === undefined || one.workspace === other.workspace;
  return sameWorkspace && one.endpoint === other.endpoint && one.deployment === other.deployment;
}

// Names the workspaces of two colliding claims when either records one, so that a reader sees why they collide.
function workspacesOf(found: Claim, claim: Claim, shards: readonly ShardResources[]): string {
  if (found.workspace === undefined && claim.workspace === undefined) {
    return "";
  }
  if (found.workspace !== undefined && claim.workspace !== undefined) {
    return ` in workspace '${escapePlainText(claim.workspace)}'`;
  }
  const [recorded, missing] = found.workspace === undefined ? [claim, found] : [found, claim];
  return ` (workspace '${escapePlainText(recorded.workspace ?? "")}' in ${escapePlainText(shards[recorded.index].file)}, none recorded in ${escapePlainText(shards[missing.index].file)})`;
}

/** The claims of the shards on each key: an ARM id, a URN, or a checked file. */
class ResourceClaims {
  private readonly byKey = new Map<string, Claim[]>();

  /** Returns another shard's claim on the key that may be the same deployment, or undefined. */
  collision(key: string, claim: Claim): Claim | undefined {
    return this.byKey.get(key)?.find((other) => other.index !== claim.index && sameFileDeployment(other, claim));
  }

  add(key: string, claim: Claim): void {
    const claims = this.byKey.get(key);
    if (claims === undefined) {
      this.byKey.set(key, [claim]);
    } else {
      claims.push(claim);
    }
  }
}

/** Returns the resource key of a result without its workspace, with the checked file named as given. */
function keyWithoutWorkspace(result: ResourceResult, file: string | undefined): string {
  return resourceKey({ ...result, resource: { ...result.resource, workspaceName: undefined, file } });
}

/** The checked files of a shard by the name it gives them: their real paths, and the names without one. */
interface CheckedFiles {
  readonly realPaths: ReadonlyMap<string, ReadonlySet<string>>;
  readonly withoutRealPath: ReadonlySet<string>;
}

// Maps each checked file as the shard names it to its real paths, so `d.yml` in one shard and `./d.yml` in another
// compare as one file. A merged report records them in its shards' inputs. There one name may stand for several
// files (`d.yml` in two directories), and its resources do not say which, so each is compared with all of them.
// Only shards of JSON report 1.5 or later record the real path.
function checkedRealPaths(inputs: readonly ShardInputEvidence[]): CheckedFiles {
  const realPaths = new Map<string, Set<string>>();
  const withoutRealPath = new Set<string>();
  for (const input of inputs) {
    if (input.role !== "checked") {
      continue;
    }
    if (input.realPath === undefined) {
      withoutRealPath.add(input.file);
    } else {
      realPaths.set(input.file, (realPaths.get(input.file) ?? new Set()).add(input.realPath));
    }
  }
  return { realPaths, withoutRealPath };
}

/** A shard's file and the scopes of the audits it holds: its own, or those of its shards when it is a merged report. */
export interface ShardScopes {
  readonly file: string;
  readonly scopes: readonly RunScope[];
}

/** A scope one audit listed or a deployment it read, named from the subscription down in lower case, as Resource Manager compares names. */
interface AuditedPart {
  readonly shard: number;
  readonly armEndpoint: string;
  readonly names: readonly string[];
  readonly label: string;
}

/**
 * Returns why two shards audited overlapping scopes, or undefined when they did not. Two audits overlap when they
 * read one Resource Manager endpoint and one's scope contains the other's. Examples are a subscription and one of
 * its resource groups, a resource group and a workspace in it, or a listing and a `--id` deployment in it. findOverlap
 * rejects a deployment that both list. This check also rejects an overlap that happened to contain none, because
 * the next run of the same split may count one twice.
 */
export function findScopeOverlap(shards: readonly ShardScopes[]): string | undefined {
  const parts = shards.flatMap((shard, index) => shard.scopes.flatMap((scope) => auditedParts(scope, index)));
  for (const [position, part] of parts.entries()) {
    for (const other of parts.slice(position + 1)) {
      if (part.shard === other.shard || part.armEndpoint !== other.armEndpoint) {
        continue;
      }
      if (isPrefix(part.names, other.names) || isPrefix(other.names, part.names)) {
        return (
          `${escapePlainText(shards[part.shard].file)} audited ${part.label} and ${escapePlainText(shards[other.shard].file)} audited ${other.label}, which overlap; ` +
          "shards must cover disjoint scopes, or a deployment in both would be counted twice."
        );
      }
    }
  }
  return undefined;
}

function auditedParts(scope: RunScope, shard: number): AuditedPart[] {
  const armEndpoint = (scope.armEndpoint ?? "").toLowerCase();
  const narrowing = [scope.resourceGroup, scope.workspace, scope.endpoint].filter((name): name is string => name !== undefined);
  const listed = (scope.subscriptions ?? []).map((subscription) => {
    const names = [subscription, ...narrowing];
    return { shard, armEndpoint, names: names.map((name) => name.toLowerCase()), label: listingLabel(names) };
  });
  const read = (scope.deploymentIds ?? []).flatMap((id) => {
    const parts = parseDeploymentId(id);
    if (parts === undefined) {
      return [];
    }
    const names = [parts.subscriptionId, parts.resourceGroupName, parts.workspaceName, parts.endpointName, parts.deploymentName];
    return [{ shard, armEndpoint, names: names.map((name) => name.toLowerCase()), label: `deployment ${escapePlainText(id)}` }];
  });
  return [...listed, ...read];
}

function listingLabel(names: readonly string[]): string {
  const kinds = ["subscription", "resource group", "workspace", "endpoint"];
  return `${kinds[names.length - 1]} ${escapePlainText(names.join("/"))}`;
}

function isPrefix(prefix: readonly string[], names: readonly string[]): boolean {
  return prefix.length <= names.length && prefix.every((name, index) => name === names[index]);
}
