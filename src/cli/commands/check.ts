import type { Command } from "commander";
import { loadConfig } from "../../config/load";
import { evaluateItems } from "../../engine/evaluate";
import { EXIT_CODES, exitCodeFor } from "../../findings/report";
import { RULES } from "../../rules/index";
import { InputError, fileItem, readInputFile, readTemplateParameters } from "../../sources/files";
import type { TemplateParameterValues } from "../../sources/arm-template";
import type { SourceItem } from "../../sources/source-item";
import { escapePlainText } from "../../reporters/plain-text";
import { type ReadCheckInput, isDirectory, readCheckInput, undeclaredParameters } from "../check-inputs";
import { distinctFiles } from "../file-identity";
import { type ReportCliOptions, addReportOptions, completeRun, limitsEvidenceOf } from "../output";
import { writeError } from "../stderr";

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

async function runCheck(named: readonly string[], options: CheckOptions): Promise<number> {
  const startedAt = new Date();
  const loaded = await loadConfig(options.policyPackConfig);

  // A file named twice, as `d.yml ./d.yml` or through a link, is read once under its first name, so its
  // deployments are judged and counted once.
  const { kept: files, duplicates } = await distinctFiles(named, (file) => file);
  for (const { item, sameAs } of duplicates) {
    writeError(`${escapePlainText(item)} is the same file as ${escapePlainText(sameAs)}, so it is checked once.`);
  }

  const checked: ReadCheckInput[] = [];
  for (const file of files) {
    checked.push(await readCheckInput(file, "checked"));
  }

  let templateParameters: TemplateParameterValues | undefined;
  let parameters: ReadCheckInput | undefined;
  if (options.parameters !== undefined) {
    const read = await readParameters(options.parameters, checked);
    if (typeof read === "string") {
      writeError(read);
      return EXIT_CODES.usage;
    }
    ({ values: templateParameters, input: parameters } = read);
  }

  const items: SourceItem[] = [];
  let unreadable = false;
  for (const file of files) {
    try {
      // A loop, because a template's copy loops can expand into more items than a spread can pass.
      for (const item of await readInputFile(file, { templateParameters })) {
        items.push(item);
      }
    } catch (error) {
      if (!(error instanceof InputError)) {
        throw error;
      }
      // The file stays in the result, so nothing sent is lost, and the run exits 2.
      unreadable = true;
      writeError(error.message);
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
    inputFiles: [...checked.map((input) => input.evidence), ...(parameters === undefined ? [] : [parameters.evidence])],
    startedAt,
  });
  if (unreadable || !written) {
    return EXIT_CODES.usage;
  }
  return exitCodeFor(run.results, options.failOn);
}

/**
 * Reads the parameters file, or returns why it cannot be used with the checked files: it cannot be read, is not
 * in the deploymentParameters shape, or names a parameter that a checked template does not declare.
 */
async function readParameters(file: string, checked: readonly ReadCheckInput[]): Promise<{ values: TemplateParameterValues; input: ReadCheckInput } | string> {
  if (await isDirectory(file)) {
    return `Cannot read parameters file ${escapePlainText(file)}: it is a directory; name the parameters file itself, such as deploymentParameters.json.`;
  }
  let values: TemplateParameterValues;
  try {
    values = await readTemplateParameters(file);
  } catch (error) {
    if (error instanceof InputError) {
      return error.message;
    }
    throw error;
  }
  const input = await readCheckInput(file, "parameters");
  const undeclared = undeclaredParameters(file, input, checked);
  return undeclared.length === 0 ? { values, input } : undeclared.join("\n");
}
