import fc from "fast-check";
import type * as Sarif from "sarif";
import { XMLParser } from "fast-xml-parser";
import type { Finding, ResourceResult, RuleResult, Waiver } from "../../src/findings/finding";
import { EXIT_CODES, FAIL_ON_THRESHOLDS, type FailOn, type ResourceVerdict, exitCodeFor, resourceVerdict } from "../../src/findings/report";
import { renderJunit } from "../../src/reporters/junit";
import { renderMarkdown } from "../../src/reporters/markdown";
import { renderSarif } from "../../src/reporters/sarif";
import { renderTable } from "../../src/reporters/table";
import { configureRunSeed } from "../support/arbitraries";
import { FIXED_EVIDENCE, fileResults, runOf } from "./run-fixtures";

const WAIVER: Waiver = { exemptionIndex: 0, resourcePattern: "**", reason: "tuning", owner: "team-a", expires: "2099-01-01" };

/** Builds the fixture's first resource with findings, with those findings replaced and rule outcomes set from them as the engine sets them. */
async function resourceWith(findings: readonly Partial<Finding>[]): Promise<ResourceResult> {
  const template = (await fileResults()).find((result) => result.findings.length > 0)!;
  const base = template.findings[0];
  return withOutcomes({ ...template, findings: findings.map((finding) => ({ ...base, ...finding })) });
}

/** Sets each rule's outcome from its findings: failed on a violation or invalid value, unverified on unknown values only. */
function withOutcomes(result: ResourceResult): ResourceResult {
  const rules = result.rules.map((rule): RuleResult => {
    const own = result.findings.filter((finding) => finding.ruleId === rule.ruleId);
    if (own.length === 0) {
      return { ruleId: rule.ruleId, outcome: rule.outcome === "failed" || rule.outcome === "unverified" ? "passed" : rule.outcome, ...(rule.reason === undefined ? {} : { reason: rule.reason }) };
    }
    const outcome = own.some((finding) => finding.kind !== "unknown") ? "failed" : "unverified";
    return { ruleId: rule.ruleId, outcome, ...(own.every((finding) => finding.waiver !== undefined) ? { waived: true } : {}) };
  });
  return { ...result, rules };
}

describe("resourceVerdict", () => {
  test.each<{ name: string; findings: Partial<Finding>[]; failOn: FailOn; verdict: ResourceVerdict }>([
    { name: "no finding passes", findings: [], failOn: "mandatory", verdict: "passed" },
    { name: "mandatory violation fails", findings: [{ kind: "violation", enforcementLevel: "mandatory" }], failOn: "mandatory", verdict: "failed" },
    { name: "mandatory unknown fails", findings: [{ kind: "unknown", enforcementLevel: "mandatory" }], failOn: "mandatory", verdict: "failed" },
    { name: "advisory violation warns", findings: [{ kind: "violation", enforcementLevel: "advisory" }], failOn: "mandatory", verdict: "warned" },
    { name: "advisory invalid warns", findings: [{ kind: "invalid", enforcementLevel: "advisory" }], failOn: "mandatory", verdict: "warned" },
    { name: "advisory violation fails at advisory", findings: [{ kind: "violation", enforcementLevel: "advisory" }], failOn: "advisory", verdict: "failed" },
    { name: "advisory unknown is unverified", findings: [{ kind: "unknown", enforcementLevel: "advisory" }], failOn: "mandatory", verdict: "unverified" },
    { name: "advisory unknown fails at advisory", findings: [{ kind: "unknown", enforcementLevel: "advisory" }], failOn: "advisory", verdict: "failed" },
    { name: "medium violation warns at high", findings: [{ kind: "violation", enforcementLevel: "mandatory", severity: "medium" }], failOn: "high", verdict: "warned" },
    { name: "medium unknown is unverified at high", findings: [{ kind: "unknown", enforcementLevel: "mandatory", severity: "medium" }], failOn: "high", verdict: "unverified" },
    { name: "waived violation is waived", findings: [{ kind: "violation", enforcementLevel: "mandatory", waiver: WAIVER }], failOn: "mandatory", verdict: "waived" },
    { name: "waived mandatory unknown is waived", findings: [{ kind: "unknown", enforcementLevel: "mandatory", waiver: WAIVER }], failOn: "mandatory", verdict: "waived" },
    { name: "waived advisory unknown passes", findings: [{ kind: "unknown", enforcementLevel: "advisory", waiver: WAIVER }], failOn: "mandatory", verdict: "passed" },
    {
      name: "open advisory beside waived mandatory warns",
      findings: [
        { ruleId: "request-timeout", kind: "violation", enforcementLevel: "mandatory", waiver: WAIVER },
        { ruleId: "instance-count", kind: "violation", enforcementLevel: "advisory" },
      ],
      failOn: "mandatory",
      verdict: "warned",
    },
  ])("$name", async ({ findings, failOn, verdict }) => {
    const result = await resourceWith(findings);

    expect(resourceVerdict(result, failOn)).toBe(verdict);
  });

  test("failed rule without finding warns", async () => {
    const result = await resourceWith([]);
    const rules = result.rules.map((rule, index): RuleResult => (index === 0 ? { ruleId: rule.ruleId, outcome: "failed" } : rule));

    expect(resourceVerdict({ ...result, rules })).toBe("warned");
  });

  test("not-evaluated resource keeps its verdict", async () => {
    const broken = (await fileResults()).find((result) => result.status === "not-evaluated")!;

    expect(resourceVerdict(broken, "advisory")).toBe("not-evaluated");
  });
});

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseAttributeValue: true, isArray: (name) => ["testsuite", "testcase"].includes(name) });

