import { createWriteStream } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type Command, InvalidArgumentError, Option } from "commander";
import { applyExemptions } from "../exemptions/apply";
import type { ExemptionStatus } from "../exemptions/exemption";
import { loadExemptions } from "../exemptions/load";
import { parseExemptionEntries } from "../exemptions/parse";
import type { ResourceResult } from "../findings/finding";
import { FAIL_ON_THRESHOLDS, type FailOn } from "../findings/report";
import {
  type InputFileEvidence,
  type LimitsEvidence,
  type RunEvidence,
  type RunReport,
  type RunScope,
  type ShardEvidence,
  buildRunReport,
  reportRules,
} from "../findings/run-report";
import { jsonReportChunks, renderJson } from "../reporters/json";
import { renderJunit } from "../reporters/junit";
import { type CompleteReport, renderMarkdown } from "../reporters/markdown";
import { countResultsWithoutFile, renderSarif } from "../reporters/sarif";
import { renderTable } from "../reporters/table";
import { RULES, RULE_CATALOGUE_VERSION } from "../rules/index";
import type { Rule } from "../rules/rule";
import { STACK_RULES } from "../rules/stack/index";
import type { StackRule } from "../rules/stack/stack-rule";
import type { LoadedConfig } from "../config/load";
import { TOOL_NAME, TOOL_VERSION } from "../version";
import { rejectOutputsOverInputs, rejectSharedOutputFiles } from "./output-paths";
import { writeError } from "./stderr";

/** Every rule reports list and exemptions may name: the deployment rules, then the stack rules. */
export const REPORTED_RULES: readonly (Rule | StackRule)[] = [...RULES, ...STACK_RULES];

export const OUTPUT_FORMATS = ["table", "json", "sarif", "junit", "markdown"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** One `--output FORMAT=FILE`. */
export interface OutputTarget {
  readonly format: OutputFormat;
  readonly file: string;
}

/** The report options `check`, `audit` and `report` share, as commander parses them. */
export interface ReportCliOptions {
  readonly format?: OutputFormat;
  readonly output: readonly OutputTarget[];
  readonly failOn: FailOn;
  readonly includePasses?: boolean;
  readonly exemptions?: string;
}

export function parseFormat(value: string): OutputFormat {
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`the format "${value}" is not one of ${OUTPUT_FORMATS.join(", ")}.`);
  }
  return value as OutputFormat;
}

/** Parses `FORMAT=FILE` and appends it to the targets commander collected so far. */
export function parseOutputTarget(value: string, previous: readonly OutputTarget[] = []): OutputTarget[] {
  const separator = value.indexOf("=");
  if (separator <= 0 || separator === value.length - 1) {
    throw new InvalidArgumentError(`expected FORMAT=FILE, such as sarif=amlguard.sarif, got "${value}".`);
  }
  return [...previous, { format: parseFormat(value.slice(0, separator)), file: value.slice(separator + 1) }];
}

/** Returns the stdout format: a table for a person at a terminal, JSON for a pipe or a CI log. */
export function defaultFormat(): OutputFormat {
  return process.stdout.isTTY ? "table" : "json";
}

/** Adds --format, --output, --fail-on, --include-passes and --exemptions to a command. */
export function addReportOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--format <format>", "format written to stdout (default: table on a terminal, json otherwise; table when --output is given)")
        .choices(OUTPUT_FORMATS),
    )
    .option("--output <format=file>", `write a report to a file, repeatable; format is one of ${OUTPUT_FORMATS.join(", ")}`, parseOutputTarget, [])
    .addOption(
      new Option("--fail-on <threshold>", "exit 1 when an unwaived finding reaches this enforcement level or severity")
        .choices(FAIL_ON_THRESHOLDS)
        .default("mandatory"),
    )
    .option("--include-passes", "list passed and not-applicable checks in SARIF results")
    .option("--exemptions <file>", "exemptions file (YAML or JSON) whose entries waive matching findings");
}

