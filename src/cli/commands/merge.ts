import { createHash } from "node:crypto";
import * as z from "zod";
import type { ExemptionStatus, ExemptionUse } from "../../exemptions/exemption";
import type { Finding, ResourceResult } from "../../findings/finding";
import { valueAt } from "../../config/limits";
import { EXIT_CODES, FAIL_ON_THRESHOLDS, exitCodeFor } from "../../findings/report";
import type { LimitsEvidence, RunScope, ShardEvidence, ShardInputEvidence } from "../../findings/run-report";
import { escapePlainText } from "../../reporters/plain-text";
import { RULE_CATALOGUE_VERSION } from "../../rules/index";
import { InputError, readTextFile } from "../../sources/files";
import { TOOL_VERSION } from "../../version";
import { type ReportCliOptions, completeRun } from "../output";
import { writeError } from "../stderr";
import { shardInconsistency } from "./shard-consistency";
import { exemptionsInconsistency, listedUses, waiverChoiceInconsistency, waiversInconsistency } from "./shard-exemptions";
import { levelInconsistency } from "./shard-levels";
import { findOverlap, findScopeOverlap } from "./shard-overlap";

/** Raised when shards cannot be merged into one honest report; the CLI names the files and exits 2. */
export class MergeError extends Error {}

const SHA256 = z.string().regex(/^[0-9a-f]{64}$/, { message: "must be a SHA-256 in hexadecimal" });
const TIME = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date and time" });

// The parts of a shard that are copied into the merged report strip unknown keys, so a shard cannot carry data
// that amlguard never writes (or data nested too deep to write) into the merged report.
const CountsSchema = z.object({
  resources: z.number().int().nonnegative(),
  evaluated: z.number().int().nonnegative(),
  notEvaluated: z.number().int().nonnegative(),
  passed: z.number().int().nonnegative(),
  // Added in JSON report version 1.3.
  warned: z.number().int().nonnegative().optional(),
  failed: z.number().int().nonnegative(),
  waived: z.number().int().nonnegative(),
  failOn: z.enum(FAIL_ON_THRESHOLDS).optional(),
});

const ToolSchema = z.object({ name: z.string(), version: z.string(), ruleCatalogueVersion: z.string() });
const LimitsSchema = z.object({ source: z.enum(["file", "built-in", "not-recorded"]), file: z.string().optional(), sha256: SHA256.optional() });
const ScopeSchema = z.object({
  files: z.array(z.string()).optional(),
  subscriptions: z.array(z.string()).optional(),
  // Added in JSON report version 1.4. Any listing source, so a shard from a newer amlguard with another source still merges.
  resourceGroup: z.string().optional(),
  workspace: z.string().optional(),
  endpoint: z.string().optional(),
  deploymentIds: z.array(z.string()).optional(),
  source: z.string().optional(),
  // Added in JSON report version 1.6.
  armEndpoint: z.string().optional(),
  apiVersion: z.string().optional(),
  stack: z.string().optional(),
  eventLog: z.string().optional(),
  eventLogSha256: SHA256.optional(),
  policyPacks: z.record(z.string(), z.string()).optional(),
});

const InputSchema = z.object({ file: z.string(), role: z.string(), sha256: SHA256.optional(), realPath: z.string().optional() });

// The evidence of a run, as a report states it and as a merged report keeps it for each shard.
const RUN_EVIDENCE = {
  tool: ToolSchema,
  command: z.enum(["check", "audit", "report"]),
  limits: LimitsSchema,
  scope: ScopeSchema,
  // Reports before 1.5 record no realPath, and reports before 1.4 record no inputs.
  inputs: z.array(InputSchema).optional(),
  startedAt: TIME,
  endedAt: TIME,
};

// A merged report's evidence of one shard. A shard that is itself a merged report lists its own shards (1.7).
const ShardEvidenceSchema: z.ZodType<ShardEvidence> = z.lazy(() =>
  z.object({
    file: z.string(),
    sha256: SHA256,
    ...RUN_EVIDENCE,
    counts: CountsSchema,
    shards: z.array(ShardEvidenceSchema).optional(),
  }),
);

