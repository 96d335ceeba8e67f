import { InputError, readTextFile } from "../sources/files";
import { DocumentSyntaxError, parsePositioned } from "../sources/locator";
import { ConfigError } from "./limits";

/**
 * Reads a limits or exemptions file as strict UTF-8, or throws a ConfigError that names it through `origin`.
 * A byte replaced by U+FFFD could change a key or a value without a visible sign.
 */
export async function readConfigFile(file: string, origin: string): Promise<{ readonly bytes: Buffer; readonly text: string }> {
  try {
    return await readTextFile(file, origin);
  } catch (error) {
    if (error instanceof InputError) {
      throw new ConfigError(error.message, [error.message]);
    }
    throw error;
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
