import { stat } from "node:fs/promises";
import { ConfigError } from "../config/limits";
import { escapePlainText } from "../reporters/plain-text";
import { distinctFiles, fileIdentities } from "./file-identity";
import type { OutputTarget } from "./output";

/**
 * Throws a ConfigError (exit code 2) when an `--output` file is one of the run's input files, so a report never
 * replaces the file it was made from. Two paths name the same file when they resolve to the same real path or,
 * for an existing file, have the same device and inode, which covers symbolic and hard links.
 */
export async function rejectOutputsOverInputs(targets: readonly OutputTarget[], inputs: readonly string[]): Promise<void> {
  if (targets.length === 0) {
    return;
  }
  const inputIdentities = new Map<string, string>();
  for (const input of inputs) {
    for (const identity of await fileIdentities(input)) {
      inputIdentities.set(identity, input);
    }
  }

  const problems: string[] = [];
  for (const target of targets) {
    const input = (await fileIdentities(target.file)).map((identity) => inputIdentities.get(identity)).find((name) => name !== undefined);
    if (input !== undefined) {
      const same = input === target.file ? "" : ` (the same file as input ${escapePlainText(input)})`;
      problems.push(`--output ${target.format}=${escapePlainText(target.file)} would overwrite an input file${same}`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`${problems.join("; ")}. Write the report to another file; nothing was written.`, problems);
  }
}

/**
 * Throws a ConfigError (exit code 2) when two `--output` targets name the same file, directly or through a link,
 * because the second report would silently replace the first. Paths are compared as rejectOutputsOverInputs
 * compares them.
 */
export async function rejectSharedOutputFiles(targets: readonly OutputTarget[]): Promise<void> {
  // Reports sent to a device such as /dev/null or a terminal replace nothing that a file would keep.
  const fileTargets: OutputTarget[] = [];
  for (const target of targets) {
    if (!(await isCharacterDevice(target.file))) {
      fileTargets.push(target);
    }
  }
  const { duplicates } = await distinctFiles(fileTargets, (target) => target.file);
  const problems = duplicates.map(({ item, sameAs }) => {
    const same = sameAs.file === item.file ? "" : ` (the same file as ${escapePlainText(sameAs.file)})`;
    return `--output ${item.format}=${escapePlainText(item.file)} names the file of --output ${sameAs.format}=${escapePlainText(sameAs.file)}${same}`;
  });
  if (problems.length > 0) {
    throw new ConfigError(`${problems.join("; ")}. Give each report its own file; nothing was written.`, problems);
  }
}

async function isCharacterDevice(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isCharacterDevice();
  } catch {
    return false;
  }
}