const FindingSchema = z.looseObject({
  ruleId: z.string(),
  severity: z.enum(["low", "medium", "high", "critical"]),
  enforcementLevel: z.enum(["advisory", "mandatory"]),
  kind: z.enum(["violation", "invalid", "unknown"]),
  path: z.string(),
  actual: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  actualIsDefault: z.boolean(),
  limit: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  message: z.string(),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
  waiver: z
    .object({ exemptionIndex: z.number().int().nonnegative(), resourcePattern: z.string(), reason: z.string(), owner: z.string(), expires: z.string() })
    .optional(),
});

const ResourceSchema = z.looseObject({
  id: z.string().optional(),
  urn: z.string().optional(),
  name: z.string(),
  endpointName: z.string().optional(),
  // Added in JSON report version 1.8.
  workspaceName: z.string().optional(),
  type: z.string().optional(),
  // Any source kind, so a shard from a newer amlguard with another source still merges.
  source: z.string(),
  file: z.string().optional(),
  computeType: z.enum(["Managed", "Kubernetes"]).optional(),
  status: z.enum(["evaluated", "not-evaluated"]),
  reason: z.string().optional(),
  findings: z.array(FindingSchema),
  rules: z.array(
    z.looseObject({
      ruleId: z.string(),
      outcome: z.enum(["passed", "failed", "unverified", "not-applicable", "disabled"]),
      reason: z.string().optional(),
      waived: z.boolean().optional(),
    }),
  ),
});

const ExemptionUseSchema = z.object({
  index: z.number().int().nonnegative(),
  resource: z.string(),
  rules: z.union([z.literal("*"), z.array(z.string())]),
  owner: z.string(),
  expires: z.string(),
  waivedFindings: z.number().int().nonnegative(),
});

const ShardSchema = z.looseObject({
  schemaVersion: z.string().regex(/^1\.\d+$/, { message: "must be a 1.x JSON report version" }),
  tool: ToolSchema,
  evidence: z.looseObject({
    ...RUN_EVIDENCE,
    // Present when the shard is itself a merged report.
    shards: z.array(ShardEvidenceSchema).optional(),
    // Added in JSON report version 1.7.
    incomplete: z.array(z.string().min(1).regex(/^[^\r\n]*$/, { message: "must be one line" })).optional(),
  }),
  resources: z.array(ResourceSchema),
  summary: CountsSchema,
  exemptions: z
    .looseObject({
      file: z.string().optional(),
      sha256: SHA256.optional(),
      entries: z.number().int().nonnegative(),
      limitsFileEntries: z.number().int().nonnegative().optional(),
      applied: z.array(ExemptionUseSchema),
      expired: z.array(ExemptionUseSchema),
      unused: z.array(ExemptionUseSchema),
    })
    .optional(),
});

type Shard = z.infer<typeof ShardSchema>;

interface LoadedShard {
  readonly file: string;
  readonly sha256: string;
  readonly report: Shard;
  /** The report's resources turned back into results, once, for the checks and the merge. */
  readonly results: readonly ResourceResult[];
}

/**
 * `amlguard report --merge FILE...`: merges the JSON reports of shards (for example one CI job per group of
 * subscriptions) into one report in every format, with each shard's evidence. Shards must share the limits and
 * the rule catalogue of this amlguard, and no resource may appear in two shards.
 */
