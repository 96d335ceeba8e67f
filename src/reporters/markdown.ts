import type { Finding, ResourceResult } from "../findings/finding";
import { reachesFailOn } from "../findings/report";
import { type RunReport, resourceLabel } from "../findings/run-report";
import { describeEntry, describeEvidence, unverifiedNote } from "./evidence-text";
import { escapePlainText } from "./plain-text";

// GitHub rejects pull-request comments longer than 65,536 characters, so each rule's table stops at this many
// rows and states how many it left out. The JSON and SARIF reports keep every finding.
const MAX_ROWS_PER_RULE = 50;

/** A JSON or SARIF report that the same run writes, which lists every finding. */
export interface CompleteReport {
  readonly format: "json" | "sarif";
  /** The report's file, or undefined for stdout. */
  readonly file?: string;
}

export interface MarkdownOptions {
  /** The JSON and SARIF reports the run writes, which the text names for the findings a table leaves out. */
  readonly completeReports?: readonly CompleteReport[];
}

/**
 * Renders a run as GitHub-flavoured Markdown for a pull-request comment or $GITHUB_STEP_SUMMARY: the counts,
 * then open findings grouped by rule, waived findings, resources not evaluated, exemption problems and the evidence.
 */
export function renderMarkdown(run: RunReport, options: MarkdownOptions = {}): string {
  const { summary, checks } = run;
  const lines: string[] = [
    `## amlguard: ${verdict(run)}`,
    "",
    "| Resources | Passed | Warned | Failed | Waived | Not evaluated |",
    "| ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ${summary.resources} | ${summary.passed}${unverifiedNote(summary.unverified)} | ${summary.warned} | ${summary.failed} | ${summary.waived} | ${summary.notEvaluated} |`,
    "",
    `Failed resources have a finding that reaches \`--fail-on ${summary.failOn}\` and fail the run. Warned resources have findings below it.`,
    "",
    `Rule checks: ${checks.evaluated} evaluated, ${checks.passed} passed, ${checks.failed} failed, ${checks.waived} waived, ${checks.unverified} unverified, ${checks.notEvaluated} not evaluated. ` +
      `Open findings: ${summary.findings.mandatory} mandatory, ${summary.findings.advisory} advisory.`,
    "",
  ];

  const open = findingsBy(run.results, (finding) => finding.waiver === undefined);
  for (const rule of run.rules) {
    const rows = open.filter(({ finding }) => finding.ruleId === rule.id);
    if (rows.length === 0) {
      continue;
    }
    lines.push(`### [${rule.id}](${rule.helpUri}) (${rule.severity}): ${rows.length} finding${rows.length === 1 ? "" : "s"}`, "");
    lines.push("| Level | Resource | Field | Actual | Limit | Message |", "| --- | --- | --- | --- | --- | --- |");
    for (const { result, finding } of rows.slice(0, MAX_ROWS_PER_RULE)) {
      const level = finding.kind === "unknown" ? `${finding.enforcementLevel} (unknown value)` : finding.enforcementLevel;
      lines.push(row([level, resourceCell(result, finding), valueCell(finding.path), valueCell(finding.actual), valueCell(finding.limit), finding.message]));
    }
    if (rows.length > MAX_ROWS_PER_RULE) {
      lines.push("", leftOutFindings(rows.length - MAX_ROWS_PER_RULE, options.completeReports ?? []));
    }
    lines.push("");
  }

  const waived = findingsBy(run.results, (finding) => finding.waiver !== undefined);
  if (waived.length > 0) {
    lines.push(`### Waived findings: ${waived.length}`, "", "| Rule | Resource | Owner | Expires | Reason |", "| --- | --- | --- | --- | --- |");
    for (const { result, finding } of waived) {
      const waiver = finding.waiver!;
      lines.push(row([finding.ruleId, resourceCell(result, finding), waiver.owner, waiver.expires, waiver.reason]));
    }
    lines.push("");
  }

  const notEvaluated = run.results.filter((result) => result.status === "not-evaluated");
  if (notEvaluated.length > 0) {
    lines.push(`### Not evaluated: ${notEvaluated.length}`, "", "| Resource | Reason |", "| --- | --- |");
    for (const result of notEvaluated) {
      lines.push(row([resourceCell(result, undefined), result.reason ?? "no reason given"]));
    }
    lines.push("");
  }

  const exemptionProblems = [
    ...(run.exemptions?.expired ?? []).map((entry) => `- Expired: ${escapeInline(describeEntry(entry))}`),
    ...(run.exemptions?.unused ?? []).map((entry) => `- Unused: ${escapeInline(describeEntry(entry))}`),
  ];
  if (exemptionProblems.length > 0) {
    lines.push("### Exemptions to review", "", ...exemptionProblems, "");
  }

  lines.push("<details><summary>Evidence</summary>", "", ...describeEvidence(run.evidence).map((line) => `- ${escapeInline(line)}`), "", "</details>");
  return `${lines.join("\n")}\n`;
}

