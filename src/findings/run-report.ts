import type { EnforcementLevel } from "../config/schema-types";
import type { ExemptionStatus } from "../exemptions/exemption";
import type { AzureFact, RuleMetadata } from "../rules/rule";
import type { Finding, ResourceResult, Severity } from "./finding";
import { type FailOn, type Summary, summarize } from "./report";

/** The rule metadata reports show: the catalogue entry of each rule, with its help page. */
export interface ReportRule {
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  readonly rationale: string;
  readonly remediation: string;
  readonly azureFact: AzureFact;
  readonly defaultEnforcementLevel: EnforcementLevel;
  readonly helpUri: string;
}

/** Returns the report entry of each catalogue rule, in catalogue order. */
export function reportRules(rules: readonly RuleMetadata[]): ReportRule[] {
  return rules.map((rule) => ({
    id: rule.id,
    description: rule.description,
    severity: rule.severity,
    rationale: rule.rationale,
    remediation: rule.remediation,
    azureFact: rule.azureFact,
    defaultEnforcementLevel: rule.defaultEnforcementLevel,
    helpUri: rule.helpUri,
  }));
}

/** Scope of a run. Each source fills the fields it has. */
export interface RunScope {
  /** Input files of `amlguard check`, as the user named them. */
  readonly files?: readonly string[];
  /**
   * Subscriptions the audit listed (`--subscription`), narrowed by `resourceGroup`, `workspace` and `endpoint`
   * when those are set. In a merged report, only the subscriptions that a shard audited whole.
   */
  readonly subscriptions?: readonly string[];
  /** Resource group of each listed subscription that the audit was narrowed to (`--resource-group`). */
  readonly resourceGroup?: string;
  /** Workspace in `resourceGroup` that the audit was narrowed to (`--workspace`). */
  readonly workspace?: string;
  /** Online endpoint of `workspace` that the audit was narrowed to (`--endpoint`). */
  readonly endpoint?: string;
  /** ARM ids of the deployments the audit read one by one (`--id`). */
  readonly deploymentIds?: readonly string[];
  /** Listing source of the audit (`--source`): `arm` or `resource-graph`. */
  readonly source?: string;
  /** Resource Manager endpoint the audit read from (`--arm-endpoint`, by default Azure's public cloud). */
  readonly armEndpoint?: string;
  /**
   * api-version of the requests that read the deployments: `--api-version` for ARM listings and `--id`, the
   * Resource Graph query API's version for `--source resource-graph`.
   */
  readonly apiVersion?: string;
  /** Pulumi stack (`project/stack`), for the event-log path. */
  readonly stack?: string;
  /** The Pulumi event log a report was read from. */
  readonly eventLog?: string;
  /** SHA-256 of the event log's bytes. */
  readonly eventLogSha256?: string;
  /** Policy packs the Pulumi engine ran, name to version, for the event-log path. */
  readonly policyPacks?: Readonly<Record<string, string>>;
}

/** Evidence of the limits a run applied. `sha256` is absent only for the built-in defaults or when the source does not record the limits. */
export interface LimitsEvidence {
  /** `file` (a limits file), `built-in` (the zod defaults) or `not-recorded` (an event log names no limits file). */
  readonly source: "file" | "built-in" | "not-recorded";
  readonly file?: string;
  readonly sha256?: string;
}

/** One file a run read, with the SHA-256 of its bytes. */
export interface InputFileEvidence {
  /** The file as the user named it. */
  readonly file: string;
  /**
   * Role of the file in the run: a `checked` file, the ARM `parameters` file, the `limits` file, the
   * `exemptions` file, the Pulumi `event-log` or a `shard` report of a merge.
   */
  readonly role: "checked" | "parameters" | "limits" | "exemptions" | "event-log" | "shard";
  /** SHA-256 of the file's bytes, absent when the file could not be read. */
  readonly sha256?: string;
  /**
   * Absolute path of a checked or parameters file with symbolic links resolved, absent when the file could not be
   * read. A merge compares it to tell that two shards checked one file under different names.
   */
  readonly realPath?: string;
}

