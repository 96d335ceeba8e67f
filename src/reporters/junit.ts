import { XMLBuilder } from "fast-xml-parser";
import type { Finding, ResourceResult, RuleResult } from "../findings/finding";
import { type FailOn, reachesFailOn } from "../findings/report";
import { type RunReport, compareText, resourceKey, resourceLabel } from "../findings/run-report";
import { xmlAttribute, xmlText } from "./xml-text";

type XmlNode = Record<string, unknown>;

interface CaseOutcome {
  readonly failure?: { readonly message: string; readonly type: string; readonly text: string };
  /** A check that did not run on a resource that was not evaluated, which makes the run exit 3. */
  readonly error?: string;
  readonly skipped?: string;
}

/**
 * Renders a run as JUnit XML: one test suite per resource and one test case per rule on it, passes included.
 * A test case fails when one of its findings reaches `failOn`, by default the run's own threshold. That threshold
 * sets the exit code and the summary's failed count, so a CI system that fails on failed tests agrees with both.
 * A test case is skipped when its findings stay below that threshold or are waived, or when the rule is disabled
 * or not applicable. A resource that was not evaluated gets one error case per catalogue rule, so the counts
 * cover every check, and a test view shows the run that exited 3 as not passed.
 */
export function renderJunit(run: RunReport, failOn: FailOn = run.summary.failOn): string {
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;

  const suites = run.results.map((result) => {
    const cases = testCases(run, result, failOn);
    tests += cases.length;
    failures += cases.filter(({ outcome }) => outcome.failure !== undefined).length;
    errors += cases.filter(({ outcome }) => outcome.error !== undefined).length;
    skipped += cases.filter(({ outcome }) => outcome.skipped !== undefined).length;
    return suiteNode(run, result, cases);
  });
  // A run that may have missed resources gets a suite of its own with one error per reason, so a test view does
  // not show a run that exited 3 as complete.
  const incomplete = run.evidence.incomplete ?? [];
  if (incomplete.length > 0) {
    tests += incomplete.length;
    errors += incomplete.length;
    suites.push(incompleteSuite(run, incomplete));
  }

  const document = {
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    testsuites: {
      "@_name": run.evidence.tool.name,
      "@_tests": tests,
      "@_failures": failures,
      "@_errors": errors,
      "@_skipped": skipped,
      "@_time": durationSeconds(run),
      "@_timestamp": run.evidence.startedAt,
      testsuite: suites,
    },
  };

  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", format: true, suppressEmptyNode: true });
  return `${builder.build(document) as string}`.replace(/\n?$/, "\n");
}

function testCases(run: RunReport, result: ResourceResult, failOn: FailOn): { ruleId: string; outcome: CaseOutcome }[] {
  if (result.status === "not-evaluated") {
    const errorText = `Not evaluated: ${result.reason ?? "no reason given"}`;
    return run.rules.map((rule) => ({ ruleId: rule.id, outcome: { error: errorText } }));
  }
  return [...result.rules]
    .sort((a, b) => compareText(a.ruleId, b.ruleId))
    .map((rule) => ({ ruleId: rule.ruleId, outcome: caseOutcome(rule, result.findings.filter((finding) => finding.ruleId === rule.ruleId), failOn) }));
}

function caseOutcome(rule: RuleResult, findings: readonly Finding[], failOn: FailOn): CaseOutcome {
  switch (rule.outcome) {
    case "passed":
      return {};
    case "disabled":
      return { skipped: "Disabled by the limits file." };
    case "not-applicable":
      return { skipped: `Not applicable: ${rule.reason ?? "no reason given"}` };
    default:
      break;
  }

  const failing = findings.filter((finding) => reachesFailOn(finding, failOn));
  if (failing.length > 0) {
    return {
      failure: {
        message: failing[0].message,
        type: rule.ruleId,
        text: failing.map(describeFinding).join("\n"),
      },
    };
  }

  const waived = findings.find((finding) => finding.waiver !== undefined);
  if (waived?.waiver !== undefined && findings.every((finding) => finding.waiver !== undefined)) {
    const { waiver } = waived;
    return { skipped: `Waived by exemption ${waiver.exemptionIndex} until ${waiver.expires} (owner ${waiver.owner}): ${waiver.reason}` };
  }
  const below = findings.filter((finding) => finding.waiver === undefined);
  return { skipped: `Below --fail-on ${failOn}: ${below.map((finding) => finding.message).join(" ")}` };
}

