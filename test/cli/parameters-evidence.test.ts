import { createHash } from "node:crypto";
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { runCli } from "./run-cli";
import { CORPUS_DIR } from "../support/corpus";
import { useTemporaryDirectory } from "../support/temporary-directory";

const TEMPLATE = path.join(CORPUS_DIR, "arm-bicep/azureml-examples/arm-templates/online-endpoint-deployment.json");

function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

describe("check --parameters evidence", () => {
  const directory = useTemporaryDirectory("amlguard-parameters-");

  test("JSON lists every input with its hash", async () => {
    const parameters = directory.write("managed.json", JSON.stringify({ parameters: { endpointComputeType: { value: "Managed" } } }));
    const exemptions = directory.write("exemptions.yaml", "exemptions: []\n");

    const run = await runCli(["check", TEMPLATE, "--parameters", parameters, "--exemptions", exemptions, "--format", "json"]);
    const report = JSON.parse(run.stdout);

    expect(report.schemaVersion).toBe("1.8");
    expect(report.evidence.inputs).toEqual([
      { file: TEMPLATE, role: "checked", realPath: realpathSync(TEMPLATE), sha256: sha256(TEMPLATE) },
      { file: parameters, role: "parameters", realPath: realpathSync(parameters), sha256: sha256(parameters) },
      { file: exemptions, role: "exemptions", sha256: sha256(exemptions) },
    ]);
  });

  test.each(["table", "markdown"])("%s shows the parameters file", async (format) => {
    const parameters = directory.write(`kubernetes-${format}.json`, JSON.stringify({ parameters: { endpointComputeType: { value: "Kubernetes" } } }));

    const run = await runCli(["check", TEMPLATE, "--parameters", parameters, "--format", format]);

    expect(run.stdout).toContain(`Parameters file: ${parameters} (SHA-256 ${sha256(parameters)})`.replace(/_/g, "\\_"));
  });

  test("undeclared parameter exits 2", async () => {
    const parameters = directory.write("undeclared.json", JSON.stringify({ parameters: { endpointComputeType: { value: "Managed" }, computeTipe: { value: "x" } } }));

    const run = await runCli(["check", TEMPLATE, "--parameters", parameters, "--format", "json"]);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`names parameter "computeTipe", which template ${TEMPLATE} does not declare`);
    expect(run.stderr).toContain("its parameters are workspaceName, location,");
  });

  test("parameter name case is ignored", async () => {
    const parameters = directory.write("case.json", JSON.stringify({ parameters: { ENDPOINTCOMPUTETYPE: { value: "Kubernetes" } } }));

    const run = await runCli(["check", TEMPLATE, "--parameters", parameters, "--format", "json"]);

    expect(run.code).toBe(0);
  });

  test("parameters directory exits 2", async () => {
    const run = await runCli(["check", TEMPLATE, "--parameters", directory.path(), "--format", "json"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("name the parameters file itself");
  });
});
