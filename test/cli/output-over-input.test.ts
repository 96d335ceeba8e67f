import { linkSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { runCli } from "./run-cli";
import { CORPUS_DIR } from "../support/corpus";
import { useTemporaryDirectory } from "../support/temporary-directory";

const DEPLOYMENT_YAML = readFileSync(path.resolve(__dirname, "../../examples/deployment.yml"), "utf8");
const TEMPLATE = path.join(CORPUS_DIR, "arm-bicep/azureml-examples/arm-templates/online-endpoint-deployment.json");
const PARAMETERS = JSON.stringify({ parameters: { endpointComputeType: { value: "Managed" } } });
const EXEMPTIONS = "exemptions: []\n";

describe("--output over an input", () => {
  const directory = useTemporaryDirectory("amlguard-output-input-");

  // Each case writes fresh inputs and names one of them, directly or through a link, as an --output file.
  test.each([
    { name: "checked file", output: (files: Inputs) => files.deployment },
    { name: "checked file by another path", output: (files: Inputs) => path.join(path.dirname(files.deployment), ".", path.basename(files.deployment)) },
    { name: "symbolic link to checked file", output: (files: Inputs) => link(files.deployment, "symlink", symlinkSync) },
    { name: "hard link to checked file", output: (files: Inputs) => link(files.deployment, "hardlink", linkSync) },
    { name: "limits file", output: (files: Inputs) => files.limits },
    { name: "exemptions file", output: (files: Inputs) => files.exemptions },
  ])("$name exits 2", async ({ output }) => {
    const files = writeInputs(directory.write);
    const target = output(files);

    const run = await runCli([
      "check", files.deployment, "--policy-pack-config", files.limits, "--exemptions", files.exemptions, "--output", `json=${target}`,
    ]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("would overwrite an input file");
    expect(run.stdout).toBe("");
    expect(readFileSync(files.deployment, "utf8")).toBe(DEPLOYMENT_YAML);
    expect(readFileSync(files.limits, "utf8")).toBe("{}");
    expect(readFileSync(files.exemptions, "utf8")).toBe(EXEMPTIONS);
  });

  test("parameters file exits 2", async () => {
    const parameters = directory.write("parameters.json", PARAMETERS);

    const run = await runCli(["check", TEMPLATE, "--parameters", parameters, "--output", `sarif=${parameters}`]);

    expect(run.code).toBe(2);
    expect(readFileSync(parameters, "utf8")).toBe(PARAMETERS);
  });

  test("merged shard exits 2", async () => {
    const deployment = directory.write("shard-input.yml", DEPLOYMENT_YAML);
    const shard = path.join(directory.path(), "shard.json");
    await runCli(["check", deployment, "--output", `json=${shard}`]);
    const before = readFileSync(shard, "utf8");

    const run = await runCli(["report", "--merge", shard, "--output", `markdown=${shard}`]);

    expect(run.code).toBe(2);
    expect(readFileSync(shard, "utf8")).toBe(before);
  });

  test("other file is written", async () => {
    const files = writeInputs(directory.write);
    const target = path.join(directory.path(), "report.json");

    const run = await runCli(["check", files.deployment, "--output", `json=${target}`]);

    expect(run.stderr).toBe("");
    expect(JSON.parse(readFileSync(target, "utf8")).resources).toHaveLength(1);
  });

  function link(file: string, name: string, create: (target: string, path: string) => void): string {
    const linked = path.join(directory.path(), `${name}-${Date.now()}-${Math.random()}.yml`);
    create(file, linked);
    return linked;
  }
});

interface Inputs {
  readonly deployment: string;
  readonly limits: string;
  readonly exemptions: string;
}

let counter = 0;

function writeInputs(write: (name: string, content: string) => string): Inputs {
  counter++;
  return {
    deployment: write(`deployment-${counter}.yml`, DEPLOYMENT_YAML),
    limits: write(`limits-${counter}.json`, "{}"),
    exemptions: write(`exemptions-${counter}.yaml`, EXEMPTIONS),
  };
}
