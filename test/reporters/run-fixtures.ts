import { join } from "node:path";
import { defaultConfig } from "../../src/config/limits";
import { evaluateItems } from "../../src/engine/evaluate";
import { policyEventsToResults } from "../../src/events/to-results";
import { readEventLog } from "../../src/events/read";
import type { ResourceResult, Waiver } from "../../src/findings/finding";
import type { FailOn } from "../../src/findings/report";
import { type RunEvidence, type RunReport, buildRunReport, reportRules } from "../../src/findings/run-report";
import type { ExemptionStatus } from "../../src/exemptions/exemption";
import { RULES, RULE_CATALOGUE_VERSION } from "../../src/rules/index";
import { readInputFile } from "../../src/sources/files";
import { TOOL_NAME, TOOL_VERSION } from "../../src/version";

/** ARM list response with three deployments of endpoint fraud-scoring: blue fails one rule, green passes, canary fails several. */
export const DEPLOYMENTS_FILE = join("test", "reporters", "fixtures", "deployments.json");
/** A pulumi preview event log: blue fails, green passes, canary has no policy summary, another pack's events mixed in. */
export const PREVIEW_EVENTS_FILE = join("test", "events", "fixtures", "preview.ndjson");

export const BLUE_ID =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-scoring/providers/Microsoft.MachineLearningServices/workspaces/ws-fraud/onlineEndpoints/fraud-scoring/deployments/blue";
export const CANARY_ID = BLUE_ID.replace(/blue$/, "canary");

export const FIXED_EVIDENCE: RunEvidence = {
  tool: { name: TOOL_NAME, version: TOOL_VERSION, ruleCatalogueVersion: RULE_CATALOGUE_VERSION },
  command: "check",
  limits: { source: "built-in" },
  scope: { files: [DEPLOYMENTS_FILE] },
  startedAt: "2026-12-01T10:00:00.000Z",
  endedAt: "2026-12-01T10:00:02.500Z",
};

/** Evaluates the fixture file with the built-in limits and adds one resource that could not be read. */
export async function fileResults(): Promise<ResourceResult[]> {
  const items = await readInputFile(DEPLOYMENTS_FILE);
  const results = evaluateItems(items, RULES, defaultConfig(RULES));
  return [...results, { resource: { name: "broken.json", source: "arm", file: "broken.json" }, status: "not-evaluated", reason: "broken.json is not valid JSON", findings: [], rules: [] }];
}

/** Converts the fixture event log with the amlguard pack name. */
export async function eventResults(): Promise<ResourceResult[]> {
  const log = await readEventLog(PREVIEW_EVENTS_FILE);
  return policyEventsToResults(log.events, "amlguard", RULES).results;
}

/**
 * Returns the first fixture resource with one finding only: its first finding as a value not known until
 * deployment, at `level`, and waived when a waiver is given.
 */
export async function unknownValueResults(level: "advisory" | "mandatory", waiver?: Waiver): Promise<ResourceResult[]> {
  const [first] = await fileResults();
  const unknown = { ...first.findings[0], kind: "unknown" as const, enforcementLevel: level, ...(waiver === undefined ? {} : { waiver }) };
  return [{ ...first, findings: [unknown], rules: [{ ruleId: unknown.ruleId, outcome: "unverified", ...(waiver === undefined ? {} : { waived: true }) }] }];
}

export function runOf(results: readonly ResourceResult[], exemptions?: ExemptionStatus, evidence: RunEvidence = FIXED_EVIDENCE, failOn: FailOn = "mandatory"): RunReport {
  return buildRunReport({ results, rules: reportRules(RULES), evidence, ...(exemptions === undefined ? {} : { exemptions }), failOn });
}
