import type { ResourceValidationArgs } from "@pulumi/policy";
import { runRule } from "../src/engine/evaluate";
import { type Finding, findingKey } from "../src/findings/finding";
import type { ComputeType, OnlineDeployment } from "../src/model/deployment";
import { setField } from "../src/model/field";
import type { Rule } from "../src/rules/rule";
import { readPulumiDeployment } from "../src/sources/pulumi-inputs";
import { ONLINE_DEPLOYMENT_TYPE, isOnlineDeploymentType } from "../src/sources/pulumi-types";
import type { SourceItem } from "../src/sources/source-item";
import { rememberPathNames } from "./path-names";
import { sharedPropsOf, sharedTargetOf } from "./secret-paths";
import { stopAsNotApplicable } from "./not-applicable";
import type { HandledRequest } from "./type-filter";

/** Returns the deployment when the resource is an OnlineDeployment the rule judges, and stops otherwise. */
export function applicableDeployment(args: Pick<ResourceValidationArgs, "type" | "name" | "urn" | "props" | "notApplicable">): OnlineDeployment {
  if (!isOnlineDeploymentType(args.type)) {
    stopAsNotApplicable(args, `amlguard judges Azure Machine Learning OnlineDeployment resources, not ${args.type}`);
  }

  const item = readOncePerRequest(args);
  if (item.kind === "not-evaluated") {
    stopAsNotApplicable(args, item.reason);
  }
  return item.deployment;
}

// Reading a deployment through the SDK's unknown-checking proxy is most of a policy's cost. In Analyze every
// policy of the pack gets the same deserialized properties behind its own proxy, so one read per request
// serves all of them. Remediate hands one object to every policy and each may change it, so it is read again.
const readsByTarget = new WeakMap<object, { readonly urn: string; readonly item: SourceItem }>();

function readOncePerRequest(args: Pick<ResourceValidationArgs, "type" | "name" | "urn" | "props">): SourceItem {
  const target = sharedTargetOf(args.props);
  const cached = target === undefined ? undefined : readsByTarget.get(target);
  if (cached !== undefined && cached.urn === args.urn) {
    return cached.item;
  }
  // The shared object is read directly instead of through the proxy, which wraps every value it returns:
  // pulumiAccess recognizes the engine's unknown sentinels in plain values as the proxy does.
  const props = (target ?? args.props) as Record<string, unknown>;
  const item = readPulumiDeployment({ type: args.type, name: args.name, urn: args.urn, props });
  if (target !== undefined) {
    readsByTarget.set(target, { urn: args.urn, item });
  }
  if (item.kind === "deployment") {
    rememberPathNames(item.deployment.ref);
  }
  return item;
}

/**
 * Returns the type filter's `narrow` function for a rule's policy: on a deployment of a compute type the rule
 * does not judge, it names the deployments the rule does, and the SDK skips the policy with the reason "Policy
 * only applies to resources of type 'azure-native:machinelearningservices:OnlineDeployment with
 * endpointComputeType Kubernetes'".
 */
export function computeTypeFilter(rule: Rule): (request: HandledRequest) => string | undefined {
  const judged = `${ONLINE_DEPLOYMENT_TYPE} with endpointComputeType ${rule.computeTypes.join(" or ")}`;
  return (request) => {
    const computeType = computeTypeOf(request);
    return computeType !== undefined && !rule.computeTypes.includes(computeType) ? judged : undefined;
  };
}

// Every policy's getter reads the compute type of the same request, so it is read once per request. The read is
// the one the policies would make, and readOncePerRequest keeps it for them.
const computeTypes = new WeakMap<HandledRequest, ComputeType | null>();

function computeTypeOf(request: HandledRequest): ComputeType | undefined {
  const known = computeTypes.get(request);
  if (known !== undefined) {
    return known ?? undefined;
  }
  const struct = request.message.getProperties();
  const props = struct === undefined ? undefined : sharedPropsOf(struct);
  // Without the shared properties the read would be repeated by every policy, so the policies decide instead.
  if (props === undefined) {
    return undefined;
  }
  const item = readOncePerRequest({ type: request.type, name: request.message.getName(), urn: request.message.getUrn(), props });
  const computeType = item.kind === "deployment" && item.deployment.computeType.state === "set" ? item.deployment.computeType.value : null;
  computeTypes.set(request, computeType);
  return computeType ?? undefined;
}

/** Returns why the rule does not judge the deployment's compute type, or undefined when it does. */
export function computeTypeMismatch(rule: Rule, deployment: OnlineDeployment): string | undefined {
  const computeType = deployment.computeType;
  if (computeType.state === "set" && !rule.computeTypes.includes(computeType.value)) {
    return `the rule judges only ${rule.computeTypes.join(" and ")} deployments, and this one is ${computeType.value}`;
  }
  return undefined;
}

/**
 * Returns the violations that a workspace whose managed network allows only approved outbound traffic would
 * excuse. A resource policy cannot see the workspace, so it reports them as advisory, and the same policy
 * decides them in the stack check, which reads the whole stack.
 */
export function findingsExcusedByWorkspace(rule: Rule, deployment: OnlineDeployment, limits: unknown, findings: readonly Finding[]): ReadonlySet<Finding> {
  if (!rule.relatedFacts?.includes("workspaceIsolationMode")) {
    return NONE_EXCUSED;
  }
  const violations = findings.filter((finding) => finding.kind === "violation");
  if (violations.length === 0) {
    return NONE_EXCUSED;
  }

  const isolated: OnlineDeployment = {
    ...deployment,
    related: { ...deployment.related, workspaceIsolationMode: setField("managedNetwork.isolationMode", "AllowOnlyApprovedOutbound") },
  };
  const remaining = new Set(runRule(rule, isolated, limits, "mandatory").map(findingKey));
  return new Set(violations.filter((finding) => !remaining.has(findingKey(finding))));
}

// Every rule's policy calls this on every request, and only the egress rule has findings a workspace excuses.
const NONE_EXCUSED: ReadonlySet<Finding> = new Set();

export const DEFERRED_NOTE =
  "Advisory for now: the stack check of this policy, which sees the deployment's workspace, reports it at the policy's level " +
  "unless that workspace has managedNetwork.isolationMode AllowOnlyApprovedOutbound.";