export async function runMerge(files: readonly string[], options: ReportCliOptions): Promise<number> {
  let shards: LoadedShard[];
  try {
    shards = await Promise.all(files.map(loadShard));
    checkCompatible(shards);
  } catch (error) {
    if (error instanceof MergeError) {
      writeError(error.message);
      return EXIT_CODES.usage;
    }
    throw error;
  }

  const shardEvidence = shards.map(evidenceOf);
  const toolVersions = new Set(shardEvidence.map((shard) => shard.tool.version));
  if (toolVersions.size > 1 || !toolVersions.has(TOOL_VERSION)) {
    writeError(
      `the shards were written by amlguard ${[...toolVersions].join(", ")} and are merged by ${TOOL_VERSION}; each shard's version is kept in the evidence.`,
    );
  }

  const merged = mergeResults(shards);
  const shardExemptions = mergeExemptionStatus(shards);
  if (shardExemptions !== undefined && options.exemptions !== undefined) {
    const source = shardExemptions.file === undefined ? "the exemptions entries of their limits file" : shardExemptions.file;
    // Limits-file entries apply whenever a shard judges with that file, so they must move out of it before
    // --exemptions can apply at merge time.
    const fix =
      (shardExemptions.limitsFileEntries ?? 0) > 0
        ? "Move exemptions.entries out of the limits file and run the shards again to apply --exemptions when merging, or merge without --exemptions."
        : "Run the shards without exemptions to apply --exemptions when merging, or merge without --exemptions.";
    writeError(`the shards already applied exemptions from ${source}, and --exemptions ${options.exemptions} would apply others on top. ${fix}`);
    return EXIT_CODES.usage;
  }
  // A shard that may have missed resources leaves the merged report incomplete as well.
  const incomplete = shards.flatMap((shard) => (shard.report.evidence.incomplete ?? []).map((reason) => `${escapePlainText(shard.file)}: ${reason}`));
  for (const reason of incomplete) {
    writeError(`shard ${reason}; the merged report counts as incomplete.`);
  }
  // Only event-log reports without --policy-pack-config record no limits, and a merge of them with others was
  // rejected above as a merge of different limits.
  if (shards.length > 1 && shards[0].report.evidence.limits.source === "not-recorded") {
    writeError(
      "notice: the shards record no limits (event logs read without --policy-pack-config), so the merge cannot check that they used the same limits, " +
        "and the merged report records none. Write each shard with --policy-pack-config set to the file its preview used.",
    );
  }
  const { run, written } = await completeRun({
    command: "report",
    evaluated: merged,
    options,
    limits: shardEvidence[0].limits,
    limitsFileExemptions: [],
    scope: mergedScope(shardEvidence.map((shard) => shard.scope)),
    startedAt: new Date(),
    recordedTimes: { startedAt: earliest(shardEvidence.map((shard) => shard.startedAt)), endedAt: latest(shardEvidence.map((shard) => shard.endedAt)) },
    shards: shardEvidence,
    ...(shardExemptions === undefined ? {} : { appliedExemptions: shardExemptions }),
    incomplete,
  });
  if (!written) {
    return EXIT_CODES.usage;
  }
  const code = exitCodeFor(run.results, options.failOn);
  return code === EXIT_CODES.ok && incomplete.length > 0 ? EXIT_CODES.incomplete : code;
}

async function loadShard(file: string): Promise<LoadedShard> {
  let bytes: Buffer;
  let text: string;
  try {
    ({ bytes, text } = await readTextFile(file, `shard report ${file}`));
  } catch (error) {
    throw error instanceof InputError ? new MergeError(error.message) : error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MergeError(`${file} is not JSON (${(error as Error).message}); --merge takes reports written with --format json or --output json=FILE.`);
  }
  // Merging adds one level, so a report already at the limit is rejected rather than written past it.
  if (shardNesting(parsed) >= MAX_SHARD_NESTING) {
    throw new MergeError(`${file} nests merged reports ${MAX_SHARD_NESTING} or more levels deep, and merging it would pass that limit; merge the first shards in fewer steps.`);
  }
  const result = ShardSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    // zod words a missing field as a type error ("expected string, received undefined").
    const problem = issue.code === "invalid_type" && valueAt(parsed, issue.path) === undefined ? "is missing" : issue.message;
    throw new MergeError(
      `${file} is not an amlguard JSON report: ${issue.path.map(String).join(".") || "(top level)"} ${problem}; --merge takes reports written with --format json or --output json=FILE.`,
    );
  }
  return { file, sha256: createHash("sha256").update(bytes).digest("hex"), report: result.data, results: result.data.resources.map(toResult) };
}

// Each merge of a merged report adds one level of `evidence.shards[].shards`. The schema checks them
// recursively, so a file crafted with thousands of levels would exhaust the stack before it could be rejected.
const MAX_SHARD_NESTING = 16;

/** Returns how many levels of shards a report's evidence lists, counting without recursion. */
function shardNesting(report: unknown): number {
  let level = 0;
  let current: unknown[] = shardsOf((report as { evidence?: unknown } | null)?.evidence);
  while (current.length > 0 && level <= MAX_SHARD_NESTING) {
    level += 1;
    current = current.flatMap(shardsOf);
  }
  return level;
}

function shardsOf(evidence: unknown): unknown[] {
  const shards = typeof evidence === "object" && evidence !== null ? (evidence as { shards?: unknown }).shards : undefined;
  return Array.isArray(shards) ? shards : [];
}

