import type { AutoscaleProfile, OnlineDeployment, RelatedResources } from "../model/deployment";
import { effectiveValue, invalidField, unknownField } from "../model/field";
import { parseDeploymentId } from "./arm-id";
import { type Lookup, createChildLookup } from "./property-access";
import { type PulumiResource, knownString, pulumiAccess, readPulumiDeployment } from "./pulumi-inputs";
import { isAutoscaleSettingType, isDeploymentParentType, isOnlineDeploymentType, isWorkspaceType, typeOfUrn } from "./pulumi-types";
import { type CapacityCountOptions, capacityCountField, isolationModeField } from "./related-fields";
import type { SourceItem } from "./source-item";

/** A resource of the stack as a stack policy receives it, with the URNs each of its properties depends on. */
export interface PulumiStackResource extends PulumiResource {
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

const child = createChildLookup(pulumiAccess);

// Stack inputs come from user programs, so spaces around a capacity count are trimmed. The audit reads ARM responses untrimmed.
const CAPACITY_OPTIONS: CapacityCountOptions = { trimSpaces: true };

/**
 * Reads every OnlineDeployment of a stack and fills in the facts other resources of the same stack hold: the
 * autoscale settings that target it and its workspace's managed network isolation mode.
 */
export function readStackDeployments(resources: readonly PulumiStackResource[]): SourceItem[] {
  const neighbours: StackNeighbours = {
    workspaces: resources.filter((resource) => isWorkspaceType(resource.type)),
    settings: resources.filter((resource) => isAutoscaleSettingType(resource.type)),
    deployments: resources.filter((resource) => isOnlineDeploymentType(resource.type)),
  };

  return neighbours.deployments.map((resource) => {
    const item = readPulumiDeployment(resource);
    if (item.kind !== "deployment") {
      return item;
    }
    return { kind: "deployment", deployment: withRelated(item.deployment, resource, neighbours) };
  });
}

/** The resources of a stack whose facts a deployment's judgement needs, by kind. */
interface StackNeighbours {
  readonly workspaces: readonly PulumiStackResource[];
  readonly settings: readonly PulumiStackResource[];
  readonly deployments: readonly PulumiStackResource[];
}

function withRelated(
  deployment: OnlineDeployment,
  resource: PulumiStackResource,
  { workspaces, settings, deployments }: StackNeighbours,
): OnlineDeployment {
  const related: { -readonly [K in keyof RelatedResources]: RelatedResources[K] } = {};

  const isolationMode = workspaceIsolationMode(resource, workspaces);
  if (isolationMode !== undefined) {
    related.workspaceIsolationMode = isolationMode;
  }

  const profiles = settings.flatMap((setting) => {
    const target = targetOf(setting, resource, deployments);
    if (target === "no") {
      return [];
    }
    return target === "yes" ? autoscaleProfiles(setting) : unknownTargetProfiles(setting);
  });
  if (profiles.length > 0) {
    related.autoscaleProfiles = profiles;
  }
  return { ...deployment, related };
}

// Azure resource names are case-insensitive.
function sameName(left: string | undefined, right: string | undefined): boolean {
  return left !== undefined && right !== undefined && left.toLowerCase() === right.toLowerCase();
}

function dependsOn(resource: PulumiStackResource, property: string, urn: string): boolean {
  return (resource.propertyDependencies[property] ?? []).includes(urn);
}

const ISOLATION_PATH = "managedNetwork.isolationMode";

/**
 * Returns the isolation mode of the deployment's workspace, or undefined when the stack has no such workspace. The
 * workspace is the one `workspaceName` was taken from, unless its name or resource group is known and differs; without such a
 * dependency, the one whose names match. The names leave out the subscription, which deployment inputs do not
 * carry, and in a preview a name may not be known yet, so several workspaces may be the one. Their mode then
 * counts when they agree, is unknown while one is unknown or may match only by a name not known yet, and is
 * invalid when the matching ones differ, as amlguard cannot tell which one Azure uses.
 */
function workspaceIsolationMode(deployment: PulumiStackResource, workspaces: readonly PulumiStackResource[]): RelatedResources["workspaceIsolationMode"] {
  const sources = workspaces.filter(
    (workspace) => dependsOn(deployment, "workspaceName", workspace.urn) && compareNames(deployment, workspace) !== "differ",
  );
  if (sources.length > 0) {
    return agreedMode(sources);
  }
  const matches = workspaces.filter((workspace) => compareNames(deployment, workspace) === "same");
  const possible = workspaces.filter((workspace) => compareNames(deployment, workspace) === "unknown");
  if (possible.length === 0) {
    return matches.length === 0 ? undefined : agreedMode(matches);
  }
  // A workspace whose names are not known yet may be the one, or the deployment's workspace may lie outside the stack.
  const agreed = matches.length === 0 ? undefined : agreedMode([...matches, ...possible]);
  return agreed?.state === "set" || agreed?.state === "unset" ? agreed : unknownField(ISOLATION_PATH, "the deployment's workspace is not known until the workspace names are");
}

/** Returns the mode that the given workspaces agree on, an unknown mode while one is unknown, or an invalid one. */
function agreedMode(candidates: readonly PulumiStackResource[]): NonNullable<RelatedResources["workspaceIsolationMode"]> {
  const modes = candidates.map((workspace) => isolationModeField(pulumiAccess, workspace.props, ISOLATION_PATH));
  if (modes.length === 1) {
    return modes[0];
  }
  const known = modes.map((mode) => effectiveValue(mode)?.value);
  const agreed = known.find((value) => value !== undefined);
  if (modes.every((mode, index) => mode.state === "unknown" || (known[index] !== undefined && known[index] === agreed))) {
    return modes.find((mode) => mode.state === "unknown") ?? modes[0];
  }
  const urns = candidates.map((workspace) => workspace.urn).join(", ");
  return invalidField(ISOLATION_PATH, undefined, `is ambiguous: ${candidates.length} workspaces of the stack match the deployment (${urns}), and their isolation modes differ`);
}

/**
 * Compares the deployment's `workspaceName` and `resourceGroupName` with the workspace's: "same" when all are known
 * and match, "differ" when a known pair differs, "unknown" when a name is not known yet and no known pair differs.
 */
function compareNames(deployment: PulumiStackResource, workspace: PulumiStackResource): "same" | "differ" | "unknown" {
  // A workspace's outputs, which the stack check gets after apply and for unchanged resources, have no
  // resourceGroupName: azure-native returns none for the inputs that form a resource's path. Such a workspace is
  // compared by name alone, as no later step will tell its resource group.
  const groupRecorded = pulumiAccess.get(workspace.props, "resourceGroupName").kind !== "absent";
  const pairs = [
    compareName(deployment.props, "workspaceName", workspace.props, workspaceNameKey(workspace)),
    groupRecorded ? compareName(deployment.props, "resourceGroupName", workspace.props, "resourceGroupName") : "same",
  ];
  if (pairs.includes("differ")) {
    return "differ";
  }
  return pairs.includes("unknown") ? "unknown" : "same";
}

function compareName(left: Record<string, unknown>, leftKey: string, right: Record<string, unknown>, rightKey: string): "same" | "differ" | "unknown" {
  const leftName = knownString(left, leftKey);
  const rightName = knownString(right, rightKey);
  if (leftName === undefined || rightName === undefined) {
    return "unknown";
  }
  return sameName(leftName, rightName) ? "same" : "differ";
}

// A workspace without a `workspaceName` input takes its name from the resource, which the `name` output shows.
function workspaceNameKey(workspace: PulumiStackResource): "workspaceName" | "name" {
  return pulumiAccess.get(workspace.props, "workspaceName").kind === "absent" ? "name" : "workspaceName";
}

/**
 * Decides whether the setting targets the deployment: "yes" when its `targetResourceUri` was built from the
 * deployment's outputs, or when the URI names the deployment's resource group, workspace, endpoint and deployment.
 * "unknown" when the URI is not known yet and was built from no deployment of the stack, so it may name any of
 * them, and the setting's bounds are not known for each.
 */
function targetOf(setting: PulumiStackResource, deployment: PulumiStackResource, deployments: readonly PulumiStackResource[]): "yes" | "no" | "unknown" {
  if (dependsOn(setting, "targetResourceUri", deployment.urn)) {
    return "yes";
  }
  const uri = pulumiAccess.get(setting.props, "targetResourceUri");
  if (uri.kind === "unknown") {
    // A target built from another deployment, or from a resource that is no parent of a deployment (a scale set),
    // names that resource.
    const sources = setting.propertyDependencies.targetResourceUri ?? [];
    const namesOther = deployments.some((other) => sources.includes(other.urn)) || sources.some((urn) => !isDeploymentParentType(typeOfUrn(urn)));
    return namesOther ? "no" : "unknown";
  }
  return targetByNames(setting, deployment);
}

/**
 * Compares the names in the setting's target URI with the deployment's: "yes" when all match, "no" when a known
 * name differs, and "unknown" when a name of the deployment is not known yet and the others match.
 */
function targetByNames(setting: PulumiStackResource, deployment: PulumiStackResource): "yes" | "no" | "unknown" {
  const target = knownString(setting.props, "targetResourceUri");
  const parts = target === undefined ? undefined : parseDeploymentId(target);
  if (parts === undefined) {
    return "no";
  }
  // NOTE: the subscription is not compared, because deployment inputs do not carry it. A stack that deploys
  // the same names to two subscriptions pairs both deployments with the setting.
  const props = deployment.props;
  const deploymentKey = pulumiAccess.get(props, "deploymentName").kind === "absent" ? "name" : "deploymentName";
  const pairs: [string, Lookup][] = [
    [parts.deploymentName, pulumiAccess.get(props, deploymentKey)],
    [parts.endpointName, pulumiAccess.get(props, "endpointName")],
    [parts.workspaceName, pulumiAccess.get(props, "workspaceName")],
    [parts.resourceGroupName, pulumiAccess.get(props, "resourceGroupName")],
  ];
  const differs = ([name, lookup]: [string, Lookup]) =>
    lookup.kind === "absent" || (lookup.kind === "present" && (typeof lookup.value !== "string" || !sameName(name, lookup.value)));
  if (pairs.some(differs)) {
    return "no";
  }
  return pairs.some(([, lookup]) => lookup.kind === "unknown") ? "unknown" : "yes";
}

/**
 * Reads the profiles of an autoscale setting. A disabled setting scales nothing, so it contributes no
 * profile; `enabled` defaults to false in the Azure Monitor API. Unknown profiles become one profile whose
 * bounds are unknown, so the scale rules report them instead of passing.
 */
function autoscaleProfiles(setting: PulumiStackResource): AutoscaleProfile[] {
  if (isDisabled(setting)) {
    return [];
  }
  if (pulumiAccess.get(setting.props, "enabled").kind === "unknown") {
    return [unknownProfile(setting, "enabled", "the setting may be disabled, as its enabled flag is not known yet")];
  }

  const profiles = pulumiAccess.get(setting.props, "profiles");
  if (profiles.kind === "unknown") {
    return [unknownProfile(setting, "profiles")];
  }
  if (profiles.kind !== "present" || !Array.isArray(profiles.value)) {
    return [];
  }

  return profiles.value.map((profile: unknown, index: number) => {
    const path = `${settingPathPrefix(setting)}profiles[${index}].capacity`;
    const capacity = pulumiAccess.get(profile, "capacity");
    const name = pulumiAccess.get(profile, "name");
    return {
      settingId: setting.urn,
      profileName: name.kind === "present" && typeof name.value === "string" ? name.value : `profiles[${index}]`,
      minimum: capacityCountField(child(capacity, "minimum"), `${path}.minimum`, CAPACITY_OPTIONS),
      maximum: capacityCountField(child(capacity, "maximum"), `${path}.maximum`, CAPACITY_OPTIONS),
      default: capacityCountField(child(capacity, "default"), `${path}.default`, CAPACITY_OPTIONS),
    };
  });
}

// `enabled` defaults to false in the Azure Monitor API, so an absent flag disables the setting too.
function isDisabled(setting: PulumiStackResource): boolean {
  const enabled = pulumiAccess.get(setting.props, "enabled");
  return enabled.kind === "absent" || (enabled.kind === "present" && enabled.value === false);
}

/**
 * Returns the prefix that names the autoscale setting in its fields' paths, `blue-autoscale:profiles[0].capacity`,
 * because a finding on the deployment may come from any of several settings. The pack prefixes the setting's
 * secret paths the same way.
 */
export function settingPathPrefix(setting: { readonly name: string }): string {
  return `${setting.name}:`;
}

/** Returns one profile whose bounds are unknown, so the scale rules report the setting unverified instead of passing it. */
function unknownProfile(setting: PulumiStackResource, path: string, reason?: string): AutoscaleProfile {
  const field = unknownField(`${settingPathPrefix(setting)}${path}`, reason);
  return { settingId: setting.urn, profileName: path, minimum: field, maximum: field, default: field };
}

/** Returns the profiles of a setting that may target the deployment, while its target or the deployment's names are unknown. */
function unknownTargetProfiles(setting: PulumiStackResource): AutoscaleProfile[] {
  if (isDisabled(setting)) {
    return [];
  }
  return [unknownProfile(setting, "targetResourceUri", "the autoscale setting may target this deployment, but its target or the deployment's names are not known yet")];
}