/** Evidence every report states, so an auditor can tell what ran, on what, with which limits and when. */
export interface RunEvidence {
  readonly tool: { readonly name: string; readonly version: string; readonly ruleCatalogueVersion: string };
  readonly command: "check" | "audit" | "report";
  readonly limits: LimitsEvidence;
  readonly scope: RunScope;
  /** Every file the run read, in the order: checked files, parameters, limits, exemptions, event log, shards. Absent when it read none. */
  readonly inputs?: readonly InputFileEvidence[];
  /** ISO 8601 UTC times of the evaluation (for an event log, of its first and last event). */
  readonly startedAt: string;
  readonly endedAt: string;
  /** The shard reports `amlguard report --merge` combined, in the order given. */
  readonly shards?: readonly ShardEvidence[];
  /**
   * Reasons the run may have missed resources, such as an event log without its summary event. A merged report
   * lists those of its shards, each after the shard's file. Absent when nothing is known to be missing.
   */
  readonly incomplete?: readonly string[];
}

/** One file a shard read. The role is kept as the shard names it, so a shard from a newer amlguard still merges. */
export type ShardInputEvidence = Omit<InputFileEvidence, "role"> & { readonly role: string };

/** The evidence of one shard report (one CI job's JSON report) in a merged report. */
export interface ShardEvidence {
  /** The shard's JSON report file, as the user named it. */
  readonly file: string;
  /** SHA-256 of the file's bytes. */
  readonly sha256: string;
  readonly tool: RunEvidence["tool"];
  readonly command: RunEvidence["command"];
  readonly limits: LimitsEvidence;
  readonly scope: RunScope;
  /** The files the shard read, with their SHA-256, as its own evidence lists them. Absent when it lists none: it read no file, or it is a JSON report of version 1.3 or older. */
  readonly inputs?: readonly ShardInputEvidence[];
  readonly startedAt: string;
  readonly endedAt: string;
  /** The shard's own resource counts, from its summary. `warned` and `failOn` are absent in shards of JSON report version 1.2 or older. */
  readonly counts: ShardCounts;
  /** The shards of a shard that is itself a merged report, as its evidence lists them. Absent for other shards. */
  readonly shards?: readonly ShardEvidence[];
}

/** A shard's own resource counts, as its JSON summary states them. */
export interface ShardCounts {
  readonly resources: number;
  readonly evaluated: number;
  readonly notEvaluated: number;
  readonly passed: number;
  readonly warned?: number;
  readonly failed: number;
  readonly waived: number;
  readonly failOn?: FailOn;
}

/** Counts of (resource, rule) checks, besides the per-resource counts of {@link Summary}. */
export interface CheckCounts {
  /** Checks run: passed + failed + waived + unverified. */
  readonly evaluated: number;
  readonly passed: number;
  readonly failed: number;
  readonly waived: number;
  /** Checks whose value is not known until `pulumi up`. */
  readonly unverified: number;
  /** Checks not run: one per rule for each resource not evaluated. Disabled and not-applicable rules are not counted. */
  readonly notEvaluated: number;
}

/**
 * Everything a report shows, produced the same way by `check`, `audit` and `report --from-pulumi-events`:
 * results in a stable order, the rules, the evidence and the exemption status.
 */
export interface RunReport {
  readonly results: readonly ResourceResult[];
  readonly rules: readonly ReportRule[];
  readonly evidence: RunEvidence;
  readonly exemptions?: ExemptionStatus;
  readonly summary: Summary;
  readonly checks: CheckCounts;
}

export interface RunReportInput {
  readonly results: readonly ResourceResult[];
  readonly rules: readonly ReportRule[];
  readonly evidence: RunEvidence;
  readonly exemptions?: ExemptionStatus;
  /** The run's `--fail-on`, which sets the summary's `failed` and `warned` counts. Defaults to `mandatory`. */
  readonly failOn?: FailOn;
}

