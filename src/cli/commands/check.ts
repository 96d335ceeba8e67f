import type { Command } from "commander";
import { loadConfig } from "../../config/load";
import { evaluateItems } from "../../engine/evaluate";
import type { ResourceResult } from "../../findings/finding";
import { EXIT_CODES, exitCodeFor } from "../../findings/report";
import { renderJson } from "../../reporters/json";
import { renderTable } from "../../reporters/table";
import { RULES } from "../../rules/index";
import { InputError, readInputFile } from "../../sources/files";
import type { SourceItem } from "../../sources/source-item";
import { type OutputFormat, defaultFormat, parseFormat } from "../output";

interface CheckOptions {
  readonly policyPackConfig?: string;
  readonly format?: OutputFormat;
}

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("Check online deployments in files (ARM JSON) against the organization's limits.")
    .argument("<files...>", "files to check")
    .option("--policy-pack-config <file>", "limits file, the same JSON that pulumi preview --policy-pack-config takes (default: built-in limits)")
    .option("--format <format>", "output format: table or json (default: table on a terminal, json otherwise)", parseFormat)
    .action(async (files: string[], options: CheckOptions) => {
      process.exitCode = await runCheck(files, options);
    });
}

async function runCheck(files: readonly string[], options: CheckOptions): Promise<number> {
  const { config } = await loadConfig(options.policyPackConfig);

  const items: SourceItem[] = [];
  let unreadable = false;
  for (const file of files) {
    try {
      items.push(...(await readInputFile(file)));
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

  const results: ResourceResult[] = evaluateItems(items, RULES, config);
  const format = options.format ?? defaultFormat();
  process.stdout.write(format === "json" ? renderJson(results) : renderTable(results));
  return unreadable ? EXIT_CODES.usage : exitCodeFor(results);
}
