import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import type * as Sarif from "sarif";
import { applyExemptions } from "../../src/exemptions/apply";
import { parseExemptionEntries } from "../../src/exemptions/parse";
import { countResultsWithoutFile, renderSarif } from "../../src/reporters/sarif";
import { RULES } from "../../src/rules/index";
import { BLUE_ID, FIXED_EVIDENCE, eventResults, fileResults, runOf, unknownValueResults } from "./run-fixtures";

// The official schema declares draft-04 but uses only keywords whose meaning later drafts kept, so Ajv's default
// draft validates it once the draft-04 `$schema` and root `id` are left out.
function sarifValidator() {
  const { $schema: _draft, id: _id, ...schema } = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "sarif-schema-2.1.0.json"), "utf8"));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

const validate = sarifValidator();

async function waivedFileRun() {
  const exemptions = parseExemptionEntries(
    [{ resource: BLUE_ID, rules: ["request-timeout"], reason: "Batch scoring needs long requests.", owner: "team-fraud", expires: "2026-12-31" }],
    RULES.map((rule) => rule.id),
    "test",
  );
  const { results, status } = applyExemptions(await fileResults(), exemptions, new Date("2026-12-01T00:00:00Z"));
  return runOf(results, status);
}

function parse(text: string): Sarif.Log {
  return JSON.parse(text) as Sarif.Log;
}