function describeFinding(finding: Finding): string {
  const where = finding.location === undefined ? "" : ` (line ${finding.location.line}, column ${finding.location.column})`;
  return `[${finding.enforcementLevel}, ${finding.severity}] ${finding.path}${where}: ${finding.message}`;
}

function suiteNode(run: RunReport, result: ResourceResult, cases: readonly { ruleId: string; outcome: CaseOutcome }[]): XmlNode {
  const key = suiteName(result);
  const properties: [string, string | undefined][] = [
    ["resource.id", result.resource.id],
    ["resource.urn", result.resource.urn],
    ["resource.file", result.resource.file],
    ["resource.status", result.status],
    ["tool.version", run.evidence.tool.version],
    ["ruleCatalogueVersion", run.evidence.tool.ruleCatalogueVersion],
    // Which limits judged the run: a file (with its SHA-256), the built-in defaults, or not recorded.
    ["limits.source", run.evidence.limits.source],
    ["limits.sha256", run.evidence.limits.sha256],
  ];

  return {
    "@_name": xmlAttribute(key),
    "@_tests": cases.length,
    "@_failures": cases.filter(({ outcome }) => outcome.failure !== undefined).length,
    "@_errors": cases.filter(({ outcome }) => outcome.error !== undefined).length,
    "@_skipped": cases.filter(({ outcome }) => outcome.skipped !== undefined).length,
    "@_time": 0,
    properties: {
      property: properties
        .filter((entry): entry is [string, string] => entry[1] !== undefined)
        .map(([name, value]) => ({ "@_name": name, "@_value": xmlAttribute(value) })),
    },
    testcase: cases.map(({ ruleId, outcome }) => ({
      "@_name": xmlAttribute(ruleId),
      "@_classname": xmlAttribute(key),
      "@_time": 0,
      ...(outcome.failure === undefined
        ? {}
        : { failure: { "@_message": xmlAttribute(outcome.failure.message), "@_type": xmlAttribute(outcome.failure.type), "#text": xmlText(outcome.failure.text) } }),
      ...(outcome.error === undefined ? {} : { error: { "@_message": xmlAttribute(outcome.error), "@_type": "not-evaluated" } }),
      ...(outcome.skipped === undefined ? {} : { skipped: { "@_message": xmlAttribute(outcome.skipped) } }),
    })),
  };
}

function incompleteSuite(run: RunReport, reasons: readonly string[]): XmlNode {
  const name = "run completeness";
  return {
    "@_name": name,
    "@_tests": reasons.length,
    "@_failures": 0,
    "@_errors": reasons.length,
    "@_skipped": 0,
    "@_time": 0,
    properties: {
      property: [
        { "@_name": "tool.version", "@_value": xmlAttribute(run.evidence.tool.version) },
        { "@_name": "ruleCatalogueVersion", "@_value": xmlAttribute(run.evidence.tool.ruleCatalogueVersion) },
      ],
    },
    testcase: reasons.map((reason, index) => ({
      "@_name": `incomplete ${index + 1}`,
      "@_classname": name,
      "@_time": 0,
      error: { "@_message": xmlAttribute(`The run may have missed resources: ${reason}.`), "@_type": "incomplete" },
    })),
  };
}

function suiteName(result: ResourceResult): string {
  const origin = result.resource.id ?? result.resource.urn ?? (result.resource.file === undefined ? resourceKey(result) : `${result.resource.file}: ${resourceLabel(result)}`);
  return origin;
}

function durationSeconds(run: RunReport): string {
  const milliseconds = Date.parse(run.evidence.endedAt) - Date.parse(run.evidence.startedAt);
  return Number.isFinite(milliseconds) && milliseconds >= 0 ? (milliseconds / 1000).toFixed(3) : "0";
}
