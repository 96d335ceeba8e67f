import { readFile } from "node:fs/promises";
import type { SourceKind } from "../model/deployment";
import { ARM_RESOURCE_KEYS, readArmJson } from "./arm-json";
import { ParametersFileError, type TemplateParameterValues, isArmTemplate, readArmTemplate, readParametersFile } from "./arm-template";
import { findPlaceholders, isCliYaml, placeholderItem, readDeploymentYaml } from "./deployment-yaml";
import { jsonForYaml, mustBeJson, startsAsJson } from "./json-comments";
import { DocumentSyntaxError, type PositionedDocument, hasPyYamlOnlyLineBreaks, parsePositioned, parsePositionedAll } from "./locator";
import { isPlainObject } from "./property-access";
import type { SourceItem } from "./source-item";

/** Raised when an input file cannot be read or parsed at all; `amlguard check` exits 2 on it. */
export class InputError extends Error {}

export interface ReadInputOptions {
  /** Values for ARM template parameters, from `--parameters FILE`. */
  readonly templateParameters?: TemplateParameterValues;
}

/**
 * Reads one input file into source items. The kind of each document is decided by its content: an ARM template,
 * Azure ML CLI YAML, or ARM JSON as the REST API returns it. Each kind is read as the tool that deploys it reads
 * it: ARM content as JSON with comments when the file is JSON (see `armText`), and CLI YAML as PyYAML reads the
 * file, whatever its name, because the Azure ML CLI loads any deployment file with `yaml.safe_load`.
 */
export async function readInputFile(file: string, options: ReadInputOptions = {}): Promise<SourceItem[]> {
  const text = await readText(file);
  // Templated CLI YAML (`{{ENDPOINT_NAME}}`, filled in by a script) often does not parse at all, and where it
  // does, `{{X}}` reads as a nested mapping. JSON input keeps its own reader, because a JSON string may hold braces.
  const placeholders = findPlaceholders(text);
  if (placeholders.length > 0 && !startsAsJson(text)) {
    return [placeholderItem(placeholders, file)];
  }

  const { text: armReading, json } = armText(text, file, file);
  const documents = parseWithLineBreakHint(armReading, file);
  const cliDocuments = cliReadings(text, file, documents, json, armReading !== text);

  return documents.flatMap((document, index) => {
    const where = documents.length > 1 ? `document ${index + 1} of ${file}` : undefined;
    const items = readDocument(document, cliDocuments[index], file, options);
    return items.length > 0 ? items : [noDeploymentItem(file, document.value, where)];
  });
}

/**
 * Returns the text in which ARM content is read. Azure Resource Manager reads templates, parameters files and
 * request bodies as JSON with comments, whatever the file's name. So text that starts as JSON and is JSON gives
 * `jsonForYaml` of it, which the YAML parser that provides amlguard's positions reads as JSON reads it. Other text
 * is returned as it is, and read as YAML. Throws an InputError when a file that must be JSON (see `mustBeJson`)
 * is not. The YAML parser would accept YAML there, read a comment next to YAML-only syntax as part of a key, and
 * report JSON syntax errors in YAML's terms. An empty file is left to the parser, which names that problem.
 */
export function armText(text: string, file: string, subject: string): { readonly text: string; readonly json: boolean } {
  const required = mustBeJson(file, text);
  if (text.trim() === "" || (!required && !startsAsJson(text))) {
    return { text, json: false };
  }
  const json = jsonForYaml(text);
  if ("text" in json) {
    return { text: json.text, json: true };
  }
  if (required) {
    throw new InputError(`${subject} is not valid JSON: ${json.problem}. Fix the JSON syntax there.`);
  }
  return { text, json: false };
}

