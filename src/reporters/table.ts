import type { ResourceResult } from "../findings/finding";
import { summarize } from "../findings/report";

/** Renders results for a terminal: one block per resource with findings, then the counts. */
export function renderTable(results: readonly ResourceResult[]): string {
  const lines: string[] = [];

  for (const result of results) {
    const label = resourceLabel(result);
    if (result.status === "not-evaluated") {
      lines.push(`NOT EVALUATED  ${label}`, `    ${result.reason ?? "no reason given"}`, "");
      continue;
    }
    if (result.findings.length === 0) {
      lines.push(`PASS           ${label}`);
      continue;
    }
    lines.push(`${result.findings.some((finding) => finding.enforcementLevel === "mandatory") ? "FAIL" : "WARN"}           ${label}`);
    for (const finding of result.findings) {
      const where = finding.location === undefined ? "" : ` (line ${finding.location.line})`;
      lines.push(`    ${finding.enforcementLevel.padEnd(9)} ${finding.ruleId}${where}`, `              ${finding.message}`);
    }
    lines.push("");
  }

  const summary = summarize(results);
  lines.push(
    `${summary.resources} resources: ${summary.passed} passed, ${summary.failed} failed, ${summary.notEvaluated} not evaluated; ` +
      `${summary.findings.mandatory} mandatory and ${summary.findings.advisory} advisory findings.`,
  );
  return `${lines.join("\n")}\n`;
}

function resourceLabel(result: ResourceResult): string {
  const { resource } = result;
  const parent = resource.endpointName === undefined ? "" : ` of endpoint '${resource.endpointName}'`;
  const origin = resource.file ?? resource.id ?? resource.urn ?? "";
  return `deployment '${resource.name}'${parent}${origin === "" ? "" : `  ${origin}`}`;
}
