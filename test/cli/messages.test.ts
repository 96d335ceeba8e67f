import path from "node:path";
import { runCli } from "./run-cli";
import { useTemporaryDirectory } from "../support/temporary-directory";

const DEPLOYMENT = path.resolve(__dirname, "../../examples/deployment.yml");
const ENTRY = { resource: "/subscriptions/*/resourceGroups/ml-rg/**", rules: ["request-timeout"], reason: "Batch scoring", owner: "ml-platform", expires: "2099-12-31" };

describe("CLI messages", () => {
  const directory = useTemporaryDirectory("amlguard-messages-");

  test("rules help sentence", async () => {
    const run = await runCli(["rules", "--help"]);

    expect(run.stdout.replace(/\s+/g, " ")).toContain("List every rule (deployment rules and stack rules) with its severity,");
  });

  test("one resource is singular", async () => {
    const run = await runCli(["check", DEPLOYMENT, "--format", "table"]);

    expect(run.stdout).toMatch(/^1 resource: /m);
    expect(run.stdout).not.toMatch(/\b1 (resources|findings|rule checks)\b/);
  });

  test("one exemption entry is singular", async () => {
    const exemptions = directory.write("one.json", JSON.stringify({ exemptions: [ENTRY] }));

    const run = await runCli(["check", DEPLOYMENT, "--exemptions", exemptions, "--format", "table"]);

    expect(run.stdout).toContain(": 1 entry, 0 applied");
  });

  test.each([
    { option: "--policy-pack-config", advice: "name the limits file itself" },
    { option: "--exemptions", advice: "name the exemptions file itself" },
  ])("$option directory names the file", async ({ option, advice }) => {
    const run = await runCli(["check", DEPLOYMENT, option, directory.path()]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(advice);
    expect(run.stderr).not.toContain("name the files to check");
  });

  test("exemptions file in limits shape shows its own shape", async () => {
    const exemptions = directory.write("limits-shape.yaml", `entries:\n  - ${JSON.stringify(ENTRY)}\n`);

    const run = await runCli(["check", DEPLOYMENT, "--exemptions", exemptions]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("An exemptions file lists its entries directly under a top-level exemptions key");
    expect(run.stderr).toContain("  exemptions:\n    - { resource:");
  });

  test("limits file in exemptions shape shows its own shape", async () => {
    const limits = directory.write("exemptions-shape.json", JSON.stringify({ exemptions: [ENTRY] }));

    const run = await runCli(["check", DEPLOYMENT, "--policy-pack-config", limits]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('The limits file lists exemptions under "exemptions": {"entries": [...]}');
    expect(run.stderr).toContain('  "exemptions": { "entries": [');
  });

  test.each([
    { name: "missing file", argv: ["check", "/nonexistent/amlguard.yml"] },
    { name: "bad limits file", argv: ["check", DEPLOYMENT, "--policy-pack-config", DEPLOYMENT] },
    { name: "unknown option", argv: ["check", DEPLOYMENT, "--bogus"] },
    { name: "report without input", argv: ["report"] },
  ])("$name error ends in a line break", async ({ argv }) => {
    const run = await runCli(argv);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/[^\n]\n$/);
  });
});
