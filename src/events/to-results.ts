import type { Finding, FindingLevel, ResourceResult, RuleResult, Severity } from "../findings/finding";
import type { ResourceRef } from "../model/deployment";
import { NO_RULE_JUDGED } from "../engine/evaluate";
import type { RuleMetadata } from "../rules/rule";
import type { EngineEvent, PolicyEvent } from "./engine-event";
import { isOnlineDeploymentType } from "../sources/pulumi-types";
import { packPolicySeverity } from "../rules/pack-policies";

const SEVERITIES: readonly string[] = ["low", "medium", "high", "critical"] satisfies Severity[];

// The engine wraps each policy message in color directives such as `<{%fg 12%}>` and `<{%reset%}>`, with the
// event's color mode "raw", and ends it with a line break (pulumi/pulumi pkg/engine/events.go, policyViolationEvent).
const COLOR_DIRECTIVE = /<\{%[^%]*%\}>/g;

/** Resource results and run facts read from a Pulumi event log for one policy pack. */
export interface PolicyEventResults {
  readonly results: ResourceResult[];
  /** `project/stack` of the resources, when the log names any. */
  readonly stack?: string;
  /** Policy packs the engine ran, name to version, from the final summary or the policy summaries. */
  readonly policyPacks: Readonly<Record<string, string>>;
  /** ISO 8601 times of the first and last event. */
  readonly startedAt?: string;
  readonly endedAt?: string;
  /** False when the log has no final summary event: the preview stopped early and resources may be missing. */
  readonly complete: boolean;
}

interface ResourceEntry {
  readonly ref: ResourceRef;
  readonly findings: Finding[];
  passed?: Set<string>;
  failed?: Set<string>;
}

/**
 * Turns the events of one policy pack into resource results. Findings come from policy events, passes from
 * policy summary events. A rule in neither list of a resource's summary was disabled, did not apply or ran as a
 * stack policy: the engine does not record which, so it is reported as not applicable with that reason. An online deployment that
 * the engine stepped over but the pack never summarized is not evaluated.
 */
export function policyEventsToResults(events: readonly EngineEvent[], policyPackName: string, rules: readonly RuleMetadata[]): PolicyEventResults {
  const resources = new Map<string, ResourceEntry>();
  const entry = (urn: string): ResourceEntry => {
    let found = resources.get(urn);
    if (found === undefined) {
      found = { ref: refFromUrn(urn), findings: [] };
      resources.set(urn, found);
    }
    return found;
  };
  const policyPacks: Record<string, string> = {};
  let complete = false;

  for (const event of events) {
    const policy = event.policyEvent;
    if (policy !== undefined && policy.policyPackName === policyPackName) {
      // A disabled policy enforces nothing, so an event at that level would not count; the engine sends none.
      if (policy.enforcementLevel !== "disabled") {
        const target = entry(policy.resourceUrn ?? STACK_KEY);
        target.findings.push(findingOf(policy, target.ref, rules));
      }
    }

    const summary = event.policyAnalyzeSummaryEvent;
    if (summary !== undefined && summary.policyPackName === policyPackName) {
      const target = entry(summary.resourceUrn);
      target.passed = new Set([...(target.passed ?? []), ...(summary.passed ?? [])]);
      target.failed = new Set([...(target.failed ?? []), ...(summary.failed ?? [])]);
      policyPacks[summary.policyPackName] = summary.policyPackVersionTag ?? summary.policyPackVersion ?? "unknown";
    }

    const step = event.resourcePreEvent?.metadata;
    if (step !== undefined && isOnlineDeploymentType(step.type) && !UNANALYZED_OPS.has(step.op)) {
      entry(step.urn);
    }

    if (event.summaryEvent !== undefined) {
      complete = true;
      Object.assign(policyPacks, event.summaryEvent.PolicyPacks ?? {});
    }
  }

  const stacks = [...resources.keys()].map(stackOfUrn).filter((stack): stack is string => stack !== undefined);
  const results = [...resources.entries()]
    .filter(([, resource]) => isRelevant(resource))
    .map(([urn, resource]) => resultOf(urn, urn === STACK_KEY ? namedAfterStack(resource, stacks.at(0)) : resource, policyPackName, rules));
  const first = events.at(0);
  const last = events.at(-1);

  return {
    results,
    ...(stacks.length === 0 ? {} : { stack: stacks[0] }),
    policyPacks,
    ...(first === undefined ? {} : { startedAt: new Date(first.timestamp * 1000).toISOString() }),
    ...(last === undefined ? {} : { endedAt: new Date(last.timestamp * 1000).toISOString() }),
    complete,
  };
}