/**
 * Applies the exemptions of the limits file (`exemptions.entries`, the pack's config) and of the exemptions file,
 * when either has entries. The limits file's entries come first, and an entry's index counts through both
 * lists. Throws a ConfigError for an unreadable or invalid file or entry, which the CLI turns into exit code 2.
 */
export async function exemptResults(
  results: readonly ResourceResult[],
  file: string | undefined,
  ruleIds: readonly string[],
  now: Date,
  configEntries: readonly unknown[] = [],
): Promise<{ results: readonly ResourceResult[]; exemptions?: ExemptionStatus }> {
  if (file === undefined && configEntries.length === 0) {
    return { results };
  }

  const fromConfig = configEntries.length === 0 ? [] : parseExemptionEntries(configEntries, ruleIds, "exemptions.entries of the limits file");
  const loaded = file === undefined ? undefined : await loadExemptions(file, ruleIds);
  const fromFile = (loaded?.exemptions ?? []).map((entry) => ({ ...entry, index: entry.index + fromConfig.length }));

  const exempted = applyExemptions(results, [...fromConfig, ...fromFile], now, { file: loaded?.file, sha256: loaded?.sha256 });
  const status = fromConfig.length === 0 ? exempted.status : { ...exempted.status, limitsFileEntries: fromConfig.length };
  return { results: exempted.results, exemptions: status };
}

/**
 * Options of the formats that take any: SARIF's passes and file URIs. The `--fail-on` threshold that JUnit
 * and SARIF apply is the run's own, in its summary.
 */
export interface RenderOptions {
  readonly includePasses?: boolean;
  readonly cwd?: string;
  /** The JSON and SARIF reports of the run, which the Markdown report names for the rows it leaves out. */
  readonly completeReports?: readonly CompleteReport[];
}

/** Renders a run in one format. */
export function renderReport(run: RunReport, format: OutputFormat, options: RenderOptions = {}): string {
  switch (format) {
    case "table":
      return renderTable(run);
    case "json":
      return renderJson(run);
    case "sarif":
      return renderSarif(run, options);
    case "junit":
      return renderJunit(run);
    case "markdown":
      return renderMarkdown(run, { completeReports: options.completeReports });
  }
}

/**
 * Renders a run in one format as pieces to write in order. The JSON report comes resource by resource, so the
 * largest report is never one string in memory; the other formats come as one piece.
 */
export function reportChunks(run: RunReport, format: OutputFormat, options: RenderOptions = {}): Iterable<string> {
  return format === "json" ? jsonReportChunks(run) : [renderReport(run, format, options)];
}

export interface WriteReportsOptions {
  /** Format for stdout. Without it, stdout gets the table when files are requested, else the terminal default. */
  readonly format?: OutputFormat;
  readonly output?: readonly OutputTarget[];
  readonly includePasses?: boolean;
  /** Directory SARIF file URIs are relative to. Defaults to the working directory. */
  readonly cwd?: string;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
}

/**
 * Writes a run report to stdout and to every `--output` file, creating parent directories. This is the one output
 * path of `check`, `audit` and `report`. Returns false, after naming each file on stderr, when a file cannot be
 * written; the caller then exits 2.
 */
export async function writeReports(run: RunReport, options: WriteReportsOptions = {}): Promise<boolean> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const targets = options.output ?? [];
  const stdoutFormat = options.format ?? (targets.length > 0 ? "table" : defaultFormat());
  const completeReports: CompleteReport[] = [];
  if (stdoutFormat === "json" || stdoutFormat === "sarif") {
    completeReports.push({ format: stdoutFormat });
  }
  for (const target of targets) {
    if (target.format === "json" || target.format === "sarif") {
      completeReports.push({ format: target.format, file: target.file });
    }
  }
  const renderOptions = { includePasses: options.includePasses, cwd: options.cwd, completeReports };

  await writeChunks(stdout, reportChunks(run, stdoutFormat, renderOptions));

  let written = true;
  for (const target of targets) {
    try {
      await createParentDirectories(target.file);
      await pipeline(Readable.from(reportChunks(run, target.format, renderOptions)), createWriteStream(target.file, "utf8"));
    } catch (error) {
      written = false;
      writeError(`cannot write the ${target.format} report to ${target.file}: ${(error as Error).message}`, stderr);
    }
  }
  if (stdoutFormat === "sarif" || targets.some((target) => target.format === "sarif")) {
    warnOfResultsWithoutFile(run, renderOptions, stderr);
  }
  return written;
}

