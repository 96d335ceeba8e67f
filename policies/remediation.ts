import type { ResourceValidationArgs } from "@pulumi/policy";
import type { Rule } from "../src/rules/rule";
import { applicableDeployment, computeTypeMismatch } from "./deployment-input";
import { policyLimits } from "./pack-config";

/**
 * Applies a rule's remediation to the resource's inputs and returns them, in the shape the program sent:
 * `properties` (azure-native v3) or `onlineDeploymentProperties` (v2). The SDK's proxy keeps a secret field
 * secret when it is overwritten. Returns undefined when nothing needs to change.
 */
export function remediateDeployment(rule: Rule, args: ResourceValidationArgs): Record<string, unknown> | undefined {
  const deployment = applicableDeployment(args);
  const mismatch = computeTypeMismatch(rule, deployment);
  if (mismatch !== undefined) {
    args.notApplicable(mismatch);
  }
  const limits = policyLimits(rule, args);
  // An invalid config is reported by the validation; nothing is changed with limits that cannot be read.
  if (!limits.ok || rule.remediate === undefined) {
    return undefined;
  }

  const changes = rule.remediate(deployment, limits.limits);
  if (changes.length === 0) {
    return undefined;
  }

  const props = args.props as Record<string, unknown>;
  for (const change of changes) {
    setPath(props, change.path.split("."), change.value);
  }
  return props;
}

/** Sets a value at a dotted path, creating the objects on the way that the inputs omit. */
function setPath(root: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let container = root;
  for (const segment of segments.slice(0, -1)) {
    const next = container[segment];
    if (next === null || typeof next !== "object") {
      container[segment] = {};
    }
    container = container[segment] as Record<string, unknown>;
  }
  container[segments[segments.length - 1]] = value;
}