/** Rejects shards that disagree with themselves, that judged with different limits or rules, or that overlap. */
function checkCompatible(shards: readonly LoadedShard[]): void {
  // First, because the checks of each shard read the rules of this amlguard's catalogue.
  const catalogues = shards.filter((shard) => shard.report.evidence.tool.ruleCatalogueVersion !== RULE_CATALOGUE_VERSION);
  if (catalogues.length > 0) {
    const listed = catalogues.map((shard) => `${shard.file} (${shard.report.evidence.tool.ruleCatalogueVersion})`).join(", ");
    throw new MergeError(`shards judged with another rule catalogue than ${RULE_CATALOGUE_VERSION}: ${listed}. Run every shard with the same amlguard.`);
  }
  for (const shard of shards) {
    const problem = shardProblem(shard);
    if (problem !== undefined) {
      throw new MergeError(`${shard.file} is inconsistent: ${problem}. amlguard does not write such a report; write the shard again instead of editing it.`);
    }
  }

  const limitsGroups = differingGroups(shards, (shard) => limitsKey(shard.report.evidence.limits));
  if (limitsGroups !== undefined) {
    throw new MergeError(`shards applied different limits, so their findings cannot be compared (${limitsGroups}). Run every shard with the same --policy-pack-config.`);
  }

  // Compared by content, as limits are: the same file named `ex.yaml` in one job and `./ex.yaml` in another is one file.
  const exemptionsGroups = differingGroups(shards, (shard) => exemptionsKey(shard.report.exemptions));
  if (exemptionsGroups !== undefined) {
    throw new MergeError(`shards applied different exemptions (${exemptionsGroups}). Run every shard with the same --exemptions, or none.`);
  }
  const levelProblem = levelInconsistency(
    shards.map((shard) => ({ file: shard.file, results: shard.results, limitsSource: shard.report.evidence.limits.source, fromEventLog: holdsEventLogResults(shard.report) })),
  );
  if (levelProblem !== undefined) {
    throw new MergeError(`${levelProblem}. amlguard does not write such a report; write the shard again instead of editing it.`);
  }

  // The same exemptions list the same entries, so each index reads the same in every shard that lists it.
  const entryProblem = differingEntries(shards);
  if (entryProblem !== undefined) {
    throw new MergeError(`${entryProblem}; amlguard writes the same entry for the same file. Write the shards again instead of editing them.`);
  }
  // The same exemptions read from the same limits file give the same counts. The merged report keeps the first
  // shard's, which map each entry's index to the file it came from.
  const entryCountGroups = differingGroups(shards, (shard) => exemptionEntryCountsKey(shard.report.exemptions));
  if (entryCountGroups !== undefined) {
    throw new MergeError(
      `shards state different numbers of exemption entries for the same exemptions (${entryCountGroups}). amlguard writes the same counts for the same files; write the shards again instead of editing them.`,
    );
  }

  const overlap = findOverlap(
    shards.map((shard) => ({
      file: shard.file,
      results: shard.results,
      inputs: [...(shard.report.evidence.inputs ?? []), ...everyShard(shard.report.evidence.shards).flatMap((nested) => nested.inputs ?? [])],
    })),
  );
  if (overlap !== undefined) {
    throw new MergeError(overlap);
  }

  // A shard report merged twice, on its own or inside a merged report, would be counted twice. One without
  // resources shows only through its hash.
  const mergedIn = new Map<string, number>();
  for (const [index, shard] of shards.entries()) {
    for (const sha256 of [shard.sha256, ...everyShard(shard.report.evidence.shards).map((nested) => nested.sha256)]) {
      const first = mergedIn.get(sha256);
      if (first !== undefined) {
        const where = first === index ? `twice in ${shard.file}` : `in ${shards[first].file} and in ${shard.file}`;
        throw new MergeError(`the shard report with SHA-256 ${sha256} is merged ${where}; give each shard once.`);
      }
      mergedIn.set(sha256, index);
    }
  }

  const scopeOverlap = findScopeOverlap(
    shards.map((shard) => {
      const nested = everyShard(shard.report.evidence.shards).filter((nestedShard) => nestedShard.shards === undefined);
      return { file: shard.file, scopes: nested.length === 0 ? [shard.report.evidence.scope] : nested.map((nestedShard) => nestedShard.scope) };
    }),
  );
  if (scopeOverlap !== undefined) {
    throw new MergeError(scopeOverlap);
  }
}

