import { createHash } from "node:crypto";
import { parseConfigDocument, readConfigFile } from "../config/config-file";
import type { Exemption } from "./exemption";
import { parseExemptionsFile } from "./parse";

export interface LoadedExemptions {
  readonly file: string;
  /** SHA-256 of the file's bytes, as evidence of which exemptions a report applied. */
  readonly sha256: string;
  readonly exemptions: readonly Exemption[];
}

/**
 * Reads an exemptions file (JSON or YAML) and validates it against the rule ids. The file is read as strictly
 * as a check input, so bytes that are not UTF-8 and a key given twice are errors. Either can change an entry
 * without a visible sign: a byte replaced by U+FFFD, or a second `expires` that silently wins.
 */
export async function loadExemptions(file: string, ruleIds: readonly string[]): Promise<LoadedExemptions> {
  const origin = `exemptions file ${file}`;
  const { bytes, text } = await readConfigFile(file, "exemptions");
  const raw = parseConfigDocument(text, origin);

  return {
    file,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    exemptions: parseExemptionsFile(raw, ruleIds, origin),
  };
}
