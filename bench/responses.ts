import type { AnalyzeResult, PolicyInfo } from "../src/demo/pack-client";

/** One policy's part of amlguard's response to one resource: a not-applicable reason, violations, or neither. */
export interface PolicyResponse {
  readonly notApplicable?: string;
  readonly violations: readonly { readonly message: string; readonly enforcementLevel: string; readonly severity?: string }[];
}

/** amlguard's Analyze responses to the bench's resources, which the replay pack sends again without judging. */
export interface RecordedResponses {
  readonly policies: readonly { readonly name: string; readonly description: string; readonly stackOnly: boolean }[];
  /** Responses by resource name, then by policy name. */
  readonly byResource: Readonly<Record<string, Readonly<Record<string, PolicyResponse>>>>;
}

// Severity codes of the analyzer protocol's `PolicySeverity` enum.
const SEVERITY_NAMES = ["", "low", "medium", "high", "critical"];
// `PolicyType` of the analyzer protocol: 2 is a stack policy.
const STACK_POLICY = 2;

/** Splits amlguard's response to one resource by policy. */
export function responsesByPolicy(result: AnalyzeResult): Record<string, PolicyResponse> {
  const byPolicy: Record<string, { notApplicable?: string; violations: PolicyResponse["violations"][number][] }> = {};
  const entry = (policyName: string) => (byPolicy[policyName] ??= { violations: [] });
  for (const { policyName, reason } of result.notApplicable) {
    entry(policyName).notApplicable = reason;
  }
  for (const diagnostic of result.diagnostics) {
    const severity = SEVERITY_NAMES[diagnostic.severity];
    entry(diagnostic.policyName).violations.push({
      message: diagnostic.message,
      enforcementLevel: diagnostic.enforcementLevel,
      ...(severity === undefined || severity === "" ? {} : { severity }),
    });
  }
  return byPolicy;
}

/** Reports whether the analyzer lists the policy as a stack policy, which Analyze requests never run. */
export function isStackPolicy(policy: PolicyInfo): boolean {
  return policy.policyType === STACK_POLICY;
}

/** Lists the policies the replay pack declares: amlguard's, with the same names and descriptions. */
export function replayPolicies(policies: readonly PolicyInfo[]): RecordedResponses["policies"] {
  return policies.map((policy) => ({ name: policy.name, description: policy.description, stackOnly: isStackPolicy(policy) }));
}
