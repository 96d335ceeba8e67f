import { readFileSync } from "node:fs";
import path from "node:path";
import { runCli } from "../cli/run-cli";
import { escapePlainText } from "../../src/reporters/plain-text";
import { useTemporaryDirectory } from "../support/temporary-directory";

const DEPLOYMENT_YAML = readFileSync(path.resolve(__dirname, "../../examples/deployment.yml"), "utf8");

// The example's name line, replaced by a name that carries the given characters.
function deploymentNamed(name: string): string {
  return DEPLOYMENT_YAML.replace(/^name: .*$/m, `name: ${JSON.stringify(name)}`);
}

describe("escapePlainText", () => {
  test.each([
    { name: "escape sequence", text: "evil\u001b[2J", expected: "evil\\u001b[2J" },
    { name: "line feed", text: "blue\nPASS", expected: "blue\\u000aPASS" },
    { name: "carriage return", text: "a\rb", expected: "a\\u000db" },
    { name: "right-to-left override", text: "a\u202eb", expected: "a\\u202eb" },
    { name: "isolate", text: "a\u2066b", expected: "a\\u2066b" },
    { name: "line separator", text: "a\u2028b", expected: "a\\u2028b" },
    { name: "C1 control", text: "a\u009bb", expected: "a\\u009bb" },
    { name: "plain text unchanged", text: "blue-1 é \\ 日本", expected: "blue-1 é \\ 日本" },
  ])("$name", ({ text, expected }) => {
    expect(escapePlainText(text)).toBe(expected);
  });
});

describe("table with hostile names", () => {
  const directory = useTemporaryDirectory("amlguard-plain-text-");

  test.each([
    { name: "escape codes", deploymentName: "evil\u001b[2J\u001b[31mPASS\u001b[0m", shown: "evil\\u001b[2J\\u001b[31mPASS\\u001b[0m" },
    { name: "forged line", deploymentName: "blue\nPASS           deployment fake", shown: "blue\\u000aPASS           deployment fake" },
    { name: "bidirectional override", deploymentName: "blue\u202eeulb", shown: "blue\\u202eeulb" },
  ])("$name are shown escaped", async ({ name, deploymentName, shown }) => {
    const file = directory.write(`${name.replace(/ /g, "-")}.yml`, deploymentNamed(deploymentName));

    const run = await runCli(["check", file, "--format", "table"]);

    expect(run.stdout).toContain(`deployment '${shown}'`);
    expect(run.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(run.stdout.split("\n").filter((line) => line.startsWith("PASS"))).toEqual([]);
  });

  test("stderr escapes a file name", async () => {
    const run = await runCli(["check", path.join(directory.path(), "missing\u001b[2J.yml"), "--format", "table"]);

    expect(run.stderr).toContain("missing\\u001b[2J.yml");
    expect(run.stderr).not.toContain("\u001b");
  });
});

describe("markdown with names from inputs", () => {
  const directory = useTemporaryDirectory("amlguard-markdown-names-");

  test.each([
    { name: "team mention", deploymentName: "blue @org/team", code: "`@org/team`" },
    { name: "user mention", deploymentName: "@someone", code: "`@someone`" },
    { name: "bare URL", deploymentName: "see https://example.test/x", code: "`https://example.test/x`" },
    { name: "www address", deploymentName: "see www.example.test", code: "`www.example.test`" },
  ])("$name is a code span", async ({ name, deploymentName, code }) => {
    const file = directory.write(`${name.replace(/ /g, "-")}.yml`, deploymentNamed(deploymentName));

    const run = await runCli(["check", file, "--format", "markdown"]);
    const resourceRows = run.stdout.split("\n").filter((line) => line.startsWith("| ") && line.includes("deployment '"));

    expect(resourceRows.length).toBeGreaterThan(0);
    expect(resourceRows.every((line) => line.includes(code))).toBe(true);
  });

  test("email address stays text", async () => {
    const file = directory.write("email.yml", deploymentNamed("ann@example.test"));

    const run = await runCli(["check", file, "--format", "markdown"]);

    expect(run.stdout).toContain("deployment 'ann@example.test'");
  });
});