/** Builds a run report. Sorts resources and findings by stable keys so the same input gives byte-identical reports. */
export function buildRunReport(input: RunReportInput): RunReport {
  const results = [...input.results].map(sortResult).sort((a, b) => compareText(resourceKey(a), resourceKey(b)));
  return {
    results,
    rules: input.rules,
    evidence: input.evidence,
    ...(input.exemptions === undefined ? {} : { exemptions: input.exemptions }),
    summary: summarize(results, input.failOn),
    checks: countChecks(results, input.rules.length),
  };
}

/** Returns the key a resource sorts by: its ARM id in lower case, else its URN, else its file, workspace, endpoint and name. */
export function resourceKey(result: ResourceResult): string {
  const { resource } = result;
  const workspace = resource.workspaceName === undefined ? "" : `${resource.workspaceName}/`;
  return resource.id?.toLowerCase() ?? resource.urn ?? `${resource.file ?? ""}#${workspace}${resource.endpointName ?? ""}/${resource.name}`;
}

/** Returns a name for a deployment that a reader recognizes: `deployment 'blue' of endpoint 'fraud-scoring'`. */
export function resourceLabel(result: ResourceResult): string {
  const { resource } = result;
  // A file that contains no deployment is reported as a whole, under its own name.
  if (resource.file !== undefined && resource.name === resource.file && resource.type === undefined) {
    return `file '${resource.file}'`;
  }
  const kind = resourceKind(resource.type);
  const parent = resource.endpointName === undefined || kind !== "deployment" ? "" : ` of endpoint '${resource.endpointName}'`;
  // A checked file's report names the file, not the workspace, and one template may deploy to several
  // workspaces, so the label names the workspace.
  const workspace = resource.file === undefined || resource.workspaceName === undefined || kind !== "deployment" ? "" : ` in workspace '${resource.workspaceName}'`;
  return `${kind} '${resource.name}'${parent}${workspace}`;
}

// Resources that are not deployments appear only as not evaluated: a workspace or endpoint the audit could not
// list, or another ARM resource in a file. A type that is not an ARM or Pulumi type, such as the placeholder
// "string" of OpenAPI examples, or no type at all, labels a deployment.
function resourceKind(type: string | undefined): string {
  if (type === undefined || !/[/:]/.test(type) || /onlineEndpoints\/deployments$|:OnlineDeployment$/i.test(type)) {
    return "deployment";
  }
  if (/\/onlineEndpoints$/i.test(type)) {
    return "online endpoint";
  }
  if (/\/workspaces$/i.test(type)) {
    return "workspace";
  }
  if (/^Microsoft\.Resources\/subscriptions$/i.test(type)) {
    return "subscription";
  }
  if (/^Microsoft\.Resources\/resourceGroups$/i.test(type)) {
    return "resource group";
  }
  return "resource";
}

function sortResult(result: ResourceResult): ResourceResult {
  return { ...result, findings: [...result.findings].sort(compareFindings) };
}

function compareFindings(a: Finding, b: Finding): number {
  return compareText(a.ruleId, b.ruleId) || compareText(a.path, b.path) || compareText(a.kind, b.kind) || compareText(a.message, b.message);
}

// Code-unit order, not locale order, so the sort does not depend on the machine's locale.
export function compareText(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

function countChecks(results: readonly ResourceResult[], ruleCount: number): CheckCounts {
  let passed = 0;
  let failed = 0;
  let waived = 0;
  let unverified = 0;
  let notEvaluated = 0;

  for (const result of results) {
    if (result.status === "not-evaluated") {
      // A resource that no rule judged lists its rules, every one disabled or not applicable, which are not counted.
      notEvaluated += result.rules.length === 0 ? ruleCount : 0;
      continue;
    }
    for (const rule of result.rules) {
      if (rule.waived === true) {
        waived++;
      } else if (rule.outcome === "passed") {
        passed++;
      } else if (rule.outcome === "failed") {
        failed++;
      } else if (rule.outcome === "unverified") {
        unverified++;
      }
    }
  }

  return { evaluated: passed + failed + waived + unverified, passed, failed, waived, unverified, notEvaluated };
}