/** Returns why one shard, on its own, cannot be what amlguard wrote, or undefined. */
function shardProblem(shard: LoadedShard): string | undefined {
  const { report, results } = shard;
  const fromEventLog = holdsEventLogResults(report);
  const merged = report.evidence.shards !== undefined;
  // A shard without recorded limits would skip the level checks, and only an event-log report lacks them.
  if (report.evidence.limits.source === "not-recorded" && !fromEventLog) {
    return `it records its limits as not-recorded, which only a report of a Pulumi event log does`;
  }
  return (
    versionInconsistency(report) ??
    shardInconsistency(fromEventLog, results, report.summary) ??
    exemptionsInconsistency(report.exemptions, merged) ??
    waiversInconsistency(results, report.exemptions, report.evidence.startedAt) ??
    // A merged report's entries were in force on different days, and an event log's findings came from the pack.
    (fromEventLog || merged ? undefined : waiverChoiceInconsistency(results, report.exemptions, report.evidence.startedAt)) ??
    mergedEvidenceInconsistency(report)
  );
}

// The schema admits only versions 1.x, so the minor version orders them.
function minorVersion(report: Shard): number {
  return Number(report.schemaVersion.split(".")[1]);
}

// Fields that a JSON report version added, so that a shard cannot state an older version than it was written
// with and skip the checks that depend on them.
const ADDED_FIELDS: readonly { readonly minor: number; readonly field: string; readonly present: (report: Shard) => boolean }[] = [
  { minor: 3, field: "summary.failOn", present: (report) => report.summary.failOn !== undefined },
  { minor: 3, field: "summary.warned", present: (report) => report.summary.warned !== undefined },
  { minor: 4, field: "evidence.inputs", present: (report) => report.evidence.inputs !== undefined },
  { minor: 5, field: "evidence.inputs[].realPath", present: (report) => (report.evidence.inputs ?? []).some((input) => input.realPath !== undefined) },
  { minor: 6, field: "evidence.scope.armEndpoint", present: (report) => report.evidence.scope.armEndpoint !== undefined },
  { minor: 6, field: "evidence.scope.apiVersion", present: (report) => report.evidence.scope.apiVersion !== undefined },
  { minor: 7, field: "evidence.incomplete", present: (report) => report.evidence.incomplete !== undefined },
  { minor: 8, field: "resources[].workspaceName", present: (report) => report.resources.some((resource) => resource.workspaceName !== undefined) },
  { minor: 8, field: "resources[].type", present: (report) => report.resources.some((resource) => resource.type !== undefined) },
];

/**
 * Returns why a shard's fields do not fit the version it states, or undefined. JSON report 1.3 added
 * summary.failOn, which every later report records and which the recount needs.
 */
function versionInconsistency(report: Shard): string | undefined {
  const minor = minorVersion(report);
  if (minor >= 3 && report.summary.failOn === undefined) {
    return `its summary has no failOn, which JSON report ${report.schemaVersion} always records`;
  }
  const later = ADDED_FIELDS.find((added) => added.minor > minor && added.present(report));
  return later === undefined ? undefined : `it records ${later.field}, which JSON report 1.${later.minor} added, but states version ${report.schemaVersion}`;
}

/**
 * Returns why a report's evidence of merged shards cannot be what `report --merge` wrote, or undefined. In what
 * it wrote, the shards' counts add up to the report's own, each shard judged with the report's limits and rule
 * catalogue, and the report's shard inputs name the same files and hashes as its shards.
 */
function mergedEvidenceInconsistency(report: Shard): string | undefined {
  const { evidence } = report;
  if (evidence.shards === undefined) {
    return undefined;
  }
  if (evidence.command !== "report") {
    return `it lists merged shards, but it was written by ${evidence.command}`;
  }
  return (
    shardInputsInconsistency("the report", evidence.inputs, evidence.shards) ??
    shardsInconsistency(evidence.shards, { file: "the report", counts: report.summary, limits: evidence.limits, ruleCatalogueVersion: evidence.tool.ruleCatalogueVersion })
  );
}