// The engine sends no step of these kinds to policy packs, so no policy summary follows them. A deletion has no
// resource registration, and a read (`get`) skips analysis: in pulumi/pulumi v3 pkg/resource/deploy/step_generator.go,
// generateSteps calls the analyzers and GenerateReadSteps does not. A deployment seen only in such steps is left out,
// as is one that `preview --refresh` only refreshes and then deletes.
// NOTE: that refresh steps skip analysis is inferred from the step generator's separate refresh mode, not confirmed.
const UNANALYZED_OPS: ReadonlySet<string> = new Set([
  "delete",
  "delete-replaced",
  "discard",
  "discard-replaced",
  "remove-pending-replace",
  "read",
  "read-replacement",
  "refresh",
]);

// Stack policies report without a resource URN; their findings gather under this key.
const STACK_KEY = "(stack)";

/**
 * Names the stack policies' entry after the stack, once the log has named it, so the reports of two stacks hold
 * two distinct resources and can be merged.
 */
function namedAfterStack(resource: ResourceEntry, stack: string | undefined): ResourceEntry {
  const ref = stackRef(stack);
  return { ...resource, ref, findings: resource.findings.map((finding) => ({ ...finding, resource: ref })) };
}

function stackRef(stack: string | undefined): ResourceRef {
  return { name: stack === undefined ? "stack policies" : `stack policies of ${stack}`, source: "pulumi" };
}

function resultOf(urn: string, resource: ResourceEntry, policyPackName: string, rules: readonly RuleMetadata[]): ResourceResult {
  if (resource.passed === undefined && resource.findings.length === 0 && urn !== STACK_KEY) {
    return {
      resource: resource.ref,
      status: "not-evaluated",
      reason: `the event log has no policy summary from policy pack ${policyPackName} for this resource; run pulumi preview with the pack enabled`,
      findings: [],
      rules: [],
    };
  }

  const passed = resource.passed ?? new Set<string>();
  const reported = new Set(resource.findings.map((finding) => finding.ruleId));
  const lost = [...(resource.failed ?? [])].filter((ruleId) => !reported.has(ruleId)).map((ruleId) => lostViolation(ruleId, resource.ref, policyPackName, rules));
  const findings = [...resource.findings, ...lost];
  const failed = new Set([...(resource.failed ?? []), ...reported]);

  const ruleIds = [...new Set([...rules.map((rule) => rule.id), ...passed, ...failed])];
  const outcomes: RuleResult[] = ruleIds.map((ruleId) => {
    if (failed.has(ruleId)) {
      return { ruleId, outcome: "failed" };
    }
    if (passed.has(ruleId)) {
      return { ruleId, outcome: "passed" };
    }
    // NOTE: a stack policy's passes are summarized for the whole stack, not per resource, so a rule that the pack
    // runs as a stack policy and that passed shows here as not applicable.
    return {
      ruleId,
      outcome: "not-applicable",
      reason: "the Pulumi engine reported the policy neither passed nor failed on this resource: it was disabled, did not apply, or ran as a stack policy",
    };
  });

  if (urn === STACK_KEY) {
    return { resource: resource.ref, status: "evaluated", findings, rules: outcomes.filter((outcome) => failed.has(outcome.ruleId)) };
  }
  // As in check and audit, a deployment that no rule judged has not passed anything. The pack's own policies, such
  // as limits-file, pass on every deployment and judge none of its fields.
  if (failed.size === 0 && !rules.some((rule) => passed.has(rule.id))) {
    return { resource: resource.ref, status: "not-evaluated", reason: NO_RULE_JUDGED, findings, rules: outcomes };
  }
  return { resource: resource.ref, status: "evaluated", findings, rules: outcomes };
}

// The pack analyzes every resource of the stack. A resource that is not an online deployment and that no policy
// judged would only add noise to the report.
function isRelevant(resource: ResourceEntry): boolean {
  return (
    (resource.ref.type !== undefined && isOnlineDeploymentType(resource.ref.type)) ||
    resource.findings.length > 0 ||
    (resource.passed?.size ?? 0) > 0 ||
    (resource.failed?.size ?? 0) > 0
  );
}

