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
  // Templated CLI YAML (`{{ENDPOINT_NAME}}`, filled in by a script) often does not parse at all, and where it
  // does, `{{X}}` reads as a nested mapping. JSON input keeps its own reader, because a JSON string may hold braces.
  const placeholders = findPlaceholders(text);
  const looksLikeJson = /^\s*[{[]/.test(text);
  if (placeholders.length > 0 && !looksLikeJson) {
    return [placeholderItem(placeholders, file)];
  }

  let document: PositionedDocument;
  try {
    document = parsePositioned(text);
  } catch (error) {
    if (!(error instanceof DocumentSyntaxError)) {
      throw error;
    }
    throw new InputError(`${file} ${error.message}.`);
  }

  if (isArmTemplate(document.value)) {
    return readArmTemplate(document, file, options.templateParameters);
  }
  if (isCliYaml(document.value)) {
    return readDeploymentYaml(document, file);
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

/**
 * Reads a file as UTF-8 text, or throws an InputError that names the file. Bytes that are not UTF-8 are an
 * error, not U+FFFD: a replaced byte in a key (`instance_typ\xC3e`) would make the key unknown, and the field
 * would silently take Azure's default.
 */
export async function readText(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (error as Error).message;
    throw new InputError(`Cannot read ${file}: ${reason}.`);
  }
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new InputError(`Cannot read ${file}: it is not valid UTF-8 text; save it as UTF-8.`);
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
