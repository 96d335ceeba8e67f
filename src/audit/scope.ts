import { type ResourceResult, type RuleOutcome, findingKey } from "../findings/finding";
import type { RunScope } from "../findings/run-report";
import { armIdKey, parseDeploymentId } from "../sources/arm-id";
import type { AuditScope } from "./collect";
import { escapePlainText } from "../reporters/plain-text";
import { NOT_EVALUATED_REASONS } from "./reasons";
import type { AuditSource } from "./run";

/** Scope options of `amlguard audit`, as commander parses them. */
export interface AuditScopeOptions {
  readonly subscription: readonly string[];
  readonly resourceGroup?: string;
  readonly workspace?: string;
  readonly endpoint?: string;
  readonly id: readonly string[];
  readonly apiVersion: string;
  readonly source: AuditSource;
}

// Azure subscription ids are GUIDs in the 8-4-4-4-12 hexadecimal form.
const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ARM api-versions are a date, optionally with a suffix such as -preview.
const API_VERSION = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(-[a-z]+)?$/i;

const NAME_OPTIONS = [
  { key: "resourceGroup", flag: "--resource-group", noun: "resource group" },
  { key: "workspace", flag: "--workspace", noun: "workspace" },
  { key: "endpoint", flag: "--endpoint", noun: "online endpoint" },
] as const;

/** Returns why the scope options cannot be audited, or undefined when they can. */
export function scopeUsageError(options: AuditScopeOptions): string | undefined {
  return combinationError(options) ?? valueError(options);
}

function combinationError(options: AuditScopeOptions): string | undefined {
  if (options.subscription.length === 0 && options.id.length === 0) {
    return "audit needs a scope: give --subscription ID or --id DEPLOYMENT_ID.";
  }
  if (options.workspace !== undefined && options.resourceGroup === undefined) {
    return "--workspace needs --resource-group, because workspace names are unique only within a resource group.";
  }
  if (options.endpoint !== undefined && options.workspace === undefined) {
    return "--endpoint needs --workspace and --resource-group.";
  }
  if (options.resourceGroup !== undefined && options.subscription.length === 0) {
    return "--resource-group needs --subscription.";
  }
  if (options.source === "resource-graph" && (options.workspace !== undefined || options.endpoint !== undefined || options.id.length > 0)) {
    return "--source resource-graph audits whole subscriptions or resource groups; use the default --source arm with --workspace, --endpoint or --id.";
  }
  return undefined;
}

function valueError(options: AuditScopeOptions): string | undefined {
  const emptyName = NAME_OPTIONS.find(({ key }) => options[key]?.trim() === "");
  if (emptyName !== undefined) {
    return `${emptyName.flag} is empty; give the name of the ${emptyName.noun}.`;
  }

  const invalidSubscription = options.subscription.find((subscription) => !SUBSCRIPTION_ID.test(subscription));
  if (invalidSubscription !== undefined) {
    return `--subscription ${JSON.stringify(invalidSubscription)} is not a subscription id; expected a GUID such as 00000000-0000-0000-0000-000000000000.`;
  }

  const invalidId = options.id.find((id) => !SUBSCRIPTION_ID.test(parseDeploymentId(id)?.subscriptionId ?? ""));
  if (invalidId !== undefined) {
    // A name with a malformed escape or an escaped slash fits the pattern but cannot be read as one name.
    const escapes = invalidId.includes("%") ? " Each % must start an escape of two hex digits, and no escape may spell a slash (%2F)." : "";
    return (
      `--id ${JSON.stringify(invalidId)} is not an online deployment id; expected ` +
      `/subscriptions/{subscription GUID}/resourceGroups/…/providers/Microsoft.MachineLearningServices/workspaces/…/onlineEndpoints/…/deployments/….${escapes}`
    );
  }

  if (!API_VERSION.test(options.apiVersion)) {
    return `--api-version ${JSON.stringify(options.apiVersion)} is not an api-version; expected a date such as 2025-06-01, optionally with a suffix such as -preview.`;
  }
  return undefined;
}

/**
 * Returns the scope to audit: each subscription and deployment id once. ARM ids and subscription ids are
 * case-insensitive, so values that differ only in case are one value, kept in the spelling first given.
 */
