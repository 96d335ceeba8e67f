import { createHash } from "node:crypto";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Sarif from "sarif";
import type { Finding, ResourceResult, RuleResult } from "../findings/finding";
import { type FailOn, type FindingEffect, findingEffect } from "../findings/report";
import { type ReportRule, type RunReport, resourceKey, resourceLabel } from "../findings/run-report";

export interface SarifOptions {
  /** Adds passed and not-applicable checks as results of kind `pass` and `notApplicable`. */
  readonly includePasses?: boolean;
  /** Directory that `%SRCROOT%` refers to. File URIs are relative to it. Defaults to the working directory. */
  readonly cwd?: string;
}

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

// GitHub code scanning ranks a rule by `security-severity`: 9.0 and above is critical, 7.0 to 8.9 high,
// 4.0 to 6.9 medium and 0.1 to 3.9 low. Each value sits inside its band.
const SECURITY_SEVERITY: Record<ReportRule["severity"], string> = { low: "3.0", medium: "5.5", high: "8.0", critical: "9.5" };

const SARIF_LEVELS: Record<FindingEffect, Sarif.Result.level> = { fail: "error", warn: "warning", unverified: "note" };

/**
 * Renders a run as SARIF 2.1.0. Levels follow the run's `--fail-on`, as the exit code does: a finding that
 * reaches it is `error`, a violation or invalid value below it `warning`, and a value not known until
 * `pulumi up` below it `note`. A waived finding keeps the level it would have and carries an `external`
 * suppression. A resource that was not evaluated is a tool execution notification, not a result, so it never
 * becomes an alert about the resource.
 */
