import { isExpired } from "../../exemptions/apply";
import type { ExemptionStatus } from "../../exemptions/exemption";
import { resourceMatcher } from "../../exemptions/parse";
import type { ResourceResult, RuleOutcome } from "../../findings/finding";
import { summarize } from "../../findings/report";
import { type ShardCounts, resourceKey } from "../../findings/run-report";

/**
 * Returns why a shard's resources disagree with themselves or with its summary, or undefined when they agree.
 *
 * A merge judges each resource again from its findings, so a shard whose rule outcome is `failed` while the
 * finding behind it is gone would merge as passed or warned. amlguard never writes such a report: it comes from
 * an edit or a damaged file, and the merge rejects it instead of guessing which part is true. `fromEventLog` is
 * true when some of the resources come from a Pulumi event log, which may list a rule as failed without a finding
 * the converter understood.
 */
export function shardInconsistency(fromEventLog: boolean, results: readonly ResourceResult[], counts: ShardCounts): string | undefined {
  for (const result of results) {
    const problem = resultInconsistency(fromEventLog, result);
    if (problem !== undefined) {
      return `${resourceKey(result)} ${problem}`;
    }
  }
  return countsInconsistency(results, counts);
}

function resultInconsistency(fromEventLog: boolean, result: ResourceResult): string | undefined {
  if (result.status === "not-evaluated") {
    return result.findings.length === 0 ? undefined : "is not evaluated but has findings";
  }

  const outcomes = new Map(result.rules.map((rule) => [rule.ruleId, rule.outcome]));
  for (const finding of result.findings) {
    const outcome = outcomes.get(finding.ruleId);
    if (outcome !== "failed" && outcome !== "unverified") {
      return `has a finding of rule ${finding.ruleId}, whose outcome is ${outcome ?? "missing"}, not failed or unverified`;
    }
  }
  if (fromEventLog) {
    return undefined;
  }
  for (const rule of result.rules) {
    const expected = outcomeOfFindings(result, rule.ruleId);
    const judged = expected === undefined ? ["passed", "not-applicable", "disabled"] : [expected];
    if (!judged.includes(rule.outcome)) {
      return `lists rule ${rule.ruleId} as ${rule.outcome}, but its findings make it ${expected ?? "passed"}`;
    }
  }
  return undefined;
}

/** Returns the outcome that `check` and `audit` give a rule with these findings, or undefined when it has none. */
function outcomeOfFindings(result: ResourceResult, ruleId: string): RuleOutcome | undefined {
  const own = result.findings.filter((finding) => finding.ruleId === ruleId);
  if (own.length === 0) {
    return undefined;
  }
  return own.some((finding) => finding.kind !== "unknown") ? "failed" : "unverified";
}

// Reports before JSON version 1.3 record no failOn, and counted failed resources another way, so only their
// resource counts can be recounted.
function countsInconsistency(results: readonly ResourceResult[], counts: ShardCounts): string | undefined {
  const recounted = summarize(results, counts.failOn);
  const names =
    counts.failOn === undefined
      ? (["resources", "evaluated", "notEvaluated"] as const)
      : (["resources", "evaluated", "notEvaluated", "passed", "warned", "failed", "waived"] as const);
  const differing = names.filter((name) => counts[name] !== undefined && counts[name] !== recounted[name]);
  if (differing.length === 0) {
    return undefined;
  }
  const listed = differing.map((name) => `${name} ${String(counts[name])} where its resources give ${recounted[name]}`).join(", ");
  return `summary disagrees with its resources: ${listed}`;
}

/** The counts and entry indexes of a shard's exemption status that its own entry count bounds. */
export interface ExemptionCounts {
  readonly entries: number;
  readonly limitsFileEntries?: number;
  readonly applied: readonly { readonly index: number }[];
  readonly expired: readonly { readonly index: number }[];
  readonly unused: readonly { readonly index: number }[];
}

/**
 * Returns why a shard's exemption status cannot be what amlguard wrote, or undefined. Entries from the limits file
 * are some of the entries, and every listed entry's index points at one of them. One run lists each entry once,
 * as applied, expired or unused. A merged report of runs on different days may list an entry as applied and as
 * expired, so `merged` allows that.
 */
export function exemptionsInconsistency(status: ExemptionCounts | undefined, merged: boolean): string | undefined {
  if (status === undefined) {
    return undefined;
  }
  if ((status.limitsFileEntries ?? 0) > status.entries) {
    return `its exemptions state ${status.limitsFileEntries} entries from the limits file, but ${status.entries} entries in all`;
  }
  const listed = [...status.applied, ...status.expired, ...status.unused];
  const outside = listed.find((use) => use.index >= status.entries);
  if (outside !== undefined) {
    return `its exemptions list entry ${outside.index}, but state ${status.entries} entries`;
  }
  const applied = new Set(status.applied.map((use) => use.index));
  const expired = new Set(status.expired.map((use) => use.index));
  const twice = merged
    ? status.unused.find((use) => applied.has(use.index) || expired.has(use.index))
    : listed.find((use, position) => listed.findIndex((other) => other.index === use.index) !== position);
  return twice === undefined ? undefined : `its exemptions list entry ${twice.index} more than once among applied, expired and unused`;
}

/**
 * Returns why a shard's waived findings disagree with its exemption status, or undefined. amlguard waives a
 * finding only through an entry in force whose pattern matches the resource and whose rules cover the finding,
 * and lists that entry as applied with the number of findings it waived. An entry in force when the exemptions
 * were applied was in force when the run started, which is no later. Without this check a shard could waive its
 * own failures and pass a merge with exit code 0.
 */
export function waiversInconsistency(results: readonly ResourceResult[], status: Pick<ExemptionStatus, "applied"> | undefined, startedAt: string): string | undefined {
  const applied = new Map((status?.applied ?? []).map((entry) => [entry.index, entry]));
  const started = new Date(startedAt);
  for (const entry of applied.values()) {
    if (isExpired(entry, started)) {
      return `its exemptions list entry ${entry.index} as applied, but it expired on ${entry.expires}, before the run started at ${startedAt}`;
    }
  }

  const waivedBy = new Map<number, number>();
  for (const result of results) {
    for (const finding of result.findings) {
      const waiver = finding.waiver;
      if (waiver === undefined) {
        continue;
      }
      const entry = applied.get(waiver.exemptionIndex);
      const where = `${resourceKey(result)} has a finding of rule ${finding.ruleId} waived by exemption entry ${waiver.exemptionIndex}`;
      if (entry === undefined) {
        return `${where}, which its exemptions do not list as applied`;
      }
      const covered = entry.rules === "*" || entry.rules.includes(finding.ruleId);
      if (!covered || entry.resource !== waiver.resourcePattern || entry.owner !== waiver.owner || entry.expires !== waiver.expires) {
        return `${where}, whose resource, rules, owner or expiry do not match that waiver`;
      }
      if (!resourceMatcher(entry.resource)(result.resource)) {
        return `${where}, whose resource pattern ${entry.resource} does not match it`;
      }
      waivedBy.set(waiver.exemptionIndex, (waivedBy.get(waiver.exemptionIndex) ?? 0) + 1);
    }
  }
  for (const entry of applied.values()) {
    const count = waivedBy.get(entry.index) ?? 0;
    if (count !== entry.waivedFindings) {
      return `its exemptions list entry ${entry.index} as waiving ${entry.waivedFindings} findings, and ${count} of its findings name it`;
    }
  }
  return undefined;
}