/** Counts the resources each format shows as failing the run. */
function failingPerFormat(results: readonly ResourceResult[], failOn: FailOn) {
  const run = runOf(results, undefined, FIXED_EVIDENCE, failOn);
  const junit = xml.parse(renderJunit(run)) as { testsuites: { testsuite: { "@_failures": number }[] } };
  const sarif = JSON.parse(renderSarif(run)) as Sarif.Log;
  const erroring = new Set(
    (sarif.runs[0].results ?? [])
      .filter((result) => result.level === "error" && result.suppressions === undefined)
      .map((result) => result.locations?.[0].logicalLocations?.[0].fullyQualifiedName),
  );
  const labels = renderTable(run)
    .split("\n")
    .map((line) => /^(PASS|UNVERIFIED|WARN|FAIL|WAIVED|NOT EVALUATED) {2,}/.exec(line)?.[1])
    .filter((label) => label !== undefined);

  return {
    summary: run.summary,
    exitFailed: exitCodeFor(results, failOn) === EXIT_CODES.failed,
    junitSuites: junit.testsuites.testsuite.filter((suite) => suite["@_failures"] > 0).length,
    sarifResources: erroring.size,
    tableLabels: (label: string) => labels.filter((candidate) => candidate === label).length,
    markdown: renderMarkdown(run),
  };
}

const findingShape = fc.record({
  kind: fc.constantFrom("violation", "invalid", "unknown"),
  enforcementLevel: fc.constantFrom("advisory", "mandatory"),
  severity: fc.constantFrom("low", "medium", "high", "critical"),
  waived: fc.boolean(),
});

type FindingShape = typeof findingShape extends fc.Arbitrary<infer T> ? T : never;

describe("report agreement", () => {
  const seed = configureRunSeed();
  let evaluated: ResourceResult[];

  beforeAll(async () => {
    evaluated = (await fileResults()).filter((result) => result.status === "evaluated");
  });

  /** Gives each fixture finding a generated kind, level, severity and waiver, and keeps the rule outcomes in step. */
  const reshaped = (shapes: readonly (readonly FindingShape[])[]): ResourceResult[] =>
    evaluated.map((result, index) => {
      const findings = result.findings.map((finding, position): Finding => {
        const shape = shapes[index][position % shapes[index].length];
        const { waiver: _waiver, ...rest } = finding;
        return { ...rest, kind: shape.kind, enforcementLevel: shape.enforcementLevel, severity: shape.severity, ...(shape.waived ? { waiver: WAIVER } : {}) };
      });
      return withOutcomes({ ...result, findings });
    });

  const cases = fc.record({ shapes: fc.array(fc.array(findingShape, { minLength: 1, maxLength: 4 }), { minLength: 3, maxLength: 3 }), failOn: fc.constantFrom(...FAIL_ON_THRESHOLDS) });

  test("exit code agrees with failed count", () => {
    fc.assert(
      fc.property(cases, ({ shapes, failOn }) => {
        const formats = failingPerFormat(reshaped(shapes), failOn);
        return formats.exitFailed === formats.summary.failed > 0;
      }),
      { seed },
    );
  });

  test("JUnit failing suites equal failed count", () => {
    fc.assert(
      fc.property(cases, ({ shapes, failOn }) => {
        const formats = failingPerFormat(reshaped(shapes), failOn);
        return formats.junitSuites === formats.summary.failed;
      }),
      { seed },
    );
  });

  test("SARIF error resources equal failed count", () => {
    fc.assert(
      fc.property(cases, ({ shapes, failOn }) => {
        const formats = failingPerFormat(reshaped(shapes), failOn);
        return formats.sarifResources === formats.summary.failed;
      }),
      { seed },
    );
  });

  test("table labels equal the counts", () => {
    fc.assert(
      fc.property(cases, ({ shapes, failOn }) => {
        const { summary, tableLabels } = failingPerFormat(reshaped(shapes), failOn);
        return (
          tableLabels("FAIL") === summary.failed &&
          tableLabels("WARN") === summary.warned &&
          tableLabels("WAIVED") === summary.waived &&
          tableLabels("PASS") + tableLabels("UNVERIFIED") === summary.passed &&
          tableLabels("UNVERIFIED") === summary.unverified
        );
      }),
      { seed },
    );
  });

  test("Markdown row states the counts", () => {
    fc.assert(
      fc.property(cases, ({ shapes, failOn }) => {
        const { summary, markdown } = failingPerFormat(reshaped(shapes), failOn);
        const passed = summary.unverified === 0 ? `${summary.passed}` : `${summary.passed} (${summary.unverified} with unverified rules)`;
        return markdown.includes(`| ${summary.resources} | ${passed} | ${summary.warned} | ${summary.failed} | ${summary.waived} | ${summary.notEvaluated} |`);
      }),
      { seed },
    );
  });

  test("verdicts cover every evaluated resource once", () => {
    fc.assert(
      fc.property(cases, ({ shapes, failOn }) => {
        const { summary } = failingPerFormat(reshaped(shapes), failOn);
        return summary.passed + summary.warned + summary.failed + summary.waived === summary.evaluated;
      }),
      { seed },
    );
  });
});