// A file whose lines end in a carriage return alone parses as one long line in YAML 1.2. The syntax error that
// follows would not say why, although the Azure ML CLI reads such a file through Python's universal newlines.
function parseWithLineBreakHint(text: string, file: string): PositionedDocument[] {
  try {
    return parseInput(text, file, "1.2");
  } catch (error) {
    if (error instanceof InputError && hasPyYamlOnlyLineBreaks(text)) {
      throw new InputError(
        `${error.message.replace(/\.$/, "")}, and it has line breaks that YAML 1.2 does not count (a carriage return alone, U+0085, U+2028 or U+2029); use line feeds.`,
      );
    }
    throw error;
  }
}

function parseInput(text: string, file: string, yamlVersion: "1.1" | "1.2"): PositionedDocument[] {
  try {
    return parsePositionedAll(text, { yamlVersion });
  } catch (error) {
    if (!(error instanceof DocumentSyntaxError)) {
      throw error;
    }
    throw new InputError(`${file} ${error.message}.`);
  }
}

/**
 * Returns the YAML 1.1 reading of each document, in which CLI YAML is judged. The Azure ML CLI v2 (azure-ai-ml)
 * loads a deployment file with PyYAML's `yaml.safe_load`, which reads YAML 1.1: it applies `<<` merge keys and
 * reads `010` as 8, `30_000` as 30000 and `1:30` as 90. The YAML 1.2 reading, which reads JSON as JSON does,
 * stays the one for ARM JSON and templates. The two readings split the text into the same documents.
 *
 * When the YAML 1.1 reading fails, for example on a merge key whose value is a number, a document that reads as
 * CLI YAML in YAML 1.2 raises the error, and the other documents have no YAML 1.1 reading.
 *
 * `text` is the file as it is. When it is JSON (`json`), `documents` are read from it with its comments blanked
 * (`blanked`), and only the choice of the CLI reader must agree, because ARM content is judged on the JSON
 * reading.
 */
function cliReadings(text: string, file: string, documents: readonly PositionedDocument[], json: boolean, blanked: boolean): readonly (PositionedDocument | undefined)[] {
  // A line break that only PyYAML recognizes can turn what YAML 1.2 reads as a comment into keys, even into another
  // kind of file. So such a text is always read both ways, and both readings must go to the same reader.
  const pyYamlOnlyBreaks = hasPyYamlOnlyLineBreaks(text);
  // Comments blanked for the JSON reading are text to PyYAML, so such a file is read both ways even as a template.
  if (!pyYamlOnlyBreaks && !blanked && documents.every((document) => isArmTemplate(document.value))) {
    return [];
  }
  let readings: PositionedDocument[];
  try {
    readings = parseInput(text, file, "1.1");
  } catch (error) {
    const judgedAsCliYaml = documents.some((document) => isCliYaml(document.value));
    if (!(error instanceof InputError) || judgedAsCliYaml || (pyYamlOnlyBreaks && !json)) {
      throw error;
    }
    return [];
  }
  if (readings.length !== documents.length || readings.some((reading, index) => readsDifferently(reading.value, documents[index].value, json, pyYamlOnlyBreaks))) {
    throw new InputError(
      `${file} reads differently as the Azure ML CLI reads it and as ${json ? "JSON" : "YAML 1.2"} reads it, because of ${json ? "a comment, or of " : ""}a line break ` +
        "that only one of them sees (a carriage return alone, U+0085, U+2028 or U+2029); use line feeds" +
        `${json ? " and remove the comments" : ""}.`,
    );
  }
  return readings;
}

// Whether the PyYAML reading of a document would go to another reader, or, for ARM content read as YAML, give it
// other values. Such a document in a YAML file is judged on the YAML 1.2 reading, which no Azure tool shares.
function readsDifferently(pyYaml: unknown, judged: unknown, json: boolean, pyYamlOnlyBreaks: boolean): boolean {
  const [cli, judgedCli] = [documentKind(pyYaml), documentKind(judged)];
  if (json) {
    return (cli === "cli") !== (judgedCli === "cli");
  }
  if (cli !== judgedCli) {
    return true;
  }
  return pyYamlOnlyBreaks && cli !== "cli" && JSON.stringify(pyYaml) !== JSON.stringify(judged);
}

