import { readFile } from "node:fs/promises";
import { readArmJson } from "./arm-json";
import { DocumentSyntaxError, parsePositioned } from "./locator";
import type { SourceItem } from "./source-item";

/** Raised when an input file cannot be read or parsed at all; `amlguard check` exits 2 on it. */
export class InputError extends Error {}

/** Reads one input file into source items. */
export async function readInputFile(file: string): Promise<SourceItem[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (error as Error).message;
    throw new InputError(`Cannot read ${file}: ${reason}.`);
  }

  try {
    return readArmJson(parsePositioned(text), file);
  } catch (error) {
    if (error instanceof DocumentSyntaxError) {
      throw new InputError(`${file} ${error.message}.`);
    }
    throw error;
  }
}