/** States how many findings a rule's table left out, and where to find them: a report of this run, or how to write one. */
function leftOutFindings(count: number, reports: readonly CompleteReport[]): string {
  const findings = count === 1 ? "1 more finding of this rule is" : `${count} more findings of this rule are`;
  if (reports.length === 0) {
    return `${findings} not shown here. To list every finding, write a JSON report with \`--output json=FILE\`.`;
  }
  const names = reports.map((report) => `the ${report.format === "json" ? "JSON" : "SARIF"} report ${report.file === undefined ? "on stdout" : code(report.file).markdown}`);
  return `${findings} in ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`}.`;
}

/**
 * Names the run's outcome. A value not known until deployment leaves its rule unverified, which is not a pass,
 * and when it reaches `--fail-on` (such as `unknownValues: mandatory` under the default) it fails the run.
 */
function verdict({ summary, checks, results, evidence }: RunReport): string {
  if (summary.failed > 0) {
    const failing = results.flatMap((result) => result.findings.filter((finding) => reachesFailOn(finding, summary.failOn)));
    if (failing.some((finding) => finding.kind !== "unknown")) {
      return "limits violated";
    }
    return failing.every((finding) => finding.enforcementLevel === "mandatory") ? "mandatory values not known" : `values not known (--fail-on ${summary.failOn})`;
  }
  if (summary.notEvaluated > 0 || (evidence.incomplete ?? []).length > 0) {
    return "incomplete";
  }
  if (summary.warned > 0) {
    return "no failure, some warnings";
  }
  if (checks.unverified > 0) {
    return "no violation, some values not known";
  }
  return summary.findings.waived > 0 ? "no open violation, some findings waived" : "all limits met";
}

function findingsBy(results: readonly ResourceResult[], keep: (finding: Finding) => boolean): { result: ResourceResult; finding: Finding }[] {
  return results.flatMap((result) => result.findings.filter(keep).map((finding) => ({ result, finding })));
}

function resourceCell(result: ResourceResult, finding: Finding | undefined): Cell {
  const { resource } = result;
  const where = resource.file === undefined ? (resource.id ?? resource.urn ?? "") : `${resource.file}${finding?.location === undefined ? "" : `:${finding.location.line}`}`;
  return { markdown: `${escapeCell(resourceLabel(result))}${where === "" ? "" : ` ${code(where).markdown}`}` };
}

// An event log carries no path, value or limit, and an unknown value has none either: the cell shows a dash.
function valueCell(value: Finding["actual"]): string | Cell {
  return value === null || value === "" ? "—" : code(String(value));
}

/**
 * Marks text as a code span, which GitHub shows verbatim. A CommonMark code span ends at the next backtick run as
 * long as the one that opened it, so the fence is one backtick longer than any run in the text.
 * A pipe would end the table cell, so it is escaped, which GitHub undoes inside code spans too.
 */
function code(text: string): Cell {
  const content = escapePlainText(text.replace(/\r\n|\r|\n/g, " ")).replace(/\|/g, "\\|");
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  return { markdown: `${fence}${codeSpanPadding(content)}${content}${codeSpanPadding(content)}${fence}` };
}

// A backtick next to the fence would lengthen it, so a space separates the two. CommonMark then strips one space
// from each end of a code span that starts and ends with a space and is not all spaces, so such text is padded too
// and keeps its own spaces.
function codeSpanPadding(content: string): string {
  const touchesFence = content.startsWith("`") || content.endsWith("`");
  const losesEdgeSpaces = content.startsWith(" ") && content.endsWith(" ") && /[^ ]/.test(content);
  return touchesFence || losesEdgeSpaces ? " " : "";
}

/** A cell that is already Markdown, as opposed to a string, which is plain text and is escaped. */
interface Cell {
  readonly markdown: string;
}

function row(cells: readonly (string | Cell)[]): string {
  return `| ${cells.map((cell) => (typeof cell === "string" ? escapeCell(cell) : cell.markdown)).join(" | ")} |`;
}

/** Escapes a table cell: a pipe ends the cell and a line break ends the row, so both are replaced. */
function escapeCell(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => escapeInline(line).replace(/\|/g, "\\|"))
    .join("<br>");
}

// A `@user` or `@org/team` mention notifies people, and GitHub turns a bare URL or `www.` address into a link. In a
// code span neither happens, so such words from the inputs are shown as code. An `@` after a letter or digit, as in
// an email address, mentions no one. Quotes and trailing punctuation stay outside the link, as GitHub leaves them.
const MENTION_OR_LINK = /(?<![\p{L}\p{N}_])@[\p{L}\p{N}_-]+(?:\/[\p{L}\p{N}_.-]+)?|\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)(?:[^\s<>|`'"]*[^\s<>|`'".,;:!?)])?/giu;

function escapeInline(text: string): string {
  const plain = escapePlainText(text);
  let markdown = "";
  let last = 0;
  for (const match of plain.matchAll(MENTION_OR_LINK)) {
    markdown += escapeText(plain.slice(last, match.index)) + code(match[0]).markdown;
    last = match.index + match[0].length;
  }
  return markdown + escapeText(plain.slice(last));
}

// An escaped backtick opens and closes no code span, so a backtick in the text cannot pair with the fence of a
// code span added around a mention or link next to it.
function escapeText(text: string): string {
  return escapeHtml(text).replace(/([\\`*_[\]#])/g, "\\$1");
}

// GitHub renders some HTML in comments, so angle brackets from messages must not become tags.
function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
