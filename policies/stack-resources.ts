import type { PolicyResource } from "@pulumi/policy";
import type { OnlineDeployment } from "../src/model/deployment";
import { isAutoscaleSettingType, isOnlineDeploymentType, isWorkspaceType } from "../src/sources/pulumi-types";
import { type PulumiStackResource, readStackDeployments, settingPathPrefix } from "../src/sources/pulumi-stack";
import { withPathNames } from "./path-names";
import { secretPathsOf, sharedTargetOf } from "./secret-paths";

export interface StackDeployment {
  readonly deployment: OnlineDeployment;
  readonly urn: string | undefined;
  /** Secret paths of the deployment and of the stack resources its related facts come from. */
  readonly secretPaths: readonly string[] | undefined;
}

// In AnalyzeStack every policy of the pack gets the same deserialized resources, each behind a new proxy, so the
// stack read by the first policy serves the others. The cache is keyed by the first resource's shared object and
// is valid only while every resource has the same shared object as when it was read.
const readsByStack = new WeakMap<object, { readonly targets: readonly object[]; readonly deployments: readonly StackDeployment[] }>();

/** Reads the stack's OnlineDeployments with the facts of their autoscale settings and workspaces filled in. */
export function stackDeployments(resources: readonly PolicyResource[]): readonly StackDeployment[] {
  const targets = resources.map((resource) => sharedTargetOf(resource.props));
  if (targets.length === 0 || targets.some((target) => target === undefined)) {
    return readDeployments(resources);
  }
  const shared = targets as object[];
  const cached = readsByStack.get(shared[0]);
  if (cached !== undefined && cached.targets.length === shared.length && cached.targets.every((target, index) => target === shared[index])) {
    return cached.deployments;
  }
  const deployments = readDeployments(resources);
  readsByStack.set(shared[0], { targets: shared, deployments });
  return deployments;
}

function readDeployments(resources: readonly PolicyResource[]): StackDeployment[] {
  const stackResources: PulumiStackResource[] = resources.map((resource) => ({
    type: resource.type,
    name: resource.name,
    urn: resource.urn,
    props: isOnlineDeploymentType(resource.type) ? withPathNames(resource.urn, resource.props) : resource.props,
    propertyDependencies: Object.fromEntries(
      Object.entries(resource.propertyDependencies).map(([property, dependencies]) => [property, dependencies.map((dependency) => dependency.urn)]),
    ),
  }));
  const workspaceSecrets = secretsOf(resources.filter((resource) => isWorkspaceType(resource.type)));
  const settingSecrets = secretsOf(resources.filter((resource) => isAutoscaleSettingType(resource.type)), settingPathPrefix);
  const relatedSecrets = workspaceSecrets === undefined || settingSecrets === undefined ? undefined : [...workspaceSecrets, ...settingSecrets];

  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  return readStackDeployments(stackResources).flatMap((item) => {
    if (item.kind !== "deployment") {
      return [];
    }
    const urn = item.deployment.ref.urn;
    const resource = urn === undefined ? undefined : byUrn.get(urn);
    const own = resource === undefined ? undefined : secretPathsOf(resource.props);
    return [{ deployment: item.deployment, urn, secretPaths: own === undefined || relatedSecrets === undefined ? undefined : [...own, ...relatedSecrets] }];
  });
}

/**
 * Secret paths of several resources together, each with the prefix its findings' paths carry, or undefined when
 * any of them is not known.
 */
export function secretsOf(resources: readonly PolicyResource[], prefixOf: (resource: PolicyResource) => string = () => ""): string[] | undefined {
  const paths: string[] = [];
  for (const resource of resources) {
    const own = secretPathsOf(resource.props);
    if (own === undefined) {
      return undefined;
    }
    const prefix = prefixOf(resource);
    for (const path of own) {
      paths.push(`${prefix}${path}`);
    }
  }
  return paths;
}
