import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The third-party corpus (Azure REST API examples, Azure ML CLI YAML, ARM templates) that sits in `shared/`
 * beside the repository clone. Tests that read it fail at load with this message instead of one ENOENT per file.
 */
export const SHARED_DIR = path.resolve(__dirname, "../../../shared");
export const CORPUS_DIR = path.join(SHARED_DIR, "corpus");

if (!existsSync(CORPUS_DIR)) {
  throw new Error(`The shared corpus is missing: expected ${CORPUS_DIR} beside the repository clone.`);
}
