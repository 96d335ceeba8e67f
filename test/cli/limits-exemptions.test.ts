import { useTemporaryDirectory } from "../support/temporary-directory";
import { runCli } from "./run-cli";

const DEPLOYMENT_ID =
  "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep/deployments/blue";

const { path: directory, write } = useTemporaryDirectory("amlguard-limits-exemptions-");
let deploymentFile = "";

beforeAll(() => {
  deploymentFile = write(
    "blue.json",
    JSON.stringify({
      id: DEPLOYMENT_ID,
      name: "blue",
      type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
      sku: { name: "Default", capacity: 3 },
      properties: {
        endpointComputeType: "Managed",
        egressPublicNetworkAccess: "Disabled",
        requestSettings: { requestTimeout: "PT5M" },
        livenessProbe: {},
        readinessProbe: {},
      },
    }),
  );
});

function limitsFile(entries: unknown[]): string {
  return write(`limits-${entries.length}-${Math.random().toString(36).slice(2)}.json`, JSON.stringify({ exemptions: { entries } }));
}

const entry = {
  resource: "/subscriptions/*/resourceGroups/RG-ML/**",
  rules: ["request-timeout"],
  reason: "Batch scoring client needs five minutes.",
  owner: "ml-platform@example.com",
  expires: "2099-12-31",
};

describe("limits file exemptions", () => {
  test("entry waives the finding", async () => {
    const run = await runCli(["check", "--format", "json", "--policy-pack-config", limitsFile([entry]), deploymentFile]);

    const report = JSON.parse(run.stdout);
    const finding = report.resources[0].findings.find((candidate: { ruleId: string }) => candidate.ruleId === "request-timeout");
    expect(run.code).toBe(0);
    expect(finding.waiver.owner).toBe("ml-platform@example.com");
    expect(report.exemptions.limitsFileEntries).toBe(1);
    expect(report.exemptions.file).toBeUndefined();
  });

  test("no entry fails the run", async () => {
    const run = await runCli(["check", "--format", "json", "--policy-pack-config", limitsFile([]), deploymentFile]);

    expect(run.code).toBe(1);
  });

  test("unknown rule id is a config error", async () => {
    const run = await runCli(["check", "--format", "json", "--policy-pack-config", limitsFile([{ ...entry, rules: ["request-timout"] }]), deploymentFile]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('did you mean "request-timeout"?');
  });

  test("misspelled entry key names the fix", async () => {
    const { owner: _owner, ...rest } = entry;
    const run = await runCli(["check", "--format", "json", "--policy-pack-config", limitsFile([{ ...rest, ownr: "x" }]), deploymentFile]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('did you mean "owner"?');
  });
});

describe("file path exemptions", () => {
  test("YAML deployment matches by file path", async () => {
    const yamlFile = write("batch.yml", ["name: batch", "endpoint_name: scoring", "instance_count: 3", "request_settings:", "  request_timeout_ms: 300000", ""].join("\n"));
    const limits = limitsFile([{ ...entry, resource: `${directory()}/batch.yml`, rules: ["request-timeout", "egress-public-network-access"] }]);

    const run = await runCli(["check", "--format", "json", "--policy-pack-config", limits, yamlFile]);

    const report = JSON.parse(run.stdout);
    const timeout = report.resources[0].findings.find((candidate: { ruleId: string }) => candidate.ruleId === "request-timeout");
    expect(timeout.waiver.owner).toBe("ml-platform@example.com");
    expect(run.code).toBe(0);
  });
});

describe("byte order mark", () => {
  test("limits file with a BOM is read", async () => {
    const limits = write("bom-limits.json", `\uFEFF${JSON.stringify({ "request-timeout": "disabled" })}`);

    const run = await runCli(["check", "--format", "json", "--policy-pack-config", limits, deploymentFile]);

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });
});
