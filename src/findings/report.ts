import type { Finding, ResourceResult, Severity } from "./finding";

/** Counts of a run, as every report format states them. */
export interface Summary {
  readonly resources: number;
  readonly evaluated: number;
  readonly notEvaluated: number;
  /** Evaluated resources with no failing rule. */
  readonly passed: number;
  /** Passed resources with an unverified rule no exemption waived: a value it needs is not known until deployment. */
  readonly unverified: number;
  /** Evaluated resources with at least one violation or invalid value that no exemption waived. */
  readonly failed: number;
  /** Evaluated resources whose failing rules were all waived by exemptions. `passed + failed + waived = evaluated`. */
  readonly waived: number;
  /** Findings that no exemption waived, by level, and waived findings of either level. */
  readonly findings: { readonly mandatory: number; readonly advisory: number; readonly waived: number };
  /** Resources not evaluated, counted by reason. */
  readonly notEvaluatedByReason: Readonly<Record<string, number>>;
}

export function summarize(results: readonly ResourceResult[]): Summary {
  const notEvaluatedByReason: Record<string, number> = {};
  let evaluated = 0;
  let passed = 0;
  let unverified = 0;
  let waivedResources = 0;
  let mandatory = 0;
  let advisory = 0;
  let waived = 0;

  for (const result of results) {
    if (result.status === "not-evaluated") {
      const reason = result.reason ?? "unknown reason";
      notEvaluatedByReason[reason] = (notEvaluatedByReason[reason] ?? 0) + 1;
      continue;
    }
    evaluated++;
    const failing = result.rules.filter((rule) => rule.outcome === "failed");
    if (failing.length === 0) {
      passed++;
      if (result.rules.some((rule) => rule.outcome === "unverified" && rule.waived !== true)) {
        unverified++;
      }
    } else if (failing.every((rule) => rule.waived === true)) {
      waivedResources++;
    }
    for (const finding of result.findings) {
      if (finding.waiver !== undefined) {
        waived++;
      } else if (finding.enforcementLevel === "mandatory") {
        mandatory++;
      } else {
        advisory++;
      }
    }
  }

  return {
    resources: results.length,
    evaluated,
    notEvaluated: results.length - evaluated,
    passed,
    unverified,
    failed: evaluated - passed - waivedResources,
    waived: waivedResources,
    findings: { mandatory, advisory, waived },
    notEvaluatedByReason,
  };
}

export const EXIT_CODES = {
  ok: 0,
  /** A finding reached the failure level (mandatory by default). */
  failed: 1,
  /** Usage, configuration or unreadable input. */
  usage: 2,
  /** Some resource could not be evaluated. A failure (1) takes precedence, because the gate fails either way. */
  incomplete: 3,
} as const;

/** Thresholds of `--fail-on`: an enforcement level, or a severity that applies at either level. */
export const FAIL_ON_THRESHOLDS = ["advisory", "mandatory", "low", "medium", "high", "critical"] as const;
export type FailOn = (typeof FAIL_ON_THRESHOLDS)[number];

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * Decides whether one finding fails the run. A waived finding never does. A level threshold compares the
 * enforcement level (advisory also fails on mandatory). A severity threshold fails on a violation or invalid
 * value of that severity or above at either level, and on an unknown value only when its level is mandatory,
 * because an advisory unknown value means "check again after `pulumi up`", not a broken limit.
 */
export function reachesFailOn(finding: Finding, failOn: FailOn): boolean {
  if (finding.waiver !== undefined) {
    return false;
  }
  if (failOn === "mandatory" || failOn === "advisory") {
    return failOn === "advisory" || finding.enforcementLevel === "mandatory";
  }
  if (finding.kind === "unknown" && finding.enforcementLevel !== "mandatory") {
    return false;
  }
  return SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[failOn];
}

/**
 * Decides the exit code of a run: 1 when a finding reaches `failOn` (default mandatory), else 3 when a resource
 * was not evaluated, else 0.
 */
export function exitCodeFor(results: readonly ResourceResult[], failOn: FailOn = "mandatory"): number {
  if (results.some((result) => result.findings.some((finding) => reachesFailOn(finding, failOn)))) {
    return EXIT_CODES.failed;
  }
  if (results.some((result) => result.status === "not-evaluated")) {
    return EXIT_CODES.incomplete;
  }
  return EXIT_CODES.ok;
}
