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
    expect(run.stderr).toContain("matches deployments of subscriptions, stacks or files it does not name");
  });

  // The resource contains the byte 0xC3 without its continuation byte, so a lenient decoder would turn it into U+FFFD.
  const invalidUtf8 = Buffer.concat([
    Buffer.from(`exemptions:\n  - resource: "${BLUE_ID}`),
    Buffer.from([0xc3]),
    Buffer.from(`"\n    rules: ["request-timeout"]\n    reason: Batch scoring\n    owner: team-fraud\n    expires: "2999-01-31"\n`),
  ]);
  const duplicateExpiresJson = [
    "{",
    '  "exemptions": [',
    `    { "resource": "${BLUE_ID}", "rules": ["request-timeout"], "reason": "Batch scoring", "owner": "team-fraud",`,
    '      "expires": "2020-01-31",',
    '      "expires": "2999-01-31" }',
    "  ]",
    "}",
  ].join("\n");
  const duplicateExpiresYaml = [
    "exemptions:",
    `  - resource: "${BLUE_ID}"`,
    '    rules: ["request-timeout"]',
    "    reason: Batch scoring",
    "    owner: team-fraud",
    '    expires: "2020-01-31"',
    '    expires: "2999-01-31"',
  ].join("\n");

  test.each([
    { name: "invalid UTF-8", file: "invalid-utf8.yaml", content: invalidUtf8, problem: "is not valid UTF-8 text; save it as UTF-8" },
    {
      name: "duplicate key in JSON",
      file: "duplicate-expires.json",
      content: duplicateExpiresJson,
      problem: 'has the key "expires" twice (first at line 4, column 7, again at line 5, column 7), so its value is ambiguous; keep one of them',
    },
    {
      name: "duplicate key in YAML",
      file: "duplicate-expires.yaml",
      content: duplicateExpiresYaml,
      problem: 'has the key "expires" twice (first at line 6, column 5, again at line 7, column 5), so its value is ambiguous; keep one of them',
    },
  ])("$name exits 2", async ({ file, content, problem }) => {
    const path = temporaryDirectory.write(file, content);

    const run = await runCli(["check", DEPLOYMENTS_FILE, "--exemptions", path, "--format", "json"]);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toContain(`exemptions file ${path}`);
    expect(run.stderr).toContain(problem);
  });

  test("table lists unused entries", async () => {
    const file = await exemptionsFile([{ ...base, resource: BLUE_ID.replace("blue", "retired"), rules: "*" }]);

    const run = await runCli(["check", DEPLOYMENTS_FILE, "--exemptions", file, "--format", "table"]);

    expect(run.stdout).toContain("Unused: entry 0 (resource '");
  });
});
