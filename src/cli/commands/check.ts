import type { Command } from "commander";
import { loadConfig } from "../../config/load";
import { evaluateItems } from "../../engine/evaluate";
import { EXIT_CODES, exitCodeFor } from "../../findings/report";
import { RULES } from "../../rules/index";
import { InputError, fileItem, readInputFile, readTemplateParameters } from "../../sources/files";
import type { SourceItem } from "../../sources/source-item";
import { type ReportCliOptions, addReportOptions, completeRun, limitsEvidenceOf } from "../output";

interface CheckOptions extends ReportCliOptions {
  readonly policyPackConfig?: string;
  readonly parameters?: string;
}

export function registerCheck(program: Command): void {
  const command = program
    .command("check")
    .description("Check online deployments in files (ARM JSON, ARM templates, Azure ML CLI YAML) against the organization's limits.")
    .argument("<files...>", "files to check")
    .option("--policy-pack-config <file>", "limits file, the same JSON that pulumi preview --policy-pack-config takes (default: built-in limits)")
    .option("--parameters <file>", "ARM parameters file (deploymentParameters.json) whose values resolve parameters() in ARM templates");
  addReportOptions(command).action(async (files: string[], options: CheckOptions) => {
    process.exitCode = await runCheck(files, options);
  });
}

async function runCheck(files: readonly string[], options: CheckOptions): Promise<number> {
  const startedAt = new Date();
  const loaded = await loadConfig(options.policyPackConfig);

  let templateParameters;
  try {
    templateParameters = options.parameters === undefined ? undefined : await readTemplateParameters(options.parameters);
  } catch (error) {
    if (!(error instanceof InputError)) {
      throw error;
    }
    process.stderr.write(`amlguard: ${error.message}\n`);
    return EXIT_CODES.usage;
  }

  const items: SourceItem[] = [];
  let unreadable = false;
  for (const file of files) {
    try {
      items.push(...(await readInputFile(file, { templateParameters })));
    } catch (error) {
      if (!(error instanceof InputError)) {
        throw error;
      }
      // The file stays in the result, so nothing sent is lost, and the run exits 2.
      unreadable = true;
      process.stderr.write(`amlguard: ${error.message}\n`);
      items.push(fileItem(file, error.message));
    }
  }

  const evaluated = evaluateItems(items, RULES, loaded.config);
  const { run, written } = await completeRun({
    command: "check",
    evaluated,
    options,
    limits: limitsEvidenceOf(loaded),
    limitsFileExemptions: loaded.config.exemptions,
    scope: { files },
    startedAt,
  });
  if (unreadable || !written) {
    return EXIT_CODES.usage;
  }
  return exitCodeFor(run.results, options.failOn);
}
