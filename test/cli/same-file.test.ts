import { existsSync, linkSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runCli } from "./run-cli";
import { useTemporaryDirectory } from "../support/temporary-directory";

const DEPLOYMENT_YAML = readFileSync(path.resolve(__dirname, "../../examples/deployment.yml"), "utf8");

interface JsonReport {
  readonly resources: { readonly file?: string }[];
  readonly evidence: { readonly scope: { readonly files?: string[] }; readonly inputs?: { readonly file: string; readonly role: string }[] };
}

/** Creates links to a file and returns the names a user may give it: as written, with `./`, absolute, and through links. */
function spellings(file: string): Record<string, string> {
  const relative = path.relative(process.cwd(), file);
  return {
    relative,
    dotted: `.${path.sep}${relative}`,
    absolute: path.resolve(file),
    symlink: link(file, "symlink", symlinkSync),
    hardlink: link(file, "hardlink", linkSync),
  };
}

function link(file: string, suffix: string, create: (target: string, name: string) => void): string {
  const name = `${file}.${suffix}.yml`;
  create(file, name);
  return name;
}

describe("check of one file under several names", () => {
  const directory = useTemporaryDirectory("amlguard-same-file-");

  test.each(["dotted", "absolute", "symlink", "hardlink"])("relative and %s count once", async (other) => {
    const names = spellings(directory.write(`${other}.yml`, DEPLOYMENT_YAML));

    const run = await runCli(["check", names.relative, names[other], "--format", "json"]);
    const report = JSON.parse(run.stdout) as JsonReport;

    expect(report.resources).toHaveLength(1);
    expect(report.resources[0].file).toBe(names.relative);
    expect(report.evidence.scope.files).toEqual([names.relative]);
    expect(report.evidence.inputs?.filter((input) => input.role === "checked").map((input) => input.file)).toEqual([names.relative]);
    expect(run.stderr).toContain(`${names[other]} is the same file as ${names.relative}, so it is checked once`);
  });

  test("three spellings count once", async () => {
    const names = spellings(directory.write("three.yml", DEPLOYMENT_YAML));

    const run = await runCli(["check", names.relative, names.dotted, names.absolute, "--format", "json"]);
    const report = JSON.parse(run.stdout) as JsonReport;

    expect(report.resources).toHaveLength(1);
  });

  test("different files both count", async () => {
    const first = directory.write("first.yml", DEPLOYMENT_YAML);
    const second = directory.write("second.yml", DEPLOYMENT_YAML);

    const run = await runCli(["check", first, second, "--format", "json"]);
    const report = JSON.parse(run.stdout) as JsonReport;

    expect(report.resources).toHaveLength(2);
  });
});

describe("merge of shards that checked one file", () => {
  const directory = useTemporaryDirectory("amlguard-same-file-merge-");

  async function shard(file: string, name: string): Promise<string> {
    const output = path.join(directory.path(), name);
    await runCli(["check", file, "--output", `json=${output}`, "--format", "json"]);
    return output;
  }

  test("different names overlap", async () => {
    const names = spellings(directory.write("shared.yml", DEPLOYMENT_YAML));
    const shards = [await shard(names.relative, "a.json"), await shard(names.dotted, "b.json"), await shard(names.absolute, "c.json")];

    const run = await runCli(["report", "--merge", ...shards, "--format", "json"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`is in both ${shards[0]} and ${shards[1]}`);
    expect(run.stdout).toBe("");
  });

  test("different files merge", async () => {
    const first = directory.write("one.yml", DEPLOYMENT_YAML);
    const second = directory.write("two.yml", DEPLOYMENT_YAML);
    const shards = [await shard(first, "one.json"), await shard(second, "two.json")];

    const run = await runCli(["report", "--merge", ...shards, "--format", "json"]);
    const report = JSON.parse(run.stdout) as JsonReport;

    expect(report.resources).toHaveLength(2);
  });
});

describe("two --output targets naming one file", () => {
  const directory = useTemporaryDirectory("amlguard-same-output-");

  // Each case returns the file of the first target and the name the second target gives it.
  test.each([
    { name: "same name", names: (file: string) => [file, file] },
    { name: "dotted name", names: (file: string) => [file, path.join(path.dirname(file), ".", path.basename(file))] },
    { name: "symbolic link", names: (file: string) => [file, link(file, "symlink", symlinkSync)] },
    { name: "hard link", names: (file: string) => [file, link(file, "hardlink", linkSync)] },
  ])("$name exits 2", async ({ name, names }) => {
    const deployment = directory.write(`${name}.yml`, DEPLOYMENT_YAML);
    const report = directory.write(`${name}.out`, "earlier");
    const [first, second] = names(report);

    const run = await runCli(["check", deployment, "--output", `json=${first}`, "--output", `sarif=${second}`]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--output sarif=${second} names the file of --output json=${first}`);
    expect(run.stdout).toBe("");
    expect(readFileSync(report, "utf8")).toBe("earlier");
  });

  test("dangling symbolic link exits 2", async () => {
    const deployment = directory.write("dangling.yml", DEPLOYMENT_YAML);
    const report = path.join(directory.path(), "not-yet.out");
    const linked = path.join(directory.path(), "to-not-yet.out");
    symlinkSync(report, linked);

    const run = await runCli(["check", deployment, "--output", `json=${report}`, "--output", `sarif=${linked}`]);

    expect(run.code).toBe(2);
    expect(existsSync(report)).toBe(false);
  });

  test("two reports to /dev/null", async () => {
    const deployment = directory.write("null.yml", DEPLOYMENT_YAML);

    const run = await runCli(["check", deployment, "--output", "json=/dev/null", "--output", "sarif=/dev/null"]);

    expect(run.code).not.toBe(2);
    expect(run.stderr).not.toContain("names the file of");
  });

  test("different files are both written", async () => {
    const deployment = directory.write("both.yml", DEPLOYMENT_YAML);
    const json = path.join(directory.path(), "both.json");
    const sarif = path.join(directory.path(), "both.sarif");
    writeFileSync(sarif, "");

    const run = await runCli(["check", deployment, "--output", `json=${json}`, "--output", `sarif=${sarif}`]);

    expect(run.stderr).toBe("");
    expect(JSON.parse(readFileSync(json, "utf8")).resources).toHaveLength(1);
    expect(JSON.parse(readFileSync(sarif, "utf8")).runs).toHaveLength(1);
  });
});
