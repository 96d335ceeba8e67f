import type { ComputeType, ResourceRef, SourcePosition } from "../model/deployment";

export type Severity = "low" | "medium" | "high" | "critical";

/**
 * Kind of finding a rule produces on one resource:
 * - `violation`: the effective value breaks a limit;
 * - `invalid`: a value the rule needs cannot be read, so it cannot pass;
 * - `unknown`: a value the rule needs is not known until `pulumi up`.
 */
export type FindingKind = "violation" | "invalid" | "unknown";

/** Enforcement level of a finding. A `remediate` rule that still fails reports `mandatory`, as the Pulumi engine does. */
export type FindingLevel = "advisory" | "mandatory";

export type FindingValue = string | number | boolean;

/** The exemption that waived a finding: the finding stays in every report, suppressed, and never fails the run. */
export interface Waiver {
  /** 0-based index of the entry in its exemptions list. */
  readonly exemptionIndex: number;
  readonly resourcePattern: string;
  readonly reason: string;
  readonly owner: string;
  /** Last day (UTC, YYYY-MM-DD) on which the entry applies. */
  readonly expires: string;
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly enforcementLevel: FindingLevel;
  readonly kind: FindingKind;
  readonly resource: ResourceRef;
  /** The property path as the source spells it. */
  readonly path: string;
  /** The effective value, or null when it is unknown. Durations are ISO 8601 strings, quantities in Kubernetes notation (2Gi). */
  readonly actual: FindingValue | null;
  /** True when `actual` is Azure's default because the source does not set the field. */
  readonly actualIsDefault: boolean;
  readonly limit: FindingValue | null;
  readonly message: string;
  readonly location?: SourcePosition;
  /** Set when an exemption matched the finding. */
  readonly waiver?: Waiver;
}

/** Returns a key that is the same for two findings of one rule about the same problem at the same path. */
export function findingKey(finding: Finding): string {
  return `${finding.ruleId}\u0000${finding.kind}\u0000${finding.path}\u0000${finding.message}`;
}

/** The outcome of one rule on one resource, so reports can list passes as well as failures. */
export type RuleOutcome = "passed" | "failed" | "unverified" | "not-applicable" | "disabled";

export interface RuleResult {
  readonly ruleId: string;
  readonly outcome: RuleOutcome;
  /** Reason the rule does not apply, for `not-applicable`. */
  readonly reason?: string;
  /** True when the outcome is `failed` or `unverified` and an exemption waived every finding behind it. */
  readonly waived?: boolean;
}

export type ResourceStatus = "evaluated" | "not-evaluated";

/** Everything known about one resource that was listed or sent: judged, or not judged with the reason. */
export interface ResourceResult {
  readonly resource: ResourceRef;
  readonly computeType?: ComputeType;
  readonly status: ResourceStatus;
  /** Reason the resource was not evaluated, for `not-evaluated`. */
  readonly reason?: string;
  readonly findings: readonly Finding[];
  readonly rules: readonly RuleResult[];
}
