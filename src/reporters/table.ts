import type { Finding, ResourceResult } from "../findings/finding";
import { type RunReport, resourceLabel } from "../findings/run-report";
import { describeEvidence, describeExemptionStatus, unverifiedNote } from "./evidence-text";

/** Renders a run for a terminal: one block per resource with findings, then the counts and the evidence. */
export function renderTable(run: RunReport): string {
  const lines: string[] = [];

  for (const result of run.results) {
    lines.push(...resourceBlock(result));
  }

  const { summary, checks } = run;
  lines.push(
    `${summary.resources} resources: ${summary.passed} passed${unverifiedNote(summary.unverified)}, ${summary.failed} failed, ${summary.waived} waived, ${summary.notEvaluated} not evaluated; ` +
      `${summary.findings.mandatory} mandatory, ${summary.findings.advisory} advisory and ${summary.findings.waived} waived findings.`,
    `${checks.evaluated} rule checks: ${checks.passed} passed, ${checks.failed} failed, ${checks.waived} waived, ${checks.unverified} unverified; ${checks.notEvaluated} not evaluated.`,
  );
  lines.push(...describeExemptionStatus(run.exemptions), ...describeEvidence(run.evidence));
  return `${lines.join("\n")}\n`;
}

function resourceBlock(result: ResourceResult): string[] {
  const label = `${resourceLabel(result)}  ${origin(result)}`.trimEnd();
  if (result.status === "not-evaluated") {
    return [`NOT EVALUATED  ${label}`, `    ${result.reason ?? "no reason given"}`, ""];
  }
  if (result.findings.length === 0) {
    return [`PASS           ${label}`];
  }

  const open = result.findings.filter((finding) => finding.waiver === undefined);
  const lines = [`${statusOf(open).padEnd(15)}${label}`];
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

function statusOf(open: readonly Finding[]): string {
  if (open.some((finding) => finding.enforcementLevel === "mandatory")) {
    return "FAIL";
  }
  return open.length > 0 ? "WARN" : "WAIVED";
}

function origin(result: ResourceResult): string {
  const { resource } = result;
  return resource.file ?? resource.id ?? resource.urn ?? "";
}