/**
 * Warns when the SARIF report has results without a physicalLocation, which GitHub code scanning rejects, with
 * the option that gives them one. The exit code stays as it is, because the report is valid SARIF.
 */
function warnOfResultsWithoutFile(run: RunReport, options: RenderOptions, stderr: NodeJS.WritableStream): void {
  const count = countResultsWithoutFile(run, options);
  if (count === 0) {
    return;
  }
  let fix: string;
  if (run.evidence.shards !== undefined) {
    fix = "Run the shards with --policy-pack-config LIMITS_FILE and merge them again, so that their results point at the limits file.";
  } else if (run.evidence.command === "report") {
    fix = "Pass --policy-pack-config with the limits file the preview used, so that the results point at it.";
  } else {
    fix = "Pass --policy-pack-config LIMITS_FILE, so that the results point at the limits file.";
  }
  const results = count === 1 ? "1 result has" : `${count} results have`;
  writeError(`warning: ${results} no physicalLocation in the SARIF report, and GitHub code scanning rejects an upload with such results. ${fix}`, stderr);
}

/**
 * Writes each piece to a stream that stays open, such as stdout. When the stream's buffer is full it waits for
 * `drain`, and it stops when the stream closes or fails (a reader such as `head` exited), as one write would.
 */
async function writeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if ((stream as Partial<Writable>).destroyed === true) {
      return;
    }
    if (!stream.write(chunk)) {
      await waitForDrain(stream);
    }
  }
}

function waitForDrain(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const settle = (): void => {
      stream.off("drain", settle);
      stream.off("close", settle);
      stream.off("error", settle);
      resolve();
    };
    stream.on("drain", settle);
    stream.on("close", settle);
    stream.on("error", settle);
  });
}

/**
 * Creates the missing parent directories of `file`, one level at a time. Node 20's `mkdir` with `recursive: true`
 * never returns for a path under a directory that refuses new entries, such as `/proc/x/report.json`.
 */
async function createParentDirectories(file: string): Promise<void> {
  const missing: string[] = [];
  let directory = dirname(file);
  while (!(await exists(directory))) {
    missing.unshift(directory);
    const parent = dirname(directory);
    if (parent === directory) {
      break;
    }
    directory = parent;
  }
  for (const path of missing) {
    await mkdir(path);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return false;
    }
    throw error;
  }
}

/** Results and context that `check`, `audit` and `report` pass on once every resource is evaluated. */
export interface CompletedEvaluation {
  readonly command: RunEvidence["command"];
  readonly evaluated: readonly ResourceResult[];
  readonly options: ReportCliOptions;
  readonly limits: LimitsEvidence;
  /** Entries under `exemptions.entries` of the limits file, applied with those of `--exemptions`. */
  readonly limitsFileExemptions: readonly unknown[];
  readonly scope: RunScope;
  /** Files the command read itself, such as the checked files and the parameters file, with their SHA-256. */
  readonly inputFiles?: readonly InputFileEvidence[];
  /** Start of the run, and the clock exemptions expire against. */
  readonly startedAt: Date;
  /** Start and end to record when they come from the input, such as an event log or shard reports. */
  readonly recordedTimes?: { readonly startedAt: string; readonly endedAt: string };
  readonly shards?: readonly ShardEvidence[];
  /** Exemption status to report when no entries are applied here, such as the one shard reports carry. */
  readonly appliedExemptions?: ExemptionStatus;
  /** Reasons the run may have missed resources, as `RunEvidence.incomplete` records them. */
  readonly incomplete?: readonly string[];
}

