import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import type { InputFileEvidence } from "../findings/run-report";
import { escapePlainText } from "../reporters/plain-text";
import { isArmTemplate } from "../sources/arm-template";
import { armText } from "../sources/files";
import { type PositionedDocument, parsePositioned, parsePositionedAll } from "../sources/locator";
import { isPlainObject } from "../sources/property-access";
import { realPathOf } from "./file-identity";

/** A file `amlguard check` read: its evidence, and its text when it is valid UTF-8. */
export interface ReadCheckInput {
  readonly evidence: InputFileEvidence;
  readonly text: string | undefined;
}

/**
 * Reads a file of `amlguard check` for its SHA-256 and text. A file that cannot be read or decoded gets no hash
 * or no text; the source readers report why.
 */
// NOTE: the source readers read the file again, so a file that changes during the run may be hashed in one state
// and judged in another.
export async function readCheckInput(file: string, role: "checked" | "parameters"): Promise<ReadCheckInput> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return { evidence: { file, role }, text: undefined };
  }
  const evidence: InputFileEvidence = { file, role, realPath: await realPathOf(file), sha256: createHash("sha256").update(bytes).digest("hex") };
  try {
    return { evidence, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { evidence, text: undefined };
  }
}

/**
 * Parses a file's text as the source readers read ARM content (see `armText`). A file that does not parse gives
 * no documents, because the source readers report why.
 */
function documentsOf(input: ReadCheckInput, parse: (text: string) => PositionedDocument[]): PositionedDocument[] {
  if (input.text === undefined) {
    return [];
  }
  try {
    return parse(armText(input.text, input.evidence.file, input.evidence.file).text);
  } catch {
    return [];
  }
}

/** Returns whether a path names a directory, so the error can ask for the file inside it. */
export async function isDirectory(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Returns one problem for each parameter that the parameters file names and an ARM template among the checked files
 * does not declare. Azure Resource Manager rejects such a deployment, so a verdict on it would judge a deployment
 * that cannot happen. Names are compared without regard to case, as ARM compares parameter names.
 */
export function undeclaredParameters(parametersFile: string, parameters: ReadCheckInput, checked: readonly ReadCheckInput[]): string[] {
  // Only a run with a parameters file parses the checked files here, to find their templates.
  const root = documentsOf(parameters, (text) => [parsePositioned(text)])[0]?.value;
  if (!isPlainObject(root) || !isPlainObject(root.parameters)) {
    return [];
  }
  const given = Object.keys(root.parameters);

  const problems: string[] = [];
  for (const input of checked) {
    for (const document of documentsOf(input, parsePositionedAll)) {
      if (!isArmTemplate(document.value)) {
        continue;
      }
      const declaredObject = (document.value as Record<string, unknown>).parameters;
      const declared = isPlainObject(declaredObject) ? Object.keys(declaredObject) : [];
      const declaredLower = new Set(declared.map((name) => name.toLowerCase()));
      for (const name of given.filter((candidate) => !declaredLower.has(candidate.toLowerCase()))) {
        const listed = declared.length === 0 ? "it declares no parameters" : `its parameters are ${declared.map(escapePlainText).join(", ")}`;
        problems.push(
          `parameters file ${escapePlainText(parametersFile)} names parameter "${escapePlainText(name)}", which template ` +
            `${escapePlainText(input.evidence.file)} does not declare (${listed}). Azure Resource Manager rejects such a ` +
            "deployment: remove the parameter from the parameters file or declare it in the template.",
        );
      }
    }
  }
  return problems;
}
