import type { InputFileEvidence, RunEvidence, RunScope, ShardEvidence } from "../findings/run-report";
import type { ExemptionStatus, ExemptionUse } from "../exemptions/exemption";
import { countOf } from "./plain-text";

/** Describes the evidence of a run in plain lines, for the table and Markdown reports. */
export function describeEvidence(evidence: RunEvidence): string[] {
  const { tool, scope } = evidence;
  const lines = [
    `Tool: ${tool.name} ${tool.version}, rule catalogue ${tool.ruleCatalogueVersion}, command ${evidence.command}.`,
    `Limits: ${describeLimits(evidence)}.`,
  ];
  if (scope.files !== undefined) {
    lines.push(`Files: ${scope.files.map((file) => withHash(file, inputHash(evidence, "checked", file))).join(", ")}.`);
  }
  for (const input of (evidence.inputs ?? []).filter((candidate) => candidate.role === "parameters")) {
    lines.push(`Parameters file: ${withHash(input.file, input.sha256 ?? "unknown")}.`);
  }
  if (scope.subscriptions !== undefined) {
    lines.push(`Subscriptions: ${scope.subscriptions.join(", ")}${describeNarrowing(scope)}.`);
  }
  if (scope.deploymentIds !== undefined) {
    lines.push(`Deployments: ${scope.deploymentIds.join(", ")}.`);
  }
  if (scope.source !== undefined) {
    lines.push(`Listing source: ${describeSource(scope.source)}.`);
  }
  if (scope.armEndpoint !== undefined) {
    lines.push(`Resource Manager endpoint: ${scope.armEndpoint}${scope.apiVersion === undefined ? "" : `, api-version ${scope.apiVersion}`}.`);
  }
  if (scope.stack !== undefined) {
    lines.push(`Stack: ${scope.stack}.`);
  }
  if (scope.eventLog !== undefined) {
    lines.push(`Pulumi event log: ${scope.eventLog}${scope.eventLogSha256 === undefined ? "" : ` (SHA-256 ${scope.eventLogSha256})`}.`);
  }
  if (scope.policyPacks !== undefined) {
    const packs = Object.entries(scope.policyPacks).map(([name, version]) => `${name} ${version}`);
    lines.push(`Policy packs: ${packs.length === 0 ? "none recorded" : packs.join(", ")}.`);
  }
  lines.push(`Started ${evidence.startedAt}, ended ${evidence.endedAt}.`);
  for (const reason of evidence.incomplete ?? []) {
    lines.push(`Incomplete: ${reason}.`);
  }
  for (const shard of evidence.shards ?? []) {
    lines.push(...describeShards(shard));
  }
  return lines;
}

/** Describes a shard and, when it is itself a merged report, each shard it merged. */
function describeShards(shard: ShardEvidence, mergedInto?: string): string[] {
  return [describeShard(shard, mergedInto), ...(shard.shards ?? []).flatMap((inner) => describeShards(inner, shard.file))];
}

// The SHA-256 the evidence records for a file of a role, if any. Reports of version 1.3 or older record none.
function inputHash(evidence: RunEvidence, role: InputFileEvidence["role"], file: string): string | undefined {
  return evidence.inputs?.find((input) => input.role === role && input.file === file)?.sha256;
}

function withHash(file: string, sha256: string | undefined): string {
  return sha256 === undefined ? file : `${file} (SHA-256 ${sha256})`;
}

