import { readFile } from "node:fs/promises";
import { readArmJson } from "./arm-json";
import { ParametersFileError, type TemplateParameterValues, isArmTemplate, readArmTemplate, readParametersFile } from "./arm-template";
import { findPlaceholders, isCliYaml, placeholderItem, readDeploymentYaml } from "./deployment-yaml";
import { DocumentSyntaxError, type PositionedDocument, parsePositioned } from "./locator";
import type { SourceItem } from "./source-item";

/** Raised when an input file cannot be read or parsed at all; `amlguard check` exits 2 on it. */
export class InputError extends Error {}

export interface ReadInputOptions {
  /** Values for ARM template parameters, from `--parameters FILE`. */
  readonly templateParameters?: TemplateParameterValues;
}

/**
 * Reads one input file into source items. The kind of file is decided by its content: an ARM template, Azure
 * ML CLI YAML, or ARM JSON as the REST API returns it.
 */
export async function readInputFile(file: string, options: ReadInputOptions = {}): Promise<SourceItem[]> {
  const text = await readText(file);
  // Templated CLI YAML (`{{ENDPOINT_NAME}}`, filled in by a script) often does not parse at all.
  const placeholders = findPlaceholders(text);

  let document: PositionedDocument;
  try {
    document = parsePositioned(text);
  } catch (error) {
    if (!(error instanceof DocumentSyntaxError)) {
      throw error;
    }
    if (placeholders.length > 0) {
      return [placeholderItem(placeholders, file)];
    }
    throw new InputError(`${file} ${error.message}.`);
  }

  if (isArmTemplate(document.value)) {
    return readArmTemplate(document, file, options.templateParameters);
  }
  if (isCliYaml(document.value)) {
    return placeholders.length > 0 ? [placeholderItem(placeholders, file)] : readDeploymentYaml(document, file);
  }
  return readArmJson(document, file);
}

/** Reads an ARM parameters file (deploymentParameters.json) for `--parameters`, or throws an InputError. */
export async function readTemplateParameters(file: string): Promise<TemplateParameterValues> {
  const text = await readText(file);
  try {
    return readParametersFile(parsePositioned(text).value, file);
  } catch (error) {
    if (error instanceof DocumentSyntaxError) {
      throw new InputError(`Parameters file ${file} ${error.message}.`);
    }
    if (error instanceof ParametersFileError) {
      throw new InputError(error.message);
    }
    throw error;
  }
}

/** Reads a file as UTF-8 text, or throws an InputError that names the file. */
export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (error as Error).message;
    throw new InputError(`Cannot read ${file}: ${reason}.`);
  }
}
