import type { Command } from "commander";
import { loadConfig } from "../../config/load";
import { policyEventsToResults } from "../../events/to-results";
import { readEventLog } from "../../events/read";
import { EXIT_CODES, exitCodeFor } from "../../findings/report";
import type { LimitsEvidence } from "../../findings/run-report";
import { InputError } from "../../sources/files";
import { runMerge } from "./merge";
import { REPORTED_RULES, type ReportCliOptions, addReportOptions, completeRun, limitsEvidenceOf } from "../output";

/** Name of the policy pack in PulumiPolicy.yaml, which the engine writes into every policy event. */
export const DEFAULT_POLICY_PACK_NAME = "amlguard";

interface ReportOptions extends ReportCliOptions {
  readonly fromPulumiEvents: string;
  readonly policyPack: string;
  readonly policyPackConfig?: string;
}

export function registerReport(program: Command): void {
  const command = program
    .command("report")
    .description("Turn the policy results of a pulumi preview into reports, from the event log it wrote with --event-log, or merge the JSON reports of audit shards.")
    .option("--from-pulumi-events <file>", "event log written by pulumi preview --event-log FILE (newline-delimited JSON)")
    .option("--merge <files...>", "merge the JSON reports of shards (one per CI job) into one report, instead of reading an event log")
    .option("--policy-pack <name>", "name of the amlguard policy pack in the event log", DEFAULT_POLICY_PACK_NAME)
    .option("--policy-pack-config <file>", "limits file the preview used, to record its SHA-256 in the report's evidence");
  addReportOptions(command).action(async (options: Omit<ReportOptions, "fromPulumiEvents"> & { fromPulumiEvents?: string; merge?: string[] }) => {
    const { fromPulumiEvents, merge } = options;
    if (merge !== undefined && fromPulumiEvents === undefined) {
      process.exitCode = await runMerge(merge, options);
    } else if (fromPulumiEvents !== undefined && merge === undefined) {
      process.exitCode = await runReport({ ...options, fromPulumiEvents });
    } else {
      process.stderr.write("amlguard: report needs exactly one of --from-pulumi-events FILE and --merge FILE...\n");
      process.exitCode = EXIT_CODES.usage;
    }
  });
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
      process.stderr.write(`amlguard: ${error.message}\n`);
      return EXIT_CODES.usage;
    }
    throw error;
  }

  const converted = policyEventsToResults(log.events, options.policyPack, REPORTED_RULES);
  if (!converted.complete) {
    process.stderr.write(`amlguard: ${log.file} has no summary event, so the preview stopped early and resources may be missing; the run counts as incomplete.\n`);
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
  });
  if (!written) {
    return EXIT_CODES.usage;
  }
  const code = exitCodeFor(run.results, options.failOn);
  return code === EXIT_CODES.ok && !converted.complete ? EXIT_CODES.incomplete : code;
}