/**
 * Returns why a merged report's inputs with role `shard` do not name its shards' files and hashes, in order.
 * Merged reports of JSON report 1.3, and of some 1.4 builds, list no inputs, so a report without them passes.
 */
function shardInputsInconsistency(owner: string, inputs: readonly ShardInputEvidence[] | undefined, shards: readonly ShardEvidence[]): string | undefined {
  if (inputs === undefined) {
    return undefined;
  }
  const named = (file: string, sha256: string | undefined) => `${file}#${sha256 ?? ""}`;
  const fromInputs = inputs.filter((input) => input.role === "shard").map((input) => named(input.file, input.sha256));
  const fromShards = shards.map((shard) => named(shard.file, shard.sha256));
  return fromInputs.join("\n") === fromShards.join("\n") ? undefined : `${owner} names other shard files or hashes among its inputs than among its shards`;
}

const ADDED_COUNTS = { resources: "resources", evaluated: "evaluated resources", notEvaluated: "resources not evaluated" } as const;

// Names from inside a shard file are quoted with escapes, so a crafted name cannot start a line of its own.
function quoted(file: string): string {
  return JSON.stringify(file);
}

function shardsInconsistency(
  shards: readonly ShardEvidence[],
  merged: { readonly file: string; readonly counts: ShardEvidence["counts"]; readonly limits: LimitsEvidence; readonly ruleCatalogueVersion: string },
): string | undefined {
  for (const [key, label] of Object.entries(ADDED_COUNTS) as [keyof typeof ADDED_COUNTS, string][]) {
    const total = shards.reduce((sum, shard) => sum + shard.counts[key], 0);
    if (total !== merged.counts[key]) {
      return `the shards of ${merged.file} count ${total} ${label}, and ${merged.file} counts ${merged.counts[key]}`;
    }
  }
  for (const shard of shards) {
    const { counts } = shard;
    if (counts.evaluated + counts.notEvaluated !== counts.resources) {
      return `shard ${quoted(shard.file)} counts ${counts.resources} resources, but ${counts.evaluated} evaluated and ${counts.notEvaluated} not evaluated`;
    }
    // Every evaluated resource gets one verdict. Reports before JSON report 1.3 have no warned count, and none warned.
    const warned = counts.warned ?? 0;
    if (counts.passed + warned + counts.failed + counts.waived !== counts.evaluated) {
      return (
        `shard ${quoted(shard.file)} counts ${counts.evaluated} evaluated resources, ` +
        `but ${counts.passed} passed, ${warned} warned, ${counts.failed} failed and ${counts.waived} waived`
      );
    }
    if (limitsKey(shard.limits) !== limitsKey(merged.limits)) {
      return `shard ${quoted(shard.file)} applied ${limitsKey(shard.limits)}, and ${merged.file} ${limitsKey(merged.limits)}`;
    }
    if (shard.tool.ruleCatalogueVersion !== merged.ruleCatalogueVersion) {
      return `shard ${quoted(shard.file)} used rule catalogue ${shard.tool.ruleCatalogueVersion}, and ${merged.file} ${merged.ruleCatalogueVersion}`;
    }
    if (shard.shards !== undefined) {
      const nested =
        shard.command === "report"
          ? (shardInputsInconsistency(`shard ${quoted(shard.file)}`, shard.inputs, shard.shards) ??
            shardsInconsistency(shard.shards, { file: `shard ${quoted(shard.file)}`, counts: shard.counts, limits: shard.limits, ruleCatalogueVersion: shard.tool.ruleCatalogueVersion }))
          : `shard ${quoted(shard.file)} lists merged shards, but it was written by ${shard.command}`;
      if (nested !== undefined) {
        return nested;
      }
    }
  }
  return undefined;
}

/**
 * Reports whether some of a report's resources come from a Pulumi event log: it is an event-log report, or a
 * merged report with one among its first shards. Only `report` reads event logs, and a merged report lists shards.
 */
function holdsEventLogResults(report: Shard): boolean {
  const { evidence } = report;
  if (evidence.shards === undefined) {
    // JSON report 1.6 added scope.eventLog, which every later event-log report records.
    return isEventLogRun(evidence) && (minorVersion(report) < 6 || evidence.scope.eventLog !== undefined);
  }
  return everyShard(evidence.shards).some((shard) => shard.shards === undefined && isEventLogRun(shard));
}

