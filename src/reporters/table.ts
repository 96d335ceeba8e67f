import type { ResourceResult } from "../findings/finding";
import { type FailOn, type ResourceVerdict, resourceVerdict } from "../findings/report";
import { type RunReport, resourceLabel } from "../findings/run-report";
import { describeEvidence, describeExemptionStatus, unverifiedNote } from "./evidence-text";
import { countOf, escapePlainText } from "./plain-text";

// The label of each verdict, so a resource's label and the count it adds to in the summary line always match.
const LABELS: Record<ResourceVerdict, string> = {
  passed: "PASS",
  unverified: "UNVERIFIED",
  warned: "WARN",
  failed: "FAIL",
  waived: "WAIVED",
  "not-evaluated": "NOT EVALUATED",
};

/** Renders a run for a terminal: one block per resource with findings, then the counts and the evidence. */
export function renderTable(run: RunReport): string {
  const lines: string[] = [];

  for (const result of run.results) {
    lines.push(...resourceBlock(result, run.summary.failOn));
  }

  const { summary, checks } = run;
  const totalFindings = summary.findings.mandatory + summary.findings.advisory + summary.findings.waived;
  lines.push(
    `${countOf(summary.resources, "resource")}: ${summary.passed} passed${unverifiedNote(summary.unverified)}, ${summary.warned} warned, ${summary.failed} failed, ` +
      `${summary.waived} waived, ${summary.notEvaluated} not evaluated (--fail-on ${summary.failOn}); ` +
      `${countOf(totalFindings, "finding")}: ${summary.findings.mandatory} mandatory, ${summary.findings.advisory} advisory, ${summary.findings.waived} waived.`,
    `${countOf(checks.evaluated, "rule check")}: ${checks.passed} passed, ${checks.failed} failed, ${checks.waived} waived, ${checks.unverified} unverified; ${checks.notEvaluated} not evaluated.`,
  );
  lines.push(...describeExemptionStatus(run.exemptions), ...describeEvidence(run.evidence));
  // Names, paths, messages and reasons come from the inputs, so each line is escaped where it is finished.
  return `${lines.map(escapePlainText).join("\n")}\n`;
}

function resourceBlock(result: ResourceResult, failOn: FailOn): string[] {
  const label = `${resourceLabel(result)}  ${origin(result)}`.trimEnd();
  const status = LABELS[resourceVerdict(result, failOn)].padEnd(15);
  if (result.status === "not-evaluated") {
    return [`${status}${label}`, `    ${result.reason ?? "no reason given"}`, ""];
  }
  if (result.findings.length === 0) {
    return [`${status}${label}`];
  }

  const lines = [`${status}${label}`];
  for (const finding of result.findings) {
    const where = finding.location === undefined ? "" : ` (line ${finding.location.line})`;
    const level = finding.waiver === undefined ? finding.enforcementLevel : "waived";
    lines.push(`    ${level.padEnd(9)} ${finding.ruleId}${where}`, `              ${finding.message}`);
    if (finding.waiver !== undefined) {
      lines.push(`              Waived until ${finding.waiver.expires} (owner ${finding.waiver.owner}): ${finding.waiver.reason}`);
    }
  }
  lines.push("");
  return lines;
}

function origin(result: ResourceResult): string {
  const { resource } = result;
  return resource.file ?? resource.id ?? resource.urn ?? "";
}

