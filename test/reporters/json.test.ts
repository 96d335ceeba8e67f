import { JSON_SCHEMA_VERSION, buildJsonReport, jsonReportChunks, renderJson } from "../../src/reporters/json";
import type { ResourceResult } from "../../src/findings/finding";
import { RULES } from "../../src/rules/index";
import { RULE_CATALOGUE_VERSION, TOOL_VERSION } from "../../src/version";
import { FIXED_EVIDENCE, fileResults, runOf } from "./run-fixtures";

describe("JSON report", () => {
  test("states version and evidence", async () => {
    const report = JSON.parse(renderJson(runOf(await fileResults())));

    expect(report.schemaVersion).toBe(JSON_SCHEMA_VERSION);
    expect(report.tool).toEqual({ name: "amlguard", version: TOOL_VERSION, ruleCatalogueVersion: RULE_CATALOGUE_VERSION });
    expect(report.evidence).toEqual(FIXED_EVIDENCE);
  });

  test("counts resources and checks", async () => {
    const report = JSON.parse(renderJson(runOf(await fileResults())));

    expect(report.summary).toEqual({
      resources: 4,
      evaluated: 3,
      notEvaluated: 1,
      passed: 1,
      unverified: 0,
      warned: 0,
      failed: 2,
      waived: 0,
      findings: { mandatory: 2, advisory: 3, waived: 0 },
      notEvaluatedByReason: { "broken.json is not valid JSON": 1 },
      failOn: "mandatory",
    });
    expect(report.checks).toEqual(expect.objectContaining({ failed: 4, waived: 0, notEvaluated: RULES.length }));
  });

  test("finding carries line and column", async () => {
    const report = JSON.parse(renderJson(runOf(await fileResults())));

    const blue = report.resources.find((resource: { name: string }) => resource.name === "blue");
    expect(blue.findings).toEqual([
      expect.objectContaining({ ruleId: "request-timeout", actual: "PT5M", limit: "PT1M30S", line: 13, column: expect.any(Number) }),
    ]);
  });

  test.each([
    ["no resources", 0],
    ["four resources", 1],
    ["4,000 resources", 1_000],
  ])("streamed text equals JSON.stringify with %s", async (_name, copies) => {
    const run = runOf(await copiedResults(copies), { file: "exemptions.yaml", sha256: "0".repeat(64), entries: 0, applied: [], expired: [], unused: [] });

    expect([...jsonReportChunks(run)].join("")).toBe(`${JSON.stringify(buildJsonReport(run), null, 2)}\n`);
  });

  test("large report comes in several chunks", async () => {
    const run = runOf(await copiedResults(1_000));

    expect([...jsonReportChunks(run)].length).toBeGreaterThan(1);
  });
});

/** The fixture results `copies` times, each copy under other names so every resource stays distinct. */
async function copiedResults(copies: number): Promise<ResourceResult[]> {
  const results = await fileResults();
  return Array.from({ length: copies }, (_, copy) => results.map((result) => ({ ...result, resource: { ...result.resource, name: `${result.resource.name}-${copy}` } }))).flat();
}
