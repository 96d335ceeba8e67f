import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface TemporaryDirectory {
  /** Path of the directory; valid from the first beforeAll hook on. */
  readonly path: () => string;
  /** Writes a file into the directory and returns its path. */
  readonly write: (name: string, content: string | Buffer) => string;
}

/** Creates a directory for one test file's inputs before its tests and removes it after them. */
export function useTemporaryDirectory(prefix: string): TemporaryDirectory {
  let directory = "";

  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), prefix));
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  return {
    path: () => directory,
    write: (name, content) => {
      const file = path.join(directory, name);
      writeFileSync(file, content);
      return file;
    },
  };
}
