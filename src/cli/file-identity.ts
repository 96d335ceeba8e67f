import { readlink, realpath, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

/**
 * Returns the identities of a file: its real path, and the device and inode when the file exists. For a file that
 * does not exist yet, the real path is that of its directory joined with its name. Two names whose identities
 * overlap name the same file, which covers `./x`, absolute paths, and symbolic and hard links.
 */
export async function fileIdentities(file: string): Promise<string[]> {
  const identities = [`path:${await realPathOf(file)}`];
  try {
    const stats = await stat(file);
    identities.push(`inode:${stats.dev}:${stats.ino}`);
  } catch {
    // A file that does not exist or cannot be read has no inode to compare; its path is compared above.
  }
  return identities;
}

// Linux stops resolving after 40 symbolic links (ELOOP); a longer chain is compared by its last name.
const MAX_SYMBOLIC_LINKS = 40;

/**
 * Returns the absolute path of a file with symbolic links resolved, as far as the file or its directory exists.
 * A dangling symbolic link resolves to the file it points to, which a write through the link would create.
 */
export async function realPathOf(file: string, links = 0): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    const target = links < MAX_SYMBOLIC_LINKS ? await symbolicLinkTarget(file) : undefined;
    if (target !== undefined) {
      return realPathOf(resolve(dirname(file), target), links + 1);
    }
    try {
      return join(await realpath(dirname(file)), basename(file));
    } catch {
      return resolve(file);
    }
  }
}

async function symbolicLinkTarget(file: string): Promise<string | undefined> {
  try {
    return await readlink(file);
  } catch {
    // Not a symbolic link, or not readable: the caller compares the path as it is.
    return undefined;
  }
}

/** An item that was dropped because an earlier item names the same file. */
export interface SameFile<T> {
  readonly item: T;
  readonly sameAs: T;
}

/** Keeps the first item that names each file, and lists each later item whose file an earlier one names. */
export async function distinctFiles<T>(items: readonly T[], fileOf: (item: T) => string): Promise<{ kept: T[]; duplicates: SameFile<T>[] }> {
  const kept: T[] = [];
  const duplicates: SameFile<T>[] = [];
  const owners = new Map<string, T>();
  for (const item of items) {
    const identities = await fileIdentities(fileOf(item));
    const sameAs = identities.map((identity) => owners.get(identity)).find((owner) => owner !== undefined);
    if (sameAs !== undefined) {
      duplicates.push({ item, sameAs });
      continue;
    }
    kept.push(item);
    for (const identity of identities) {
      owners.set(identity, item);
    }
  }
  return { kept, duplicates };
}
