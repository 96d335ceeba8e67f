import type { Finding, ResourceResult } from "../findings/finding";
import type { Summary } from "../findings/report";
import type { CheckCounts, RunEvidence, RunReport } from "../findings/run-report";
import type { ExemptionStatus } from "../exemptions/exemption";
import { RULE_CATALOGUE_VERSION, TOOL_NAME, TOOL_VERSION } from "../version";

/**
 * Version of the JSON report's shape. Fields may be added within a major version, never renamed or removed.
 * 1.1 added `evidence`, `exemptions`, `checks`, `summary.waived`, `summary.findings.waived` and `findings[].waiver`.
 * 1.2 added `summary.unverified`.
 * 1.3 added `summary.warned`, `summary.failOn` and the `warned` and `failOn` shard counts. Since 1.3, `summary.failed`
 * counts the resources with a finding that reaches `--fail-on`, so it agrees with the exit code.
 * 1.4 added `evidence.scope.resourceGroup`, `workspace`, `endpoint`, `deploymentIds` and `source`. Since 1.4, an
 * audit's `evidence.scope.subscriptions` lists only the `--subscription` values, not the subscriptions of `--id`
 * deployments, and a merged report's lists only the subscriptions a shard audited whole. 1.4 also added
 * `evidence.inputs`: every file the run read, with its role and SHA-256.
 * 1.5 added `evidence.inputs[].realPath` for checked and parameters files. Since 1.5, `check` reads a file that
 * it is given under several names once, under the first name.
 * 1.6 added `evidence.scope.armEndpoint` and `apiVersion` to audits, and `evidence.shards[].inputs` to merged reports.
 * 1.7 added `evidence.shards[].shards`: the shards of a shard that is itself a merged report, and
 * `evidence.incomplete`: the reasons the run may have missed resources.
 * 1.8 added `resources[].workspaceName` and `resources[].type`. Since 1.8, a checked file's deployment is keyed by its
 * workspace too, so one template checked per workspace yields one resource per workspace.
 */
export const JSON_SCHEMA_VERSION = "1.8";

export interface JsonFinding {
  readonly ruleId: string;
  readonly severity: Finding["severity"];
  readonly enforcementLevel: Finding["enforcementLevel"];
  readonly kind: Finding["kind"];
  readonly path: string;
  readonly actual: Finding["actual"];
  readonly actualIsDefault: boolean;
  readonly limit: Finding["limit"];
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  readonly waiver?: Finding["waiver"];
}

export interface JsonResource {
  readonly id?: string;
  readonly urn?: string;
  readonly name: string;
  readonly endpointName?: string;
  readonly workspaceName?: string;
  readonly type?: string;
  readonly source: string;
  readonly file?: string;
  readonly computeType?: string;
  readonly status: ResourceResult["status"];
  readonly reason?: string;
  readonly findings: readonly JsonFinding[];
  readonly rules: ResourceResult["rules"];
}

export interface JsonReport {
  readonly schemaVersion: string;
  readonly tool: { readonly name: string; readonly version: string; readonly ruleCatalogueVersion: string };
  readonly evidence: RunEvidence;
  readonly resources: readonly JsonResource[];
  readonly summary: Summary;
  readonly checks: CheckCounts;
  readonly exemptions?: ExemptionStatus;
}

export function buildJsonReport(run: RunReport): JsonReport {
  return reportFields(run, run.results.map(toJsonResource));
}

// The report's fields in the order the JSON report writes them, with `resources` supplied by the caller.
function reportFields<R>(run: RunReport, resources: R): Omit<JsonReport, "resources"> & { readonly resources: R } {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION, ruleCatalogueVersion: RULE_CATALOGUE_VERSION },
    evidence: run.evidence,
    resources,
    summary: run.summary,
    checks: run.checks,
    ...(run.exemptions === undefined ? {} : { exemptions: run.exemptions }),
  };
}

/** Renders the run as the JSON report that docs/json-report.md documents. */
export function renderJson(run: RunReport): string {
  return [...jsonReportChunks(run)].join("");
}

/** Characters of JSON text that {@link jsonReportChunks} gathers before it yields them. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Yields the JSON report in pieces whose concatenation is byte-identical to `JSON.stringify(report, null, 2)`
 * plus a newline. Each resource is converted to JSON only when the consumer requests the next piece, so a
 * report of tens of thousands of resources never exists as one string. At 10,000 deployments that string
 * was 33 MB, and writing it copied it again.
 */
export function* jsonReportChunks(run: RunReport): Generator<string> {
  const report = reportFields(run, run.results);
  const resources = run.results;
  let pending = "{";
  let first = true;
  // JSON.stringify writes the keys in insertion order and leaves out undefined values, and so does this loop.
  for (const [key, value] of Object.entries(report)) {
    if (value === undefined) {
      continue;
    }
    pending += `${first ? "" : ","}\n  ${JSON.stringify(key)}: `;
    first = false;
    if (key !== "resources") {
      pending += indent(JSON.stringify(value, null, 2), "  ");
      continue;
    }
    if (resources.length === 0) {
      pending += "[]";
      continue;
    }
    pending += "[";
    for (let index = 0; index < resources.length; index++) {
      pending += `${index === 0 ? "" : ","}\n    ${indent(JSON.stringify(toJsonResource(resources[index]), null, 2), "    ")}`;
      if (pending.length >= CHUNK_CHARS) {
        yield pending;
        pending = "";
      }
    }
    pending += "\n  ]";
  }
  yield `${pending}\n}\n`;
}

// JSON text never contains a raw line break inside a string, so every line break starts a line of indentation.
function indent(json: string, prefix: string): string {
  return json.replace(/\n/g, `\n${prefix}`);
}

function toJsonResource(result: ResourceResult): JsonResource {
  const { resource } = result;
  return {
    ...(resource.id === undefined ? {} : { id: resource.id }),
    ...(resource.urn === undefined ? {} : { urn: resource.urn }),
    name: resource.name,
    ...(resource.endpointName === undefined ? {} : { endpointName: resource.endpointName }),
    ...(resource.workspaceName === undefined ? {} : { workspaceName: resource.workspaceName }),
    ...(resource.type === undefined ? {} : { type: resource.type }),
    source: resource.source,
    ...(resource.file === undefined ? {} : { file: resource.file }),
    ...(result.computeType === undefined ? {} : { computeType: result.computeType }),
    status: result.status,
    ...(result.reason === undefined ? {} : { reason: result.reason }),
    findings: result.findings.map((finding) => ({
      ruleId: finding.ruleId,
      severity: finding.severity,
      enforcementLevel: finding.enforcementLevel,
      kind: finding.kind,
      path: finding.path,
      actual: finding.actual,
      actualIsDefault: finding.actualIsDefault,
      limit: finding.limit,
      message: finding.message,
      ...(finding.location === undefined ? {} : { line: finding.location.line, column: finding.location.column }),
      ...(finding.waiver === undefined ? {} : { waiver: finding.waiver }),
    })),
    rules: result.rules,
  };
}
