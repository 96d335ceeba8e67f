import { createHash } from "node:crypto";
import { RULES } from "../rules/index";
import { STACK_RULES } from "../rules/stack/index";
import { strictJsonProblem } from "../sources/json-comments";
import { parseConfigDocument, readConfigFile } from "./config-file";
import { ConfigError, type ResolvedConfig, defaultConfig, resolveConfig } from "./limits";

// The limits file has one entry per rule, deployment rules and stack rules alike.
const CONFIGURABLE_RULES = [...RULES, ...STACK_RULES];

export interface LoadedConfig {
  readonly config: ResolvedConfig;
  /** The file the limits came from, or undefined for the built-in defaults. */
  readonly file?: string;
  /** SHA-256 of the file's bytes, as evidence of which limits a report applied. */
  readonly sha256?: string;
}

/** Reads and validates a limits file, or returns the built-in defaults when `file` is undefined. */
export async function loadConfig(file: string | undefined): Promise<LoadedConfig> {
  if (file === undefined) {
    return { config: defaultConfig(CONFIGURABLE_RULES) };
  }

  const origin = `limits file ${file}`;
  const { bytes, text } = await readConfigFile(file, "limits");

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // JSON.parse names only an offset, so the line and column come from a JSON scanner when it finds the error.
    const syntaxError = strictJsonProblem(text) ?? (error as Error).message;
    throw new ConfigError(`Invalid ${origin}: not valid JSON (${syntaxError}). Fix the JSON syntax there.`, ["not valid JSON"]);
  }
  // resolveConfig reads a missing config as {}, but a file that contains only `null` is a mistake, not "no limits".
  if (raw === null) {
    const problem = "(top level): expected an object of rule ids, got null";
    throw new ConfigError(`Invalid limits file ${file}:\n  - ${problem}`, [problem]);
  }
  // JSON.parse keeps the last of two equal keys, so a second maxRequestTimeout would silently replace the first.
  // The file stays JSON, because the Pulumi CLI reads it too. The YAML reader only finds the duplicate and its position.
  if (typeof raw === "object") {
    parseConfigDocument(text, origin);
  }
  return {
    config: resolveConfig(raw, CONFIGURABLE_RULES, `limits file ${file}`),
    file,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}