describe("SARIF report", () => {
  test.each([
    { name: "file run", passes: false },
    { name: "file run with passes", passes: true },
  ])("$name is valid against the schema", async ({ passes }) => {
    const log = parse(renderSarif(await waivedFileRun(), { includePasses: passes }));

    const valid = validate(log);

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test("event run is valid against the schema", async () => {
    const log = parse(renderSarif(runOf(await eventResults()), { includePasses: true }));

    expect(validate(log)).toBe(true);
  });

  test("driver lists every rule", async () => {
    const run = parse(renderSarif(await waivedFileRun())).runs[0];

    const rules = run.tool.driver.rules ?? [];
    expect(rules.map((rule) => rule.id)).toEqual(RULES.map((rule) => rule.id));
    for (const rule of rules) {
      expect(rule.helpUri).toBe(`https://github.com/amlguard/amlguard/blob/main/docs/rules/${rule.id}.md`);
      expect(rule.help?.markdown).toContain(rule.helpUri);
      expect(rule.shortDescription?.text).toBeTruthy();
      expect(rule.fullDescription?.text).toBeTruthy();
    }
  });

  test("ruleIndex points at the rule", async () => {
    const run = parse(renderSarif(await waivedFileRun(), { includePasses: true })).runs[0];

    for (const result of run.results ?? []) {
      expect(run.tool.driver.rules?.[result.ruleIndex!].id).toBe(result.ruleId);
    }
  });

  test.each([
    { ruleId: "request-timeout", resource: "blue", level: "error" },
    { ruleId: "egress-public-network-access", resource: "canary", level: "error" },
    { ruleId: "instance-count", resource: "canary", level: "warning" },
  ])("$ruleId on $resource has level $level", async ({ ruleId, resource, level }) => {
    const run = parse(renderSarif(await waivedFileRun())).runs[0];

    const result = run.results?.find((candidate) => candidate.ruleId === ruleId && candidate.message.text?.includes(`'${resource}'`));
    expect(result?.level).toBe(level);
  });

  test("advisory unknown value has level note", async () => {
    const run = parse(renderSarif(runOf(await unknownValueResults("advisory")))).runs[0];

    expect(run.results?.map((result) => result.level)).toEqual(["note"]);
  });

  test("mandatory unknown value has level error", async () => {
    const run = parse(renderSarif(runOf(await unknownValueResults("mandatory")))).runs[0];

    expect(run.results?.map((result) => result.level)).toEqual(["error"]);
  });

  test.each([
    { failOn: "mandatory", levels: ["error", "error", "warning", "warning", "warning"] },
    { failOn: "advisory", levels: ["error", "error", "error", "error", "error"] },
    { failOn: "critical", levels: ["warning", "warning", "warning", "warning", "warning"] },
  ] as const)("levels follow fail-on $failOn", async ({ failOn, levels }) => {
    const run = parse(renderSarif(runOf(await fileResults(), undefined, FIXED_EVIDENCE, failOn))).runs[0];

    expect(run.results?.map((result) => result.level).sort()).toEqual([...levels].sort());
  });

  test("file finding has relative location", async () => {
    const run = parse(renderSarif(await waivedFileRun())).runs[0];

    const result = run.results?.find((candidate) => candidate.ruleId === "request-timeout");
    const physical = result?.locations?.[0].physicalLocation;
    expect(physical?.artifactLocation).toEqual({ uri: "test/reporters/fixtures/deployments.json", uriBaseId: "%SRCROOT%" });
    expect(physical?.region).toEqual({ startLine: 13, startColumn: expect.any(Number) });
    expect(result?.locations?.[0].logicalLocations).toEqual([{ name: "blue", fullyQualifiedName: BLUE_ID, kind: "resource" }]);
  });

  test("waived finding is suppressed", async () => {
    const run = parse(renderSarif(await waivedFileRun())).runs[0];

    const result = run.results?.find((candidate) => candidate.ruleId === "request-timeout");
    expect(result?.suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: "Batch scoring needs long requests.",
        properties: { owner: "team-fraud", expires: "2026-12-31", exemptionIndex: 0, resourcePattern: BLUE_ID },
      },
    ]);
  });

  test("preview finding has URN location", async () => {
    const run = parse(renderSarif(runOf(await eventResults()))).runs[0];

    const result = run.results?.find((candidate) => candidate.ruleId === "request-timeout");
    expect(result?.locations?.[0].logicalLocations?.[0]).toEqual({
      name: "blue",
      fullyQualifiedName: "urn:pulumi:dev::fraud-scoring::azure-native:machinelearningservices:OnlineDeployment::blue",
      kind: "resource",
    });
  });

  test("preview finding points at limits file", async () => {
    const evidence = { ...FIXED_EVIDENCE, limits: { source: "file" as const, file: "policy/limits.json", sha256: "0".repeat(64) } };
    const run = parse(renderSarif(runOf(await eventResults(), undefined, evidence))).runs[0];

    const result = run.results?.find((candidate) => candidate.ruleId === "request-timeout");
    expect(result?.locations?.[0].physicalLocation?.artifactLocation).toEqual({ uri: "policy/limits.json", uriBaseId: "%SRCROOT%" });
  });

  test.each([
    { name: "file results", results: fileResults, limitsFile: undefined, includePasses: true },
    { name: "preview results", results: eventResults, limitsFile: undefined, includePasses: false },
    { name: "preview results with passes", results: eventResults, limitsFile: undefined, includePasses: true },
    { name: "preview results with a limits file", results: eventResults, limitsFile: "policy/limits.json", includePasses: true },
  ])("count without file matches $name", async ({ results, limitsFile, includePasses }) => {
    const limits = limitsFile === undefined ? FIXED_EVIDENCE.limits : { source: "file" as const, file: limitsFile, sha256: "0".repeat(64) };
    const run = runOf(await results(), undefined, { ...FIXED_EVIDENCE, limits });

    const rendered = parse(renderSarif(run, { includePasses })).runs[0].results ?? [];
    const withoutFile = rendered.filter((result) => !(result.locations ?? []).some((location) => location.physicalLocation !== undefined));

    expect(countResultsWithoutFile(run, { includePasses })).toBe(withoutFile.length);
  });

  test("passes appear only on request", async () => {
    const run = await waivedFileRun();

    const without = parse(renderSarif(run)).runs[0].results ?? [];
    const withPasses = parse(renderSarif(run, { includePasses: true })).runs[0].results ?? [];

    expect(without.filter((result) => result.kind === "pass")).toEqual([]);
    expect(withPasses.filter((result) => result.kind === "pass")).toHaveLength(run.checks.passed);
    expect(withPasses.filter((result) => result.kind === "pass").every((result) => result.level === "none")).toBe(true);
  });

  test("not-evaluated resource is a notification", async () => {
    const run = parse(renderSarif(await waivedFileRun())).runs[0];

    const notifications = run.invocations?.[0].toolExecutionNotifications ?? [];
    expect(notifications).toEqual([expect.objectContaining({ level: "warning", descriptor: { id: "not-evaluated" } })]);
    expect(notifications[0].message.text).toContain("broken.json is not valid JSON");
  });

  test("incomplete run is a notification", async () => {
    const evidence = { ...FIXED_EVIDENCE, incomplete: ["preview.ndjson has no summary event"] };
    const log = parse(renderSarif(runOf(await eventResults(), undefined, evidence)));

    const notifications = log.runs[0].invocations?.[0].toolExecutionNotifications ?? [];
    expect(validate(log)).toBe(true);
    expect(notifications).toContainEqual({
      level: "warning",
      message: { text: "The run may have missed resources: preview.ndjson has no summary event." },
      descriptor: { id: "incomplete" },
    });
  });

  test.each([
    { name: "inside source root is relative", cwd: join(__dirname, "fixtures"), uri: /^deployments\.json$/ },
    { name: "outside source root is a file URI", cwd: join(__dirname, "fixtures", "elsewhere"), uri: /^file:\/\/\/.*\/test\/reporters\/fixtures\/deployments\.json$/ },
  ])("file $name", async ({ cwd, uri }) => {
    const run = parse(renderSarif(await waivedFileRun(), { cwd })).runs[0];

    const result = run.results?.find((candidate) => candidate.ruleId === "request-timeout");
    expect(result?.locations?.[0].physicalLocation?.artifactLocation?.uri).toMatch(uri);
  });

  test("evidence is in run properties", async () => {
    const run = parse(renderSarif(await waivedFileRun())).runs[0];

    expect(run.properties?.evidence).toEqual(FIXED_EVIDENCE);
    expect(run.invocations?.[0].startTimeUtc).toBe(FIXED_EVIDENCE.startedAt);
  });
});