// `report --from-pulumi-events` judges with the pack's config, so it records a limits file or none, never the
// built-in limits, which only `check` and `audit` use.
function isEventLogRun(run: Pick<ShardEvidence, "command" | "limits">): boolean {
  return run.command === "report" && run.limits.source !== "built-in";
}

/** Lists every shard of a merged report's evidence, those of its merged shards included. */
function everyShard(shards: readonly ShardEvidence[] | undefined): ShardEvidence[] {
  return (shards ?? []).flatMap((shard) => [shard, ...everyShard(shard.shards)]);
}

/** Groups the shard files by a key, and describes the groups when there is more than one. */
function differingGroups(shards: readonly LoadedShard[], keyOf: (shard: LoadedShard) => string): string | undefined {
  const groups = new Map<string, string[]>();
  for (const shard of shards) {
    const key = keyOf(shard);
    groups.set(key, [...(groups.get(key) ?? []), shard.file]);
  }
  return groups.size > 1 ? [...groups.entries()].map(([key, files]) => `${key}: ${files.join(", ")}`).join("; ") : undefined;
}

function exemptionsKey(exemptions: Shard["exemptions"]): string {
  if (exemptions === undefined) {
    return "no exemptions";
  }
  return exemptions.sha256 === undefined ? `exemptions from ${exemptions.file ?? "the limits file"}` : `exemptions SHA-256 ${exemptions.sha256}`;
}

/** Returns why two shards describe one exemption entry differently, or undefined when every entry reads alike. */
function differingEntries(shards: readonly LoadedShard[]): string | undefined {
  const described = new Map<number, { readonly text: string; readonly file: string }>();
  for (const shard of shards) {
    const status = shard.report.exemptions;
    for (const use of status === undefined ? [] : listedUses(status)) {
      const text = JSON.stringify({ resource: use.resource, rules: use.rules, owner: use.owner, expires: use.expires });
      const first = described.get(use.index);
      if (first === undefined) {
        described.set(use.index, { text, file: shard.file });
      } else if (first.text !== text) {
        return `shards describe exemption entry ${use.index} differently: ${first.file} as ${first.text}, ${shard.file} as ${text}`;
      }
    }
  }
  return undefined;
}

function exemptionEntryCountsKey(exemptions: Shard["exemptions"]): string {
  if (exemptions === undefined) {
    return "no exemptions";
  }
  return `${exemptions.entries} entries, ${exemptions.limitsFileEntries ?? 0} of them from the limits file`;
}

function limitsKey(limits: LimitsEvidence): string {
  return limits.source === "file" ? `limits file SHA-256 ${limits.sha256 ?? "unknown"}` : `${limits.source} limits`;
}

function evidenceOf(shard: LoadedShard): ShardEvidence {
  const { evidence, summary } = shard.report;
  return {
    file: shard.file,
    sha256: shard.sha256,
    tool: { name: evidence.tool.name, version: evidence.tool.version, ruleCatalogueVersion: evidence.tool.ruleCatalogueVersion },
    command: evidence.command,
    limits: evidence.limits,
    scope: evidence.scope,
    ...(evidence.inputs === undefined ? {} : { inputs: evidence.inputs.map(shardInput) }),
    startedAt: evidence.startedAt,
    endedAt: evidence.endedAt,
    counts: {
      resources: summary.resources,
      evaluated: summary.evaluated,
      notEvaluated: summary.notEvaluated,
      passed: summary.passed,
      ...(summary.warned === undefined ? {} : { warned: summary.warned }),
      failed: summary.failed,
      waived: summary.waived,
      ...(summary.failOn === undefined ? {} : { failOn: summary.failOn }),
    },
    ...(evidence.shards === undefined ? {} : { shards: evidence.shards }),
  };
}

function shardInput(input: NonNullable<Shard["evidence"]["inputs"]>[number]): ShardInputEvidence {
  return {
    file: input.file,
    role: input.role,
    ...(input.sha256 === undefined ? {} : { sha256: input.sha256 }),
    ...(input.realPath === undefined ? {} : { realPath: input.realPath }),
  };
}

function mergeResults(shards: readonly LoadedShard[]): ResourceResult[] {
  return shards.flatMap((shard) => shard.results);
}

