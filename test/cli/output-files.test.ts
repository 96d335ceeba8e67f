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

describe("Markdown report of a long table", () => {
  const temporaryDirectory = useTemporaryDirectory("amlguard-markdown-");

  // 51 deployments that each break request-timeout, one more than a rule's table shows.
  function writeLongList(): string {
    const deployments = Array.from({ length: 51 }, (_, index) => ({
      id: `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep/deployments/d${index}`,
      name: `d${index}`,
      type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
      sku: { capacity: 3 },
      properties: { endpointComputeType: "Managed", instanceType: "Standard_DS3_v2", egressPublicNetworkAccess: "Disabled", requestSettings: { requestTimeout: "PT5M" } },
    }));
    return temporaryDirectory.write("list.json", JSON.stringify({ value: deployments }));
  }

  test("names the JSON report the run writes", async () => {
    const json = path.join(temporaryDirectory.path(), "all.json");

    const run = await runCli(["check", writeLongList(), "--format", "markdown", "--output", `json=${json}`]);

    expect(run.stdout).toContain(`1 more finding of this rule is in the JSON report \`${json}\`.`);
  });

  test("without JSON or SARIF says how to write one", async () => {
    const run = await runCli(["check", writeLongList(), "--format", "markdown"]);

    expect(run.stdout).toContain("1 more finding of this rule is not shown here. To list every finding, write a JSON report with `--output json=FILE`.");
    expect(run.stdout).not.toContain("JSON and SARIF reports");
  });
});
