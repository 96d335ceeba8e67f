import type { ResourceRef } from "../src/model/deployment";
import { pulumiAccess } from "../src/sources/pulumi-inputs";

/**
 * The names in each OnlineDeployment's ARM id, as Analyze read them from its inputs, by URN. azure-native returns
 * no output for the inputs that form a resource's path (pulumi/pulumi-azure-native#574), and AnalyzeStack receives
 * outputs. So after apply, and in a preview for a deployment that does not change, the stack check finds the
 * deployment's resource group, workspace and endpoint only here. The engine sends every resource of the program
 * to Analyze before it calls AnalyzeStack, and a pack process serves one stack.
 */
const namesByUrn = new Map<string, Readonly<Record<string, string>>>();

/** Keeps the resource group, workspace and endpoint names that the deployment's inputs give. */
export function rememberPathNames(ref: ResourceRef): void {
  if (ref.urn === undefined) {
    return;
  }
  const names: Record<string, string> = {};
  if (ref.resourceGroupName !== undefined) {
    names.resourceGroupName = ref.resourceGroupName;
  }
  if (ref.workspaceName !== undefined) {
    names.workspaceName = ref.workspaceName;
  }
  if (ref.endpointName !== undefined) {
    names.endpointName = ref.endpointName;
  }
  namesByUrn.set(ref.urn, names);
}

/** Returns the properties with the names Analyze saw added where they are absent, as in outputs. */
export function withPathNames(urn: string, props: Record<string, unknown>): Record<string, unknown> {
  const names = namesByUrn.get(urn);
  if (names === undefined) {
    return props;
  }
  const missing = Object.entries(names).filter(([key]) => pulumiAccess.get(props, key).kind === "absent");
  return missing.length === 0 ? props : { ...props, ...Object.fromEntries(missing) };
}
