import { existsSync } from "node:fs";
import path from "node:path";
import { runCli } from "./run-cli";
import { SHARED_DIR } from "../support/corpus";
import { useTemporaryDirectory } from "../support/temporary-directory";

const DEPLOYMENT = path.join(SHARED_DIR, "corpus/rest-api-specs/2025-06-01/OnlineDeployment/ManagedOnlineDeployment/get.json");

describe("--output files", () => {
  const temporaryDirectory = useTemporaryDirectory("amlguard-output-");

  test("missing parents are created", async () => {
    const target = path.join(temporaryDirectory.path(), "a", "b", "report.json");

    const run = await runCli(["check", DEPLOYMENT, "--format", "table", "--output", `json=${target}`]);

    expect(run.code).toBe(1);
    expect(existsSync(target)).toBe(true);
  });

  // Node 20's recursive mkdir never returns for such a path, so this test also guards against a hang.
  test("unwritable directory exits 2", async () => {
    const run = await runCli(["check", DEPLOYMENT, "--format", "table", "--output", "json=/proc/amlguard-missing/report.json"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cannot write the json report to /proc/amlguard-missing/report.json");
  });
});
