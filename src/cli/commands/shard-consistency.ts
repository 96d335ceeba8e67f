import { allFindingsWaived } from "../../exemptions/apply";
import type { ResourceResult, RuleOutcome, Severity } from "../../findings/finding";
import { summarize } from "../../findings/report";
import { type ShardCounts, resourceKey } from "../../findings/run-report";
import { RULES } from "../../rules/index";
import { packPolicySeverity } from "../../rules/pack-policies";
import { REPORTED_RULES } from "../output";

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
    // The event-log converter writes Pulumi resources only, so only they get its allowances.
    const problem = resultInconsistency(fromEventLog && result.resource.source === "pulumi", result);
    if (problem !== undefined) {
      return `${resourceKey(result)} ${problem}`;
    }
  }
  return countsInconsistency(results, counts);
}

// The severity of each rule in this build's catalogue, which a merge requires every shard to share.
const CATALOGUE_SEVERITY: ReadonlyMap<string, Severity> = new Map(REPORTED_RULES.map((rule) => [rule.id, rule.severity]));
// `check` and `audit` run the deployment rules only; the stack rule runs in the pack.
const DEPLOYMENT_RULE_IDS: ReadonlySet<string> = new Set(RULES.map((rule) => rule.id));

// Sources whose resources amlguard keys by file: their deployments have no ARM id or URN in any report.
const FILE_SOURCES = ["cli-yaml", "arm-template"];

function resultInconsistency(fromEventLog: boolean, result: ResourceResult): string | undefined {
  const { resource } = result;
  if (FILE_SOURCES.includes(resource.source) && (resource.id !== undefined || resource.urn !== undefined)) {
    return `has an ARM id or URN, which amlguard never records for a ${resource.source} resource`;
  }
  if (result.status === "not-evaluated") {
    return result.findings.length === 0 ? undefined : "is not evaluated but has findings";
  }
  // amlguard reports a deployment that no rule judged as not evaluated; an older report showed it as passed. The
  // pack's own policies, such as limits-file, pass on every deployment of an event log and judge none of its fields.
  const judged = result.rules.some((rule) => CATALOGUE_SEVERITY.has(rule.ruleId) && rule.outcome !== "disabled" && rule.outcome !== "not-applicable");
  if (result.findings.length === 0 && !judged) {
    return "is evaluated, but no rule judged it: every rule is disabled or not applicable";
  }

  const outcomes = new Map(result.rules.map((rule) => [rule.ruleId, rule.outcome]));
  const converted = fromEventLog ? convertedInconsistency(result) : undefined;
  if (converted !== undefined) {
    return converted;
  }
  for (const finding of result.findings) {
    const outcome = outcomes.get(finding.ruleId);
    if (outcome !== "failed" && outcome !== "unverified") {
      return `has a finding of rule ${finding.ruleId}, whose outcome is ${outcome ?? "missing"}, not failed or unverified`;
    }
    // An event log also contains the violations of the pack's other policies (limits-file, exemptions).
    const severity = CATALOGUE_SEVERITY.get(finding.ruleId) ?? packPolicySeverity(finding.ruleId);
    if (!fromEventLog && !DEPLOYMENT_RULE_IDS.has(finding.ruleId)) {
      return `has a finding of rule ${finding.ruleId}, which check and audit do not run`;
    }
    // The event-log converter keeps only the amlguard pack's events, so every finding names one of its policies.
    if (severity === undefined) {
      return `has a finding of policy ${finding.ruleId}, which the amlguard pack does not have`;
    }
    if (finding.severity !== severity) {
      const [kind, source] = CATALOGUE_SEVERITY.has(finding.ruleId) ? ["rule", "the rule catalogue"] : ["policy", "the amlguard pack"];
      return `has a finding of ${kind} ${finding.ruleId} with severity ${finding.severity}, but ${source} gives it severity ${severity}`;
    }
  }
  const waivedProblem = waivedFlagInconsistency(fromEventLog, result);
  if (waivedProblem !== undefined || fromEventLog) {
    return waivedProblem;
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

/**
 * Returns why a result cannot come from the event-log converter, or undefined. A policy event has no property path,
 * value, limit or position, and does not say whether a value was unknown, so the converter writes every finding as
 * a violation without them, and no rule as unverified.
 */
function convertedInconsistency(result: ResourceResult): string | undefined {
  const finding = result.findings.find(
    (candidate) => candidate.kind !== "violation" || candidate.path !== "" || candidate.actual !== null || candidate.limit !== null || candidate.location !== undefined,
  );
  if (finding !== undefined) {
    return `has a finding of rule ${finding.ruleId} with a kind, path, value, limit or position that a Pulumi event log does not give`;
  }
  const unverified = result.rules.find((rule) => rule.outcome === "unverified");
  return unverified === undefined ? undefined : `lists rule ${unverified.ruleId} as unverified, which a Pulumi event log does not give`;
}

/**
 * Returns why a result's `waived` rule flags disagree with its findings, or undefined. amlguard marks a failed or
 * unverified rule waived exactly when each of its findings is waived. An event-log report may list a failed rule
 * without a finding the converter understood, so there only a flag without waived findings is checked.
 */
function waivedFlagInconsistency(fromEventLog: boolean, result: ResourceResult): string | undefined {
  for (const rule of result.rules) {
    const allWaived = allFindingsWaived(rule.ruleId, result.findings);
    if (rule.waived === true && !allWaived) {
      return `lists rule ${rule.ruleId} as waived, but not every finding of it is waived`;
    }
    if (!fromEventLog && rule.waived !== true && allWaived && (rule.outcome === "failed" || rule.outcome === "unverified")) {
      return `waives every finding of rule ${rule.ruleId}, but does not list the rule as waived`;
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