export function auditScopeOf(options: AuditScopeOptions): AuditScope {
  return {
    subscriptions: uniqueIgnoringCase(options.subscription),
    ...(options.resourceGroup === undefined ? {} : { resourceGroup: options.resourceGroup }),
    ...(options.workspace === undefined ? {} : { workspace: options.workspace }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    // ARM accepts an id with a trailing slash, and the evidence names the deployment without it.
    deploymentIds: uniqueIgnoringCase(options.id.map((id) => id.replace(/\/$/, ""))),
  };
}

/**
 * Returns the evidence of an audit's scope: every scope option as applied, the listing source, and the endpoint
 * and api-version the deployments were read with, because those decide which properties Azure returned.
 */
export function scopeEvidence(scope: AuditScope, source: AuditSource, armEndpoint: URL, apiVersion: string): RunScope {
  return {
    ...(scope.subscriptions.length === 0 ? {} : { subscriptions: scope.subscriptions }),
    ...(scope.resourceGroup === undefined ? {} : { resourceGroup: scope.resourceGroup }),
    ...(scope.workspace === undefined ? {} : { workspace: scope.workspace }),
    ...(scope.endpoint === undefined ? {} : { endpoint: scope.endpoint }),
    ...(scope.deploymentIds.length === 0 ? {} : { deploymentIds: scope.deploymentIds }),
    source,
    armEndpoint: armEndpoint.href,
    apiVersion,
  };
}

/** One result per deployment, and why the run may not show a deployment as it is. */
export interface UniqueResults {
  readonly results: ResourceResult[];
  /** One line per deployment whose reads disagreed, for `RunEvidence.incomplete`. */
  readonly conflicts: string[];
}

/**
 * Keeps one result per resource, keyed by the lower-cased ARM id, because overlapping scopes (a subscription and
 * an --id in it) read the same deployment twice, and a listing may return one deployment twice while it changes.
 * - A read that failed on the way (throttled, timed out, denied) gives way to one that was judged.
 * - Two judged reads with different findings are kept as one result with the findings of both and each rule's
 *   worse outcome, so a violation that either read shows stays in the report.
 * - A read whose content could not be judged next to one that was judged leaves the judged one.
 * The last two are conflicts, which make the run incomplete. Results without an id are all kept.
 */
export function uniqueResults(results: readonly ResourceResult[]): UniqueResults {
  const byId = new Map<string, number>();
  const unique: ResourceResult[] = [];
  const conflicts: string[] = [];
  for (const result of results) {
    const key = result.resource.id === undefined ? undefined : armIdKey(result.resource.id);
    if (key === undefined) {
      unique.push(result);
      continue;
    }
    const index = byId.get(key);
    if (index === undefined) {
      byId.set(key, unique.length);
      unique.push(result);
      continue;
    }

    const earlier = unique[index];
    if (earlier.status === "evaluated" && result.status === "evaluated") {
      if (findingsKey(earlier) !== findingsKey(result)) {
        conflicts.push(
          `deployment ${escapePlainText(earlier.resource.id ?? "")} was read twice with different findings (${earlier.findings.length} and ${result.findings.length}), ` +
            "as when it changes during the audit; the report keeps the findings of both reads. Audit it again to confirm its state",
        );
        unique[index] = bothReads(earlier, result);
      }
      continue;
    }
    const [judged, failed] = earlier.status === "evaluated" ? [earlier, result] : [result, earlier];
    if (judged.status === "evaluated" && !TRANSPORT_FAILURES.has(failed.reason ?? "")) {
      conflicts.push(
        `deployment ${escapePlainText(earlier.resource.id ?? "")} was read twice, and one read could not be judged (${escapePlainText(failed.reason ?? "no reason given")}); ` +
          "the report keeps the read that was judged. Audit it again to confirm its state",
      );
    }
    unique[index] = judged;
  }
  return { results: unique, conflicts };
}

// Failures of the request rather than of the content: another read of the same deployment that was judged shows it.
const TRANSPORT_FAILURES: ReadonlySet<string> = new Set([
  NOT_EVALUATED_REASONS.forbidden,
  NOT_EVALUATED_REASONS.notFound,
  NOT_EVALUATED_REASONS.truncatedBody,
  NOT_EVALUATED_REASONS.serverError,
  NOT_EVALUATED_REASONS.throttled,
  NOT_EVALUATED_REASONS.retryAfterTooLong,
  NOT_EVALUATED_REASONS.timeout,
  NOT_EVALUATED_REASONS.networkError,
  NOT_EVALUATED_REASONS.httpError,
]);

// Worse outcomes rank higher, as the findings behind them decide a resource's verdict.
const OUTCOME_RANK: Readonly<Record<RuleOutcome, number>> = { disabled: 0, "not-applicable": 1, passed: 2, unverified: 3, failed: 4 };

/** Returns one result with the findings of both reads and, for each rule, the worse of its two outcomes. */
function bothReads(first: ResourceResult, second: ResourceResult): ResourceResult {
  const seen = new Set(first.findings.map(findingKey));
  const findings = [...first.findings, ...second.findings.filter((finding) => !seen.has(findingKey(finding)))];
  const secondRules = new Map(second.rules.map((rule) => [rule.ruleId, rule]));
  const rules = first.rules.map((rule) => {
    const other = secondRules.get(rule.ruleId);
    return other !== undefined && OUTCOME_RANK[other.outcome] > OUTCOME_RANK[rule.outcome] ? other : rule;
  });
  const firstRuleIds = new Set(first.rules.map((rule) => rule.ruleId));
  rules.push(...second.rules.filter((rule) => !firstRuleIds.has(rule.ruleId)));
  return { ...first, findings, rules };
}

function findingsKey(result: ResourceResult): string {
  return result.findings.map(findingKey).join("\u0001");
}

function uniqueIgnoringCase(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = value.toLowerCase();
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}
