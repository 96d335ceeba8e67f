import type { Finding, ResourceResult } from "../findings/finding";
import type { Summary } from "../findings/report";
import type { CheckCounts, RunEvidence, RunReport } from "../findings/run-report";
import type { ExemptionStatus } from "../exemptions/exemption";
import { RULE_CATALOGUE_VERSION, TOOL_NAME, TOOL_VERSION } from "../version";

/**
 * Version of the JSON report's shape. Fields may be added within a major version, never renamed or removed.
 * 1.1 added `evidence`, `exemptions`, `checks`, `summary.waived`, `summary.findings.waived` and `findings[].waiver`.
 */
export const JSON_SCHEMA_VERSION = "1.1";

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
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION, ruleCatalogueVersion: RULE_CATALOGUE_VERSION },
    evidence: run.evidence,
    resources: run.results.map(toJsonResource),
    summary: run.summary,
    checks: run.checks,
    ...(run.exemptions === undefined ? {} : { exemptions: run.exemptions }),
  };
}

/** Renders the run as the JSON report that docs/json-report.md documents. */
export function renderJson(run: RunReport): string {
  return `${JSON.stringify(buildJsonReport(run), null, 2)}\n`;
}

function toJsonResource(result: ResourceResult): JsonResource {
  const { resource } = result;
  return {
    ...(resource.id === undefined ? {} : { id: resource.id }),
    ...(resource.urn === undefined ? {} : { urn: resource.urn }),
    name: resource.name,
    ...(resource.endpointName === undefined ? {} : { endpointName: resource.endpointName }),
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
