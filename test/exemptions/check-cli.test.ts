import { mkdtemp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EXIT_CODES } from "../../src/findings/report";
import { runCli } from "../cli/run-cli";
import { BLUE_ID, CANARY_ID, DEPLOYMENTS_FILE } from "../reporters/run-fixtures";
import { useTemporaryDirectory } from "../support/temporary-directory";

const temporaryDirectory = useTemporaryDirectory("amlguard-check-");

async function exemptionsFile(entries: readonly Record<string, unknown>[]): Promise<string> {
  const file = join(await mkdtemp(join(temporaryDirectory.path(), "test-")), "exemptions.json");
  await writeFile(file, JSON.stringify({ exemptions: entries }));
  return file;
}

const base = { reason: "Accepted until the March release.", owner: "team-fraud", expires: "2999-01-31" };

describe("check with exemptions", () => {
  test("waiving every mandatory finding exits 0", async () => {
    const file = await exemptionsFile([
      { ...base, resource: BLUE_ID, rules: ["request-timeout"] },
      { ...base, resource: CANARY_ID, rules: ["egress-public-network-access"] },
    ]);

    const run = await runCli(["check", DEPLOYMENTS_FILE, "--exemptions", file, "--format", "json"]);

    expect(run.code).toBe(EXIT_CODES.ok);
    expect(JSON.parse(run.stdout).summary.findings.waived).toBe(2);
  });

  test("expired entry no longer waives", async () => {
    const file = await exemptionsFile([{ ...base, resource: BLUE_ID, rules: ["request-timeout"], expires: "2020-01-31" }]);

    const run = await runCli(["check", DEPLOYMENTS_FILE, "--exemptions", file, "--format", "json"]);

    expect(run.code).toBe(EXIT_CODES.failed);
    expect(JSON.parse(run.stdout).exemptions.expired).toEqual([expect.objectContaining({ index: 0, expires: "2020-01-31" })]);
  });

  test("catch-all entry exits 2", async () => {
    const file = await exemptionsFile([{ ...base, resource: "**", rules: "*" }]);

    const run = await runCli(["check", DEPLOYMENTS_FILE, "--exemptions", file, "--format", "json"]);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toContain("exempts all deployments of every subscription and stack");
  });

  test("table lists unused entries", async () => {
    const file = await exemptionsFile([{ ...base, resource: BLUE_ID.replace("blue", "retired"), rules: "*" }]);

    const run = await runCli(["check", DEPLOYMENTS_FILE, "--exemptions", file, "--format", "table"]);

    expect(run.stdout).toContain("Unused: entry 0 (resource '");
  });
});
