import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { ResourceResult } from "../../src/findings/finding";
import { reachesFailOn } from "../../src/findings/report";
import { renderJunit } from "../../src/reporters/junit";
import { RULES } from "../../src/rules/index";
import { FIXED_EVIDENCE, eventResults, fileResults, runOf, unknownValueResults } from "./run-fixtures";

interface TestCase {
  "@_name": string;
  "@_classname": string;
  failure?: { "@_message": string; "@_type": string; "#text": string };
  skipped?: { "@_message": string };
  error?: { "@_message": string; "@_type": string };
}

interface TestSuite {
  "@_name": string;
  properties?: { property: { "@_name": string; "@_value": string }[] };
  "@_tests": number;
  "@_failures": number;
  "@_errors": number;
  "@_skipped": number;
  testcase: TestCase[];
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseAttributeValue: true, isArray: (name) => ["testsuite", "testcase", "property"].includes(name) });

function parse(xml: string): { testsuites: { "@_tests": number; "@_failures": number; "@_errors": number; "@_skipped": number; testsuite: TestSuite[] } } {
  return parser.parse(xml);
}

describe("JUnit report", () => {
  test("output is well-formed XML", async () => {
    const xml = renderJunit(runOf(await fileResults()));

    expect(XMLValidator.validate(xml)).toBe(true);
  });

  test("counts match the run", async () => {
    const run = runOf(await fileResults());

    const { testsuites } = parse(renderJunit(run));

    const cases = testsuites.testsuite.flatMap((suite) => suite.testcase);
    expect(testsuites["@_tests"]).toBe(cases.length);
    expect(testsuites["@_failures"]).toBe(cases.filter((testCase) => testCase.failure !== undefined).length);
    expect(testsuites["@_skipped"]).toBe(cases.filter((testCase) => testCase.skipped !== undefined).length);
    const reaching = run.results.flatMap((result) =>
      result.rules.filter((rule) => result.findings.some((finding) => finding.ruleId === rule.ruleId && reachesFailOn(finding, "mandatory"))),
    );
    expect(testsuites["@_failures"]).toBe(reaching.length);
  });

  test("advisory violation is skipped by default", async () => {
    const { testsuites } = parse(renderJunit(runOf(await fileResults())));

    const advisory = testsuites.testsuite.flatMap((suite) => suite.testcase).filter((testCase) => testCase.skipped?.["@_message"].startsWith("Below --fail-on mandatory: "));
    expect(advisory.length).toBeGreaterThan(0);
  });

  test("advisory unknown value is skipped", async () => {
    const results = await unknownValueResults("advisory");
    const [unknown] = results[0].findings;

    const { testsuites } = parse(renderJunit(runOf(results)));

    const testCase = testsuites.testsuite[0].testcase.find((candidate) => candidate["@_name"] === unknown.ruleId)!;
    expect(testCase.skipped?.["@_message"]).toBe(`Below --fail-on mandatory: ${unknown.message}`);
  });

  test("fail-on advisory fails advisory violations", async () => {
    const run = runOf(await fileResults());

    const { testsuites } = parse(renderJunit(run, "advisory"));

    expect(testsuites["@_failures"]).toBe(run.checks.failed);
  });

  test("each resource has one case per rule", async () => {
    const { testsuites } = parse(renderJunit(runOf(await fileResults())));

    for (const suite of testsuites.testsuite) {
      expect(suite.testcase.map((testCase) => testCase["@_name"]).sort()).toEqual(RULES.map((rule) => rule.id).sort());
    }
  });

  test("failure names rule and message", async () => {
    const { testsuites } = parse(renderJunit(runOf(await fileResults())));

    const blue = testsuites.testsuite.find((suite) => suite["@_name"].endsWith("/deployments/blue"))!;
    const timeout = blue.testcase.find((testCase) => testCase["@_name"] === "request-timeout")!;
    expect(timeout.failure?.["@_type"]).toBe("request-timeout");
    expect(timeout.failure?.["@_message"]).toMatch(/^Request timeout is PT5M, above the maximum of PT1M30S/);
    expect(timeout.failure?.["#text"]).toContain("properties.requestSettings.requestTimeout (line 13");
  });

  test("incomplete run is an error", async () => {
    const evidence = { ...FIXED_EVIDENCE, incomplete: ["preview.ndjson has no summary event"] };
    const complete = parse(renderJunit(runOf(await eventResults()))).testsuites;

    const { testsuites } = parse(renderJunit(runOf(await eventResults(), undefined, evidence)));

    const suite = testsuites.testsuite.find((candidate) => candidate["@_name"] === "run completeness");
    expect(testsuites["@_errors"]).toBe(complete["@_errors"] + 1);
    expect(testsuites["@_tests"]).toBe(complete["@_tests"] + 1);
    expect(suite?.testcase[0].error).toEqual({ "@_message": "The run may have missed resources: preview.ndjson has no summary event.", "@_type": "incomplete" });
  });

  test("suite names the limits source", async () => {
    const builtIn = parse(renderJunit(runOf(await fileResults()))).testsuites.testsuite[0];
    const evidence = { ...FIXED_EVIDENCE, limits: { source: "file" as const, file: "limits.json", sha256: "a".repeat(64) } };
    const fromFile = parse(renderJunit(runOf(await fileResults(), undefined, evidence))).testsuites.testsuite[0];

    const properties = (suite: TestSuite) => Object.fromEntries((suite.properties?.property ?? []).map((property) => [property["@_name"], property["@_value"]]));
    expect(properties(builtIn)["limits.source"]).toBe("built-in");
    expect(properties(builtIn)).not.toHaveProperty("limits.sha256");
    expect(properties(fromFile)["limits.source"]).toBe("file");
    expect(properties(fromFile)["limits.sha256"]).toBe("a".repeat(64));
  });

  test("not-evaluated resource errs every rule", async () => {
    const { testsuites } = parse(renderJunit(runOf(await fileResults())));

    const broken = testsuites.testsuite.find((suite) => suite["@_name"].startsWith("broken.json"))!;
    expect(broken.testcase).toHaveLength(RULES.length);
    for (const testCase of broken.testcase) {
      expect(testCase.error).toEqual({ "@_message": "Not evaluated: broken.json is not valid JSON", "@_type": "not-evaluated" });
      expect(testCase.skipped).toBeUndefined();
    }
    expect(broken["@_errors"]).toBe(RULES.length);
    expect(testsuites["@_errors"]).toBe(RULES.length);
  });

  test("not-applicable rule is skipped", async () => {
    const { testsuites } = parse(renderJunit(runOf(await eventResults())));

    const green = testsuites.testsuite.find((suite) => suite["@_name"].endsWith("::green"))!;
    const skipped = green.testcase.filter((testCase) => testCase.skipped !== undefined).map((testCase) => testCase["@_name"]);
    expect(skipped).toContain("container-resources");
  });

  test("waived rule is skipped with its reason", async () => {
    const results = (await fileResults()).map((result) => ({
      ...result,
      findings: result.findings.map((finding) => ({ ...finding, waiver: { exemptionIndex: 2, resourcePattern: "**", reason: "Load test until Friday.", owner: "team-fraud", expires: "2026-12-31" } })),
      rules: result.rules.map((rule) => (rule.outcome === "failed" ? { ...rule, waived: true } : rule)),
    }));

    const { testsuites } = parse(renderJunit(runOf(results)));

    const blue = testsuites.testsuite.find((suite) => suite["@_name"].endsWith("/deployments/blue"))!;
    const timeout = blue.testcase.find((testCase) => testCase["@_name"] === "request-timeout")!;
    expect(timeout.failure).toBeUndefined();
    expect(timeout.skipped?.["@_message"]).toBe("Waived by exemption 2 until 2026-12-31 (owner team-fraud): Load test until Friday.");
    expect(testsuites["@_failures"]).toBe(0);
  });

  test.each([
    { name: "advisory unknown is skipped", level: "advisory" as const, failed: false },
    { name: "mandatory unknown fails", level: "mandatory" as const, failed: true },
  ])("$name", async ({ level, failed }) => {
    const results = (await fileResults()).map((result) => ({
      ...result,
      findings: result.findings.map((finding) => ({ ...finding, kind: "unknown" as const, enforcementLevel: level })),
      rules: result.rules.map((rule) => (rule.outcome === "failed" ? { ...rule, outcome: "unverified" as const } : rule)),
    }));

    const { testsuites } = parse(renderJunit(runOf(results)));

    const blue = testsuites.testsuite.find((suite) => suite["@_name"].endsWith("/deployments/blue"))!;
    const timeout = blue.testcase.find((testCase) => testCase["@_name"] === "request-timeout")!;
    expect(timeout.failure !== undefined).toBe(failed);
    expect(timeout.skipped !== undefined).toBe(!failed);
  });

  test("forbidden characters are removed and markup escaped", async () => {
    const [first, ...rest] = await fileResults();
    const hostile = "a <b> & \"c\" ]]> \u0001\u0008\u000B\uFFFE\uD800 end\nsecond line";
    const results: ResourceResult[] = [{ ...first, findings: first.findings.map((finding) => ({ ...finding, message: hostile })) }, ...rest];

    const xml = renderJunit(runOf(results));

    expect(XMLValidator.validate(xml)).toBe(true);
    const { testsuites } = parse(xml);
    const failure = testsuites.testsuite.flatMap((suite) => suite.testcase).find((testCase) => testCase.failure?.["@_message"].startsWith("a <b>"))!.failure!;
    expect(failure["@_message"]).toBe("a <b> & \"c\" ]]>  end second line");
    expect(failure["#text"]).toContain("a <b> & \"c\" ]]>  end\nsecond line");
  });
});
