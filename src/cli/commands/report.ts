import type { Command } from "commander";
import { loadConfig } from "../../config/load";
import { policyEventsToResults } from "../../events/to-results";
import { readEventLog } from "../../events/read";
import { EXIT_CODES, exitCodeFor } from "../../findings/report";
import type { LimitsEvidence } from "../../findings/run-report";
import { escapePlainText } from "../../reporters/plain-text";
import { InputError } from "../../sources/files";
import { runMerge } from "./merge";
import { REPORTED_RULES, type ReportCliOptions, addReportOptions, completeRun, limitsEvidenceOf } from "../output";
import { writeError } from "../stderr";

/** Name of the policy pack in PulumiPolicy.yaml, which the engine writes into every policy event. */
export const DEFAULT_POLICY_PACK_NAME = "amlguard";

interface ReportOptions extends ReportCliOptions {
  readonly fromPulumiEvents: string;
  readonly policyPack: string;
  readonly policyPackConfig?: string;
}

/**
 * Registers `amlguard report`. The shard reports of `--merge` are the command's arguments, not values of the
 * option. In commander 14, a variadic option takes the argument after it even when that starts with a dash, so
 * `--merge --format json a.json` would read `--format` as a shard. It also stops at the next option, so a shard
 * named after that option was an excess argument. As arguments, shards may stand before, between or after options.
 */
export function registerReport(program: Command): void {
  const command = program
    .command("report")
    .description("Turn the policy results of a pulumi preview into reports, from the event log it wrote with --event-log, or merge the JSON reports of audit shards.")
    .argument("[shards...]", "JSON reports of shards to merge with --merge (one per CI job)")
    .option("--from-pulumi-events <file>", "event log written by pulumi preview --event-log FILE (newline-delimited JSON)")
    .option("--merge", "merge the shard reports given as arguments into one report, instead of reading an event log")
    .option("--policy-pack <name>", "name of the amlguard policy pack in the event log", DEFAULT_POLICY_PACK_NAME)
    .option("--policy-pack-config <file>", "limits file the preview used, to record its SHA-256 in the report's evidence");
  addReportOptions(command).action(async (shards: string[], options: Omit<ReportOptions, "fromPulumiEvents"> & { fromPulumiEvents?: string; merge?: boolean }) => {
    const usageError = inputUsageError(shards, options);
    if (usageError !== undefined) {
      writeError(usageError);
      process.exitCode = EXIT_CODES.usage;
    } else if (options.fromPulumiEvents === undefined) {
      process.exitCode = await runMerge(shards, options);
    } else {
      process.exitCode = await runReport({ ...options, fromPulumiEvents: options.fromPulumiEvents });
    }
  });
}

/** Returns why the inputs of `report` cannot be read, or undefined when they name exactly one input. */
function inputUsageError(
  shards: readonly string[],
  options: { readonly fromPulumiEvents?: string; readonly merge?: boolean; readonly policyPackConfig?: string },
): string | undefined {
  const merge = options.merge === true;
  if (merge === (options.fromPulumiEvents !== undefined)) {
    return "report needs exactly one of --from-pulumi-events FILE and --merge FILE...";
  }
  if (merge && options.policyPackConfig !== undefined) {
    return `--merge keeps the limits its shards recorded and judges nothing again, so --policy-pack-config ${options.policyPackConfig} would be ignored; leave it out.`;
  }
  if (merge && shards.length === 0) {
    return "--merge needs at least one shard report: amlguard report --merge shard-1.json shard-2.json";
  }
  if (!merge && shards.length > 0) {
    return `report reads only the event log of --from-pulumi-events, so ${shards.join(", ")} cannot be read as well; merge shard reports with --merge FILE... instead.`;
  }
  return undefined;
}

async function runReport(options: ReportOptions): Promise<number> {
  const now = new Date();
  let limits: LimitsEvidence = { source: "not-recorded" };
  let limitsFileExemptions: readonly unknown[] = [];
  if (options.policyPackConfig !== undefined) {
    const loaded = await loadConfig(options.policyPackConfig);
    limits = limitsEvidenceOf(loaded);
    limitsFileExemptions = loaded.config.exemptions;
  }

  let log;
  try {
    log = await readEventLog(options.fromPulumiEvents);
  } catch (error) {
    if (error instanceof InputError) {
      writeError(error.message);
      return EXIT_CODES.usage;
    }
    throw error;
  }

  const converted = policyEventsToResults(log.events, options.policyPack, REPORTED_RULES);
  // The reason is kept on one line, so the name is escaped as stderr would show it.
  const incomplete = [
    ...(log.truncated ? [`${escapePlainText(log.file)} ends in a line that is cut off, so the engine stopped writing it early`] : []),
    ...(converted.complete ? [] : [`${escapePlainText(log.file)} has no summary event, so the preview stopped early and resources may be missing`]),
  ];
  for (const reason of incomplete) {
    writeError(`${reason}; the run counts as incomplete.`);
  }
  const { run, written } = await completeRun({
    command: "report",
    evaluated: converted.results,
    options,
    limits,
    limitsFileExemptions,
    scope: {
      ...(converted.stack === undefined ? {} : { stack: converted.stack }),
      eventLog: log.file,
      eventLogSha256: log.sha256,
      policyPacks: converted.policyPacks,
    },
    startedAt: now,
    recordedTimes: { startedAt: converted.startedAt ?? now.toISOString(), endedAt: converted.endedAt ?? now.toISOString() },
    incomplete,
  });
  if (!written) {
    return EXIT_CODES.usage;
  }
  const code = exitCodeFor(run.results, options.failOn);
  return code === EXIT_CODES.ok && incomplete.length > 0 ? EXIT_CODES.incomplete : code;
}
