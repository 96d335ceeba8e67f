import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../config/limits";
import type { Exemption } from "./exemption";
import { parseExemptionsFile } from "./parse";

export interface LoadedExemptions {
  readonly file: string;
  /** SHA-256 of the file's bytes, as evidence of which exemptions a report applied. */
  readonly sha256: string;
  readonly exemptions: readonly Exemption[];
}

/** Reads an exemptions file (JSON for `.json`, YAML otherwise) and validates it against the rule ids. */
export async function loadExemptions(file: string, ruleIds: readonly string[]): Promise<LoadedExemptions> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (error as Error).message;
    throw new ConfigError(`Cannot read exemptions file ${file}: ${reason}.`, [reason]);
  }

  // Editors on Windows often save files with a byte order mark, which JSON.parse rejects.
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  let raw: unknown;
  try {
    raw = extname(file).toLowerCase() === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const format = extname(file).toLowerCase() === ".json" ? "JSON" : "YAML";
    throw new ConfigError(`Invalid exemptions file ${file}: not valid ${format} (${(error as Error).message}).`, [`not valid ${format}`]);
  }

  return {
    file,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    exemptions: parseExemptionsFile(raw, ruleIds, `exemptions file ${file}`),
  };
}
