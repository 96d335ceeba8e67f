import type { ResourceResult } from "./finding";

/** Counts of a run, as every report format states them. */
export interface Summary {
  readonly resources: number;
  readonly evaluated: number;
  readonly notEvaluated: number;
  /** Evaluated resources with no failing rule. */
  readonly passed: number;
  /** Evaluated resources with at least one mandatory or advisory violation or invalid value. */
  readonly failed: number;
  readonly findings: { readonly mandatory: number; readonly advisory: number };
  /** Resources not evaluated, counted by reason. */
  readonly notEvaluatedByReason: Readonly<Record<string, number>>;
}

export function summarize(results: readonly ResourceResult[]): Summary {
  const notEvaluatedByReason: Record<string, number> = {};
  let evaluated = 0;
  let passed = 0;
  let mandatory = 0;
  let advisory = 0;

  for (const result of results) {
    if (result.status === "not-evaluated") {
      const reason = result.reason ?? "unknown reason";
      notEvaluatedByReason[reason] = (notEvaluatedByReason[reason] ?? 0) + 1;
      continue;
    }
    evaluated++;
    if (!result.rules.some((rule) => rule.outcome === "failed")) {
      passed++;
    }
    for (const finding of result.findings) {
      if (finding.enforcementLevel === "mandatory") {
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
    failed: evaluated - passed,
    findings: { mandatory, advisory },
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

/** Decides the exit code of a run: 1 when any mandatory finding exists, else 3 when anything was not evaluated, else 0. */
export function exitCodeFor(results: readonly ResourceResult[]): number {
  if (results.some((result) => result.findings.some((finding) => finding.enforcementLevel === "mandatory"))) {
    return EXIT_CODES.failed;
  }
  if (results.some((result) => result.status === "not-evaluated")) {
    return EXIT_CODES.incomplete;
  }
  return EXIT_CODES.ok;
}