export function renderSarif(run: RunReport, options: SarifOptions = {}): string {
  const ruleIndex = new Map(run.rules.map((rule, index) => [rule.id, index]));
  const cwd = options.cwd ?? process.cwd();
  const anchor = run.evidence.limits.file;

  const results: Sarif.Result[] = [];
  const notifications: Sarif.Notification[] = [];
  for (const result of run.results) {
    const location = locationOf(result, cwd, anchor);
    if (result.status === "not-evaluated") {
      notifications.push({
        level: "warning",
        message: { text: `${capitalize(resourceLabel(result))} was not evaluated: ${result.reason ?? "no reason given"}` },
        locations: [location],
        descriptor: { id: "not-evaluated" },
      });
      continue;
    }
    for (const finding of result.findings) {
      results.push(findingResult(result, finding, location, cwd, ruleIndex, run.summary.failOn));
    }
    if (options.includePasses === true) {
      for (const rule of result.rules) {
        const passResult = outcomeResult(result, rule, location, ruleIndex);
        if (passResult !== undefined) {
          results.push(passResult);
        }
      }
    }
  }

  // A run that may have missed resources, such as a preview whose event log stops early, gets a notification with
  // the reason, as a resource not evaluated does.
  for (const reason of run.evidence.incomplete ?? []) {
    notifications.push({ level: "warning", message: { text: `The run may have missed resources: ${reason}.` }, descriptor: { id: "incomplete" } });
  }

  const log: Sarif.Log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: run.evidence.tool.name,
            version: run.evidence.tool.version,
            semanticVersion: run.evidence.tool.version,
            informationUri: "https://github.com/amlguard/amlguard",
            rules: run.rules.map(ruleDescriptor),
            properties: { ruleCatalogueVersion: run.evidence.tool.ruleCatalogueVersion },
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            startTimeUtc: run.evidence.startedAt,
            endTimeUtc: run.evidence.endedAt,
            toolExecutionNotifications: notifications,
          },
        ],
        results,
        properties: {
          evidence: run.evidence,
          summary: run.summary,
          checks: run.checks,
          ...(run.exemptions === undefined ? {} : { exemptions: run.exemptions }),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/**
 * Counts the results that renderSarif writes without a physicalLocation: those of a resource read from no file,
 * when the run names no limits file to point them at. GitHub code scanning rejects an upload with such results.
 */
export function countResultsWithoutFile(run: RunReport, options: SarifOptions = {}): number {
  let count = 0;
  for (const result of run.results) {
    if (result.status === "not-evaluated" || locatedFile(result, run.evidence.limits.file) !== undefined) {
      continue;
    }
    count += result.findings.length;
    if (options.includePasses === true) {
      count += result.rules.filter(isOutcomeResult).length;
    }
  }
  return count;
}

/** Reports whether `includePasses` writes a rule's outcome as a result: a pass or a rule that does not apply. */
function isOutcomeResult(rule: RuleResult): boolean {
  return rule.outcome === "passed" || rule.outcome === "not-applicable";
}

/** Returns the file a resource's results point at: its own, or the limits file for a resource read from none. */
function locatedFile(result: ResourceResult, anchor: string | undefined): string | undefined {
  return result.resource.file ?? anchor;
}

function ruleDescriptor(rule: ReportRule): Sarif.ReportingDescriptor {
  const fact = `${rule.azureFact.statement} Source: ${rule.azureFact.source}.`;
  return {
    id: rule.id,
    name: rule.id
      .split("-")
      .map((word) => capitalize(word))
      .join(""),
    shortDescription: { text: rule.description },
    fullDescription: { text: `${rule.description} ${rule.rationale}` },
    help: {
      text: `${rule.description}\n\nWhy: ${rule.rationale}\n\nFix: ${rule.remediation}\n\nAzure: ${fact}\n\nDetails: ${rule.helpUri}`,
      markdown:
        `${rule.description}\n\n**Why:** ${rule.rationale}\n\n**Fix:** ${rule.remediation}\n\n**Azure:** ${fact}\n\n` +
        `[Rule documentation](${rule.helpUri})`,
    },
    helpUri: rule.helpUri,
    defaultConfiguration: {
      enabled: rule.defaultEnforcementLevel !== "disabled",
      level: rule.defaultEnforcementLevel === "advisory" ? "warning" : "error",
    },
    properties: {
      severity: rule.severity,
      defaultEnforcementLevel: rule.defaultEnforcementLevel,
      "security-severity": SECURITY_SEVERITY[rule.severity],
      tags: ["azure-machine-learning", "online-deployment"],
    },
  };
}

function findingResult(
  result: ResourceResult,
  finding: Finding,
  resourceLocation: Sarif.Location,
  cwd: string,
  ruleIndex: ReadonlyMap<string, number>,
  failOn: FailOn,
): Sarif.Result {
  const level = SARIF_LEVELS[findingEffect(finding, failOn)];
  const location = finding.location === undefined || result.resource.file === undefined ? resourceLocation : fileLocation(result, result.resource.file, cwd, finding.location);

  return {
    ruleId: finding.ruleId,
    ...indexOf(finding.ruleId, ruleIndex),
    kind: "fail",
    level,
    message: { text: `${capitalize(resourceLabel(result))}: ${finding.message}` },
    locations: [location],
    partialFingerprints: { "amlguardFinding/v1": fingerprint(resourceKey(result), finding.ruleId, finding.path, finding.kind) },
    ...(finding.waiver === undefined
      ? {}
      : {
          suppressions: [
            {
              kind: "external",
              status: "accepted",
              justification: finding.waiver.reason,
              properties: {
                owner: finding.waiver.owner,
                expires: finding.waiver.expires,
                exemptionIndex: finding.waiver.exemptionIndex,
                resourcePattern: finding.waiver.resourcePattern,
              },
            },
          ],
        }),
    properties: {
      severity: finding.severity,
      enforcementLevel: finding.enforcementLevel,
      findingKind: finding.kind,
      path: finding.path,
      actual: finding.actual,
      actualIsDefault: finding.actualIsDefault,
      limit: finding.limit,
    },
  };
}

function outcomeResult(result: ResourceResult, rule: RuleResult, location: Sarif.Location, ruleIndex: ReadonlyMap<string, number>): Sarif.Result | undefined {
  if (!isOutcomeResult(rule)) {
    return undefined;
  }
  const label = capitalize(resourceLabel(result));
  const kind = rule.outcome === "passed" ? "pass" : "notApplicable";
  const text = rule.outcome === "passed" ? `${label} passes ${rule.ruleId}.` : `${rule.ruleId} does not apply to ${resourceLabel(result)}: ${rule.reason ?? "no reason given"}.`;
  return {
    ruleId: rule.ruleId,
    ...indexOf(rule.ruleId, ruleIndex),
    kind,
    level: "none",
    message: { text },
    locations: [location],
    partialFingerprints: { "amlguardFinding/v1": fingerprint(resourceKey(result), rule.ruleId, kind) },
  };
}

function indexOf(ruleId: string, ruleIndex: ReadonlyMap<string, number>): { ruleIndex?: number } {
  const index = ruleIndex.get(ruleId);
  return index === undefined ? {} : { ruleIndex: index };
}

/**
 * Locates a resource: its file when it has one, and always its ARM id or URN as a logical location. GitHub
 * code scanning rejects a result without a physical location, so a live or preview resource points at the limits
 * file when the run has one.
 */
function locationOf(result: ResourceResult, cwd: string, anchor: string | undefined): Sarif.Location {
  const { resource } = result;
  const fullyQualifiedName = resource.id ?? resource.urn;
  const logical: Sarif.LogicalLocation[] =
    fullyQualifiedName === undefined ? [] : [{ name: resource.name, fullyQualifiedName, kind: "resource" }];
  const file = locatedFile(result, anchor);
  return {
    ...(file === undefined ? {} : { physicalLocation: { artifactLocation: artifactLocation(file, cwd) } }),
    ...(logical.length === 0 ? {} : { logicalLocations: logical }),
  };
}

function fileLocation(result: ResourceResult, file: string, cwd: string, position: NonNullable<Finding["location"]>): Sarif.Location {
  const base = locationOf(result, cwd, undefined);
  return {
    ...base,
    physicalLocation: { artifactLocation: artifactLocation(file, cwd), region: { startLine: position.line, startColumn: position.column } },
  };
}

/**
 * Returns the file's URI relative to `%SRCROOT%` (`cwd`), or an absolute file URI when the file lies outside it.
 * `file` is relative to the process's working directory, as the user named it.
 */
function artifactLocation(file: string, cwd: string): Sarif.ArtifactLocation {
  const absolute = resolve(file);
  const relativePath = relative(cwd, absolute);
  if (relativePath.startsWith("..") || isAbsolute(relativePath)) {
    return { uri: pathToFileURL(absolute).href };
  }
  return { uri: relativePath.split(sep).map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" };
}

// Stable across runs and machines, so code scanning matches an alert to the same resource and rule next time.
function fingerprint(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
}

function capitalize(text: string): string {
  return text.length === 0 ? text : `${text[0].toUpperCase()}${text.slice(1)}`;
}