/** Names the reader a document goes to, so two readings of one document can be compared. */
function documentKind(value: unknown): "template" | "cli" | "other" {
  if (isArmTemplate(value)) {
    return "template";
  }
  return isCliYaml(value) ? "cli" : "other";
}

/** Reads one parsed document, choosing the reader by its content. */
function readDocument(document: PositionedDocument, cliDocument: PositionedDocument | undefined, file: string, options: ReadInputOptions): SourceItem[] {
  if (isArmTemplate(document.value)) {
    return readArmTemplate(document, file, options.templateParameters);
  }
  if (cliDocument !== undefined && isCliYaml(cliDocument.value)) {
    return readDeploymentYaml(cliDocument, file);
  }
  if (isPlainObject(document.value) && !looksLikeArmJson(document.value)) {
    return [];
  }
  return readArmJson(document, file);
}

/**
 * Returns whether a mapping has a key of an ARM resource, a list response or an OpenAPI example. A mapping with
 * none of them (`{}`, or YAML of some other tool) would otherwise be read as a deployment whose every field is
 * missing.
 */
function looksLikeArmJson(value: Record<string, unknown>): boolean {
  return ARM_RESOURCE_KEYS.some((key) => key in value) || Array.isArray(value.value) || isPlainObject(value.responses);
}

/** Builds the not-evaluated item for a file or document that names no online deployment, so the file still shows in the result. */
function noDeploymentItem(file: string, value: unknown, where: string | undefined): SourceItem {
  const subject = where === undefined ? "" : `${where} `;
  const item = fileItem(file, `${subject}contains no Azure Machine Learning online deployment`);
  return isArmTemplate(value) ? { ...item, ref: { ...item.ref, source: "arm-template" } } : item;
}

/**
 * Builds the not-evaluated item that stands for a whole file, such as one `readInputFile` rejected, so the file
 * stays in the result. Without a parsed document, only the file name hints at the source kind.
 */
export function fileItem(file: string, reason: string): Extract<SourceItem, { kind: "not-evaluated" }> {
  const source: SourceKind = /\.ya?ml$/i.test(file) ? "cli-yaml" : "arm";
  return { kind: "not-evaluated", ref: { name: file, source, file }, reason };
}

/** Reads an ARM parameters file (deploymentParameters.json) for `--parameters`, or throws an InputError. */
export async function readTemplateParameters(file: string): Promise<TemplateParameterValues> {
  const { text } = armText(await readText(file), file, `Parameters file ${file}`);
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
  return (await readTextFile(file)).text;
}

/**
 * Reads a file as UTF-8 text as {@link readText} does, and returns its bytes too, for a SHA-256 of what was read.
 * `description` names the file in messages, such as "exemptions file x.yaml", and defaults to the path.
 */
export async function readTextFile(file: string, description = file): Promise<{ readonly bytes: Buffer; readonly text: string }> {
  const bytes = await readBytes(file, description);
  return { bytes, text: decodeUtf8(bytes, description) };
}

async function readBytes(file: string, description: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new InputError(readErrorMessage(description, error as NodeJS.ErrnoException));
  }
}

// A leading byte order mark is dropped by the decoder.
function decodeUtf8(bytes: Uint8Array, description: string): string {
  try {
    return UTF8.decode(bytes);
  } catch (error) {
    // V8 strings hold at most about 512 MiB, and decoding a larger file fails with a RangeError, not an encoding error.
    if (error instanceof RangeError) {
      throw new InputError(`Cannot read ${description}: at ${bytes.length} bytes it is too large to read as one text; split it into smaller files.`);
    }
    throw new InputError(`Cannot read ${description}: it is not valid UTF-8 text; save it as UTF-8.`);
  }
}

function readErrorMessage(description: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT":
      return `Cannot read ${description}: not found.`;
    case "EISDIR":
      return `Cannot read ${description}: it is a directory; name the files to check.`;
    case "EACCES":
    case "EPERM":
      return `Cannot read ${description}: permission denied.`;
    default:
      return `Cannot read ${description}: ${error.message}.`;
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