/**
 * Builds the finding of a policy event. A level that amlguard does not read counts as mandatory, with the level
 * named in the message, because a violation whose level cannot be read must not pass.
 */
function findingOf(policy: PolicyEvent, resource: ResourceRef, rules: readonly RuleMetadata[]): Finding {
  const rule = rules.find((candidate) => candidate.id === policy.policyName);
  const level = findingLevel(policy.enforcementLevel);
  const levelNote =
    level === undefined ? `The event log gives its enforcement level as ${JSON.stringify(policy.enforcementLevel)}, which is not a Pulumi level, so it counts as mandatory.` : undefined;
  // NOTE: a policy event does not record whether the value broke a limit or was unknown. Every event becomes a
  // violation here, and the pack's message states which it was.
  return eventViolation(policy.policyName, severityOf(policy.policyName, policy.severity, rules), level ?? "mandatory", resource, withSentence(violationMessage(policy, rule), levelNote));
}

/** Builds a violation from an event log, which records no property path, value or limit, only the message. */
function eventViolation(ruleId: string, severity: Severity, enforcementLevel: FindingLevel, resource: ResourceRef, message: string): Finding {
  return { ruleId, severity, enforcementLevel, kind: "violation", resource, path: "", actual: null, actualIsDefault: false, limit: null, message };
}

function withSentence(message: string, sentence: string | undefined): string {
  if (sentence === undefined) {
    return message;
  }
  return /[.?!]$/.test(message) ? `${message} ${sentence}` : `${message}. ${sentence}`;
}

// Older engines record no severity, so it comes from the rule or the pack's other policies.
function severityOf(policyName: string, recorded: string | undefined, rules: readonly RuleMetadata[]): Severity {
  const known = rules.find((candidate) => candidate.id === policyName)?.severity ?? packPolicySeverity(policyName);
  return recorded !== undefined && SEVERITIES.includes(recorded) ? (recorded as Severity) : (known ?? "medium");
}

/**
 * Builds the finding of a rule that the engine's summary lists as failed but that has no policy event in the log.
 * Its level and message are lost, so it counts as mandatory rather than pass.
 */
function lostViolation(ruleId: string, resource: ResourceRef, policyPackName: string, rules: readonly RuleMetadata[]): Finding {
  const message =
    `The engine's summary lists ${ruleId} of policy pack ${policyPackName} as failed on this resource, but the event log has no ` +
    "policy event for it, so its level and message are not known and it counts as mandatory. Run pulumi preview --event-log again to record it.";
  return eventViolation(ruleId, severityOf(ruleId, undefined, rules), "mandatory", resource, message);
}

/**
 * Removes the color directives, and the policy description and line break that @pulumi/policy puts in front of a
 * violation reported as a string (the object form has no such prefix).
 */
function violationMessage(policy: PolicyEvent, rule: RuleMetadata | undefined): string {
  const text = policy.message.replace(COLOR_DIRECTIVE, "").trim();
  if (rule !== undefined && text.startsWith(`${rule.description}\n`)) {
    return text.slice(rule.description.length + 1).trim();
  }
  return text;
}

function findingLevel(enforcementLevel: string): FindingLevel | undefined {
  switch (enforcementLevel) {
    case "mandatory":
    case "remediate":
      return "mandatory";
    case "advisory":
    case "warning":
      return "advisory";
    default:
      return undefined;
  }
}

/** Splits `urn:pulumi:STACK::PROJECT::QUALIFIED_TYPE::NAME`; the name may itself contain `::`. */
function refFromUrn(urn: string): ResourceRef {
  if (urn === STACK_KEY) {
    return stackRef(undefined);
  }
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) {
    return { name: urn, urn, source: "pulumi" };
  }
  const qualifiedType = parts[2];
  return { name: parts.slice(3).join("::"), urn, source: "pulumi", type: qualifiedType.split("$").at(-1) };
}

function stackOfUrn(urn: string): string | undefined {
  const parts = urn.split("::");
  return parts.length >= 4 && parts[0].startsWith("urn:pulumi:") ? `${parts[1]}/${parts[0].slice("urn:pulumi:".length)}` : undefined;
}