/** Returns the evidence of the limits a run applied: the file and its SHA-256, or the built-in defaults. */
export function limitsEvidenceOf(loaded: LoadedConfig): LimitsEvidence {
  return loaded.file === undefined ? { source: "built-in" } : { source: "file", file: loaded.file, sha256: loaded.sha256 };
}

/** Returns the name of every file the run read or will read, for the check that no report overwrites one. */
function inputNames(evaluation: CompletedEvaluation): string[] {
  const { scope, limits, options } = evaluation;
  return [
    ...(evaluation.inputFiles ?? []).map((input) => input.file),
    ...(scope.files ?? []),
    ...(scope.eventLog === undefined ? [] : [scope.eventLog]),
    ...(limits.file === undefined ? [] : [limits.file]),
    ...(options.exemptions === undefined ? [] : [options.exemptions]),
    ...(evaluation.shards ?? []).map((shard) => shard.file),
  ];
}

/** Lists every input file with its SHA-256 for the evidence, or nothing when the run read no file. */
function inputsEvidence(evaluation: CompletedEvaluation, exemptions: ExemptionStatus | undefined): { inputs?: readonly InputFileEvidence[] } {
  const { scope, limits } = evaluation;
  const withHash = (file: string, role: InputFileEvidence["role"], sha256: string | undefined): InputFileEvidence => ({
    file,
    role,
    ...(sha256 === undefined ? {} : { sha256 }),
  });
  // A merge reads only its shards and its own --exemptions: the limits and exemptions files its shards applied are
  // named in each shard's evidence, not read again.
  const merged = evaluation.shards !== undefined;
  const readExemptions = !merged || evaluation.options.exemptions !== undefined;
  const inputs: InputFileEvidence[] = [
    ...(evaluation.inputFiles ?? []),
    ...(limits.source === "file" && limits.file !== undefined && !merged ? [withHash(limits.file, "limits", limits.sha256)] : []),
    ...(exemptions?.file === undefined || !readExemptions ? [] : [withHash(exemptions.file, "exemptions", exemptions.sha256)]),
    ...(scope.eventLog === undefined ? [] : [withHash(scope.eventLog, "event-log", scope.eventLogSha256)]),
    ...(evaluation.shards ?? []).map((shard) => withHash(shard.file, "shard", shard.sha256)),
  ];
  return inputs.length === 0 ? {} : { inputs };
}

/**
 * Applies the exemptions, builds the run report with its evidence and writes every requested format. Returns the
 * report and whether every report file was written.
 */
export async function completeRun(evaluation: CompletedEvaluation): Promise<{ run: RunReport; written: boolean }> {
  const { options, startedAt } = evaluation;
  await rejectSharedOutputFiles(options.output);
  await rejectOutputsOverInputs(options.output, inputNames(evaluation));

  const exempted = await exemptResults(
    evaluation.evaluated,
    options.exemptions,
    REPORTED_RULES.map((rule) => rule.id),
    startedAt,
    evaluation.limitsFileExemptions,
  );
  const exemptions = exempted.exemptions ?? evaluation.appliedExemptions;

  const run = buildRunReport({
    results: exempted.results,
    rules: reportRules(REPORTED_RULES),
    evidence: {
      tool: { name: TOOL_NAME, version: TOOL_VERSION, ruleCatalogueVersion: RULE_CATALOGUE_VERSION },
      command: evaluation.command,
      limits: evaluation.limits,
      scope: evaluation.scope,
      ...inputsEvidence(evaluation, exemptions),
      startedAt: evaluation.recordedTimes?.startedAt ?? startedAt.toISOString(),
      endedAt: evaluation.recordedTimes?.endedAt ?? new Date().toISOString(),
      ...(evaluation.shards === undefined ? {} : { shards: evaluation.shards }),
      ...(evaluation.incomplete === undefined || evaluation.incomplete.length === 0 ? {} : { incomplete: evaluation.incomplete }),
    },
    ...(exemptions === undefined ? {} : { exemptions }),
    failOn: options.failOn,
  });

  const written = await writeReports(run, { format: options.format, output: options.output, includePasses: options.includePasses });
  return { run, written };
}
