import { stat } from "node:fs/promises";
import { InputError, readTextFile } from "../sources/files";
import { DocumentSyntaxError, parsePositioned } from "../sources/locator";
import { ConfigError } from "./limits";

/**
 * Reads a limits or exemptions file as strict UTF-8, or throws a ConfigError that names the kind of file and its path.
 * A byte replaced by U+FFFD could change a key or a value without a visible sign.
 */
export async function readConfigFile(file: string, kind: "limits" | "exemptions"): Promise<{ readonly bytes: Buffer; readonly text: string }> {
  const origin = `${kind} file ${file}`;
  // The shared reader's advice for a directory is to name the files to check, which is wrong for these files.
  if (await isDirectory(file)) {
    const problem = `Cannot read ${origin}: it is a directory; name the ${kind} file itself.`;
    throw new ConfigError(problem, [problem]);
  }
  try {
    return await readTextFile(file, origin);
  } catch (error) {
    if (error instanceof InputError) {
      throw new ConfigError(error.message, [error.message]);
    }
    throw error;
  }
}

async function isDirectory(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Parses a limits or exemptions file as one JSON or YAML document, or throws a ConfigError. A key given twice
 * is an error, because a second `expires` or `maxRequestTimeout` would silently replace the first.
 */
export function parseConfigDocument(text: string, origin: string): unknown {
  try {
    return parsePositioned(text).value;
  } catch (error) {
    if (error instanceof DocumentSyntaxError) {
      throw new ConfigError(`Invalid ${origin}: it ${error.message}.`, [error.message]);
    }
    throw error;
  }
}
