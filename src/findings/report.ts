import type { Finding, ResourceResult, Severity } from "./finding";

/**
 * Counts of a run, as every report format states them. Each evaluated resource is counted once, by its
 * {@link resourceVerdict} under the run's `--fail-on` threshold, so `failed` counts exactly the resources that
 * make the run exit 1.
 */
export interface Summary {
  readonly resources: number;
  readonly evaluated: number;
  readonly notEvaluated: number;
  /** Evaluated resources with no open finding, apart from values not known until deployment that stay below `failOn`. */
  readonly passed: number;
  /** Passed resources with an open finding whose value is not known until deployment, below `failOn`. */
  readonly unverified: number;
  /** Evaluated resources with an open violation or invalid value (or failed rule) and no open finding that reaches `failOn`. */
  readonly warned: number;
  /** Evaluated resources with an open finding that reaches `failOn`: the resources that make the run exit 1. */
  readonly failed: number;
  /**
   * Evaluated resources that would be failed or warned without the findings exemptions waived.
   * `passed + warned + failed + waived = evaluated`.
   */
  readonly waived: number;
  /** Findings that no exemption waived, by level, and waived findings of either level. */
  readonly findings: { readonly mandatory: number; readonly advisory: number; readonly waived: number };
  /** Resources not evaluated, counted by reason. */
  readonly notEvaluatedByReason: Readonly<Record<string, number>>;
  /** The `--fail-on` threshold that `failed` and `warned` were counted with. */
  readonly failOn: FailOn;
}

/** Counts resources and findings. `failOn` is the threshold of the run's exit code. */
export function summarize(results: readonly ResourceResult[], failOn: FailOn = "mandatory"): Summary {
  const notEvaluatedByReason: Record<string, number> = {};
  const verdicts: Record<ResourceVerdict, number> = { passed: 0, unverified: 0, warned: 0, failed: 0, waived: 0, "not-evaluated": 0 };
  let mandatory = 0;
  let advisory = 0;
  let waived = 0;

  for (const result of results) {
    verdicts[resourceVerdict(result, failOn)]++;
    if (result.status === "not-evaluated") {
      const reason = result.reason ?? "unknown reason";
      notEvaluatedByReason[reason] = (notEvaluatedByReason[reason] ?? 0) + 1;
      continue;
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

  const notEvaluated = verdicts["not-evaluated"];
  return {
    resources: results.length,
    evaluated: results.length - notEvaluated,
    notEvaluated,
    passed: verdicts.passed + verdicts.unverified,
    unverified: verdicts.unverified,
    warned: verdicts.warned,
    failed: verdicts.failed,
    waived: verdicts.waived,
    findings: { mandatory, advisory, waived },
    notEvaluatedByReason,
    failOn,
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
  return finding.waiver === undefined && findingEffect(finding, failOn) === "fail";
}

/**
 * Effect of a finding on its resource under `failOn`, as if no exemption waived it: `fail` when it reaches the
 * threshold, else `warn` for a violation or invalid value, and `unverified` for a value not known until deployment.
 */
export type FindingEffect = "fail" | "warn" | "unverified";

export function findingEffect(finding: Finding, failOn: FailOn): FindingEffect {
  if (reachesThreshold(finding, failOn)) {
    return "fail";
  }
  return finding.kind === "unknown" ? "unverified" : "warn";
}

function reachesThreshold(finding: Finding, failOn: FailOn): boolean {
  if (failOn === "mandatory" || failOn === "advisory") {
    return failOn === "advisory" || finding.enforcementLevel === "mandatory";
  }
  if (finding.kind === "unknown" && finding.enforcementLevel !== "mandatory") {
    return false;
  }
  return SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[failOn];
}

/**
 * Verdict on one resource under `failOn`, which every report labels and counts the same way:
 * - `failed`: an open (not waived) finding reaches `failOn`, so the resource makes the run exit 1;
 * - `warned`: otherwise, an open violation or invalid value, or a failed rule no exemption waived;
 * - `waived`: otherwise, an exemption waived a finding that would make the resource failed or warned;
 * - `unverified`: otherwise, an open finding on a value not known until deployment (counted as passed);
 * - `passed`: no open finding, and no waived finding that mattered;
 * - `not-evaluated`: the resource could not be judged.
 */
export type ResourceVerdict = "passed" | "unverified" | "warned" | "failed" | "waived" | "not-evaluated";

export function resourceVerdict(result: ResourceResult, failOn: FailOn = "mandatory"): ResourceVerdict {
  if (result.status === "not-evaluated") {
    return "not-evaluated";
  }

  const open = result.findings.filter((finding) => finding.waiver === undefined).map((finding) => findingEffect(finding, failOn));
  const waived = result.findings.filter((finding) => finding.waiver !== undefined).map((finding) => findingEffect(finding, failOn));
  if (open.includes("fail")) {
    return "failed";
  }
  // An event log can list a rule as failed without a policy event the converter understood.
  if (open.includes("warn") || result.rules.some((rule) => rule.outcome === "failed" && rule.waived !== true)) {
    return "warned";
  }
  if (waived.some((effect) => effect !== "unverified")) {
    return "waived";
  }
  return open.length > 0 ? "unverified" : "passed";
}

/**
 * Decides the exit code of a run: 1 when a finding reaches `failOn` (default mandatory), else 3 when a resource
 * was not evaluated, else 0.
 */
export function exitCodeFor(results: readonly ResourceResult[], failOn: FailOn = "mandatory"): number {
  if (results.some((result) => resourceVerdict(result, failOn) === "failed")) {
    return EXIT_CODES.failed;
  }
  if (results.some((result) => result.status === "not-evaluated")) {
    return EXIT_CODES.incomplete;
  }
  return EXIT_CODES.ok;
}