/** Describes one shard of a merged report: its file and hash, tool, limits, scope, files read, counts and times. */
function describeShard(shard: ShardEvidence, mergedInto: string | undefined): string {
  const scope = [
    ...(shard.scope.subscriptions === undefined ? [] : [`subscriptions ${shard.scope.subscriptions.join(", ")}${describeNarrowing(shard.scope)}`]),
    ...(shard.scope.deploymentIds === undefined ? [] : [`deployments ${shard.scope.deploymentIds.join(", ")}`]),
    ...(shard.scope.source === undefined ? [] : [`listing source ${shard.scope.source}`]),
    ...(shard.scope.armEndpoint === undefined ? [] : [`endpoint ${shard.scope.armEndpoint}${shard.scope.apiVersion === undefined ? "" : ` api-version ${shard.scope.apiVersion}`}`]),
    ...(shard.scope.files === undefined ? [] : [`files ${shard.scope.files.join(", ")}`]),
    ...(shard.scope.stack === undefined ? [] : [`stack ${shard.scope.stack}`]),
  ];
  const inputs = (shard.inputs ?? []).map((input) => `${input.role} ${withHash(input.file, input.sha256)}`);
  const { counts } = shard;
  return (
    `Shard ${shard.file} (SHA-256 ${shard.sha256})${mergedInto === undefined ? "" : `, merged into ${mergedInto}`}: ` +
    `${shard.tool.name} ${shard.tool.version}, rule catalogue ${shard.tool.ruleCatalogueVersion}, ` +
    `command ${shard.command}, limits ${describeLimits(shard)}, ${scope.length === 0 ? "scope not recorded" : scope.join("; ")}; ` +
    `${inputs.length === 0 ? "" : `read ${inputs.join(", ")}; `}` +
    `${countOf(counts.resources, "resource")}, ${counts.evaluated} evaluated, ${describeShardFailures(counts)}, ${counts.notEvaluated} not evaluated; ` +
    `started ${shard.startedAt}, ended ${shard.endedAt}.`
  );
}

/**
 * Describes the resource group, workspace and endpoint an audit of subscriptions was narrowed to, so a report of
 * one resource group does not read as an audit of whole subscriptions. Returns an empty string when none is set.
 */
function describeNarrowing(scope: RunScope): string {
  if (scope.resourceGroup === undefined) {
    return "";
  }
  const workspace = scope.workspace === undefined ? "" : `, workspace ${scope.workspace}`;
  const endpoint = scope.endpoint === undefined ? "" : `, online endpoint ${scope.endpoint}`;
  return ` (only resource group ${scope.resourceGroup}${workspace}${endpoint})`;
}

function describeSource(source: string): string {
  if (source === "arm") {
    return "arm (ARM listings of workspaces, online endpoints and deployments)";
  }
  if (source === "resource-graph") {
    return "resource-graph (an Azure Resource Graph query)";
  }
  return source;
}

// Shards of JSON report version 1.2 or older record neither the warned count nor the threshold of the failed one.
// Every verdict is named, so a shard whose resources were all waived does not read as all passed.
function describeShardFailures(counts: ShardEvidence["counts"]): string {
  const warned = counts.warned === undefined ? "" : `${counts.warned} warned, `;
  const threshold = counts.failOn === undefined ? "" : ` (--fail-on ${counts.failOn})`;
  return `${counts.passed} passed, ${warned}${counts.failed} failed${threshold}, ${counts.waived} waived`;
}

function describeLimits(evidence: Pick<RunEvidence, "limits">): string {
  const { limits } = evidence;
  if (limits.source === "built-in") {
    return "built-in defaults";
  }
  if (limits.source === "not-recorded") {
    return "not recorded in the event log (pass --policy-pack-config to state them)";
  }
  return `${limits.file ?? "file"} (SHA-256 ${limits.sha256 ?? "unknown"})`;
}

/** Describes the exemption entries that expired or matched nothing, which need an owner's attention. */
export function describeExemptionStatus(status: ExemptionStatus | undefined): string[] {
  if (status === undefined) {
    return [];
  }
  const source = status.file === undefined ? "" : ` from ${status.file} (SHA-256 ${status.sha256 ?? "unknown"})`;
  const lines = [`Exemptions${source}: ${countOf(status.entries, "entry", "entries")}, ${status.applied.length} applied, ${status.expired.length} expired, ${status.unused.length} unused.`];
  for (const entry of status.expired) {
    lines.push(`  Expired: ${describeEntry(entry)}; it no longer waives anything.`);
  }
  for (const entry of status.unused) {
    lines.push(`  Unused: ${describeEntry(entry)}; it matched no finding.`);
  }
  return lines;
}

/** Describes one entry: `entry 2 (resource '...', rules a, b, owner x, expires 2026-12-31)`. */
export function describeEntry(entry: ExemptionUse): string {
  const rules = entry.rules === "*" ? "all rules" : `rules ${entry.rules.join(", ")}`;
  return `entry ${entry.index} (resource '${entry.resource}', ${rules}, owner ${entry.owner}, expires ${entry.expires})`;
}

/** Returns a note on how many passed resources have unverified rules, or an empty string when none do. */
export function unverifiedNote(unverified: number): string {
  return unverified === 0 ? "" : ` (${unverified} with unverified rules)`;
}