/** Turns a resource of a JSON report back into the result it was rendered from. */
function toResult(resource: Shard["resources"][number]): ResourceResult {
  const ref = {
    ...(resource.id === undefined ? {} : { id: resource.id }),
    ...(resource.urn === undefined ? {} : { urn: resource.urn }),
    name: resource.name,
    ...(resource.endpointName === undefined ? {} : { endpointName: resource.endpointName }),
    source: resource.source as ResourceResult["resource"]["source"],
    ...(resource.workspaceName === undefined ? {} : { workspaceName: resource.workspaceName }),
    ...(resource.type === undefined ? {} : { type: resource.type }),
    ...(resource.file === undefined ? {} : { file: resource.file }),
  };
  const findings: Finding[] = resource.findings.map((finding) => ({
    ruleId: finding.ruleId,
    severity: finding.severity,
    enforcementLevel: finding.enforcementLevel,
    kind: finding.kind,
    resource: ref,
    path: finding.path,
    actual: finding.actual,
    actualIsDefault: finding.actualIsDefault,
    limit: finding.limit,
    message: finding.message,
    ...(finding.line === undefined || finding.column === undefined ? {} : { location: { line: finding.line, column: finding.column } }),
    ...(finding.waiver === undefined ? {} : { waiver: finding.waiver }),
  }));
  return {
    resource: ref,
    ...(resource.computeType === undefined ? {} : { computeType: resource.computeType }),
    status: resource.status,
    ...(resource.reason === undefined ? {} : { reason: resource.reason }),
    findings,
    rules: resource.rules.map((rule) => ({
      ruleId: rule.ruleId,
      outcome: rule.outcome,
      ...(rule.reason === undefined ? {} : { reason: rule.reason }),
      ...(rule.waived === undefined ? {} : { waived: rule.waived }),
    })),
  };
}

/**
 * Combines the exemption status of shards that applied the same file: an entry counts as applied when any shard
 * applied it (with the waived findings summed), and as unused only when no shard applied it.
 */
function mergeExemptionStatus(shards: readonly LoadedShard[]): ExemptionStatus | undefined {
  const statuses = shards.map((shard) => shard.report.exemptions).filter((status) => status !== undefined);
  if (statuses.length === 0) {
    return undefined;
  }
  const applied = new Map<number, ExemptionUse>();
  for (const status of statuses) {
    for (const use of status.applied) {
      const previous = applied.get(use.index);
      applied.set(use.index, { ...use, waivedFindings: (previous?.waivedFindings ?? 0) + use.waivedFindings });
    }
  }
  const first = statuses[0];
  const byIndex = (a: ExemptionUse, b: ExemptionUse): number => a.index - b.index;
  return {
    ...(first.file === undefined ? {} : { file: first.file }),
    ...(first.sha256 === undefined ? {} : { sha256: first.sha256 }),
    entries: first.entries,
    ...(first.limitsFileEntries === undefined ? {} : { limitsFileEntries: first.limitsFileEntries }),
    applied: [...applied.values()].sort(byIndex),
    // Shards run on different days may see an entry in force and expired, so the merge lists it under both.
    expired: [...new Map(statuses.flatMap((status) => status.expired).map((use) => [use.index, use])).values()].sort(byIndex),
    unused: first.unused.filter((use) => !applied.has(use.index) && statuses.every((status) => status.unused.some((other) => other.index === use.index))).sort(byIndex),
  };
}

/**
 * Combines the shards' scopes. A shard narrowed to a resource group, workspace or endpoint did not audit its
 * subscriptions whole, so its subscriptions stay out of the merged list, which would otherwise claim them whole.
 * The shard's own scope in `evidence.shards` states what it audited.
 */
function mergedScope(scopes: readonly RunScope[]): RunScope {
  const files = unique(scopes.flatMap((scope) => scope.files ?? []));
  const subscriptions = unique(scopes.filter((scope) => scope.resourceGroup === undefined).flatMap((scope) => scope.subscriptions ?? []));
  const deploymentIds = unique(scopes.flatMap((scope) => scope.deploymentIds ?? []));
  return {
    ...(files.length === 0 ? {} : { files }),
    ...(subscriptions.length === 0 ? {} : { subscriptions }),
    ...(deploymentIds.length === 0 ? {} : { deploymentIds }),
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function earliest(times: readonly string[]): string {
  return times.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
}

function latest(times: readonly string[]): string {
  return times.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
}
