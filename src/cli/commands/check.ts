import type { Command } from "commander";
import { loadConfig } from "../../config/load";
import { evaluateItems } from "../../engine/evaluate";
import { EXIT_CODES, exitCodeFor } from "../../findings/report";
import { buildRunReport, reportRules } from "../../findings/run-report";
import { RULES, RULE_CATALOGUE_VERSION } from "../../rules/index";
import { InputError, readInputFile, readTemplateParameters } from "../../sources/files";
import type { SourceItem } from "../../sources/source-item";
import { TOOL_NAME, TOOL_VERSION } from "../../version";
import { REPORTED_RULES, type ReportCliOptions, addReportOptions, exemptResults, writeReports } from "../output";

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
      items.push({ kind: "not-evaluated", ref: { name: file, source: "arm", file }, reason: error.message });
    }
  }

  const evaluated = evaluateItems(items, RULES, loaded.config);
  const { results, exemptions } = await exemptResults(
    evaluated,
    options.exemptions,
    REPORTED_RULES.map((rule) => rule.id),
    startedAt,
    loaded.config.exemptions,
  );

  const run = buildRunReport({
    results,
    rules: reportRules(REPORTED_RULES),
    evidence: {
      tool: { name: TOOL_NAME, version: TOOL_VERSION, ruleCatalogueVersion: RULE_CATALOGUE_VERSION },
      command: "check",
      limits: loaded.file === undefined ? { source: "built-in" } : { source: "file", file: loaded.file, sha256: loaded.sha256 },
      scope: { files },
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
    },
    ...(exemptions === undefined ? {} : { exemptions }),
  });

  const written = await writeReports(run, { format: options.format, output: options.output, includePasses: options.includePasses });
  if (unreadable || !written) {
    return EXIT_CODES.usage;
  }
  return exitCodeFor(run.results, options.failOn);
}
