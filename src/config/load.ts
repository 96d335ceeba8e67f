import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { RULES } from "../rules/index";
import { STACK_RULES } from "../rules/stack/index";
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

  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (error as Error).message;
    throw new ConfigError(`Cannot read limits file ${file}: ${reason}.`, [reason]);
  }

  let raw: unknown;
  try {
    // Editors on Windows often save JSON with a byte order mark, which JSON.parse rejects.
    raw = JSON.parse(bytes.toString("utf8").replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new ConfigError(`Invalid limits file ${file}: not valid JSON (${(error as Error).message}).`, ["not valid JSON"]);
  }
  // resolveConfig reads a missing config as {}, but a file that contains only `null` is a mistake, not "no limits".
  if (raw === null) {
    const problem = "(top level): expected an object of rule ids, got null";
    throw new ConfigError(`Invalid limits file ${file}:\n  - ${problem}`, [problem]);
  }
  return {
    config: resolveConfig(raw, CONFIGURABLE_RULES, `limits file ${file}`),
    file,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}
