import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CORPUS_DIR } from "../support/corpus";
import { armDeployment } from "../support/deployment-builder";

/** End-to-end runs of the built `amlguard check` binary; `npm test` builds dist/ with tsc before jest runs. */

const MAIN = path.resolve(__dirname, "../../dist/src/cli/main.js");

const PROBE = { initialDelay: "PT10S", period: "PT10S", timeout: "PT2S", failureThreshold: 30, successThreshold: 1 };

// Meets every default limit: explicit probes, a 60-second timeout, three instances and public egress disabled.
const COMPLIANT = armDeployment({
  name: "green",
  properties: {
    requestSettings: { requestTimeout: "PT60S" },
    livenessProbe: PROBE,
    readinessProbe: PROBE,
    egressPublicNetworkAccess: "Disabled",
    instanceType: "Standard_DS3_v2",
  },
  sku: { name: "Default", capacity: 3 },
});

const TOO_SLOW = armDeployment({ name: "slow", properties: { ...(COMPLIANT.properties as object), requestSettings: { requestTimeout: "PT3M" } }, sku: { name: "Default", capacity: 3 } });

// Only advisory findings: one instance and no declared probes.
const ADVISORY_ONLY = armDeployment({ name: "small", properties: { egressPublicNetworkAccess: "Disabled" }, sku: { name: "Default", capacity: 1 } });

const BATCH_COMPUTE = armDeployment({ name: "batch", computeType: "AzureMLCompute" });

const STORAGE_ACCOUNT = { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/data", name: "data", type: "Microsoft.Storage/storageAccounts", properties: {} };

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let directory: string;

function fixture(name: string, content: unknown): string {
  const file = path.join(directory, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
}

function check(...args: string[]): Run {
  const result: SpawnSyncReturns<string> = spawnSync(process.execPath, [MAIN, "check", "--format", "json", ...args], { encoding: "utf8", timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: build with "npx tsc -p tsconfig.json" or run "npm test", which builds first.`);
  }
  directory = mkdtempSync(path.join(tmpdir(), "amlguard-check-"));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe("check exit codes", () => {
  test("compliant file exits 0", () => {
    expect(check(fixture("green.json", COMPLIANT)).status).toBe(0);
  });

  test("advisory findings exit 0", () => {
    expect(check(fixture("small.json", ADVISORY_ONLY)).status).toBe(0);
  });

  test("mandatory finding exits 1", () => {
    expect(check(fixture("slow.json", TOO_SLOW)).status).toBe(1);
  });

  test("bad limits file exits 2", () => {
    const run = check("--policy-pack-config", fixture("limits.json", { "request-timout": { maxRequestTimeout: "PT60S" } }), fixture("green.json", COMPLIANT));
    expect(run.status).toBe(2);
  });

  test("bad limits file names the rule", () => {
    const run = check("--policy-pack-config", fixture("limits.json", { "request-timout": { maxRequestTimeout: "PT60S" } }), fixture("green.json", COMPLIANT));
    expect(run.stderr).toContain('did you mean "request-timeout"?');
  });

  test("missing limits file exits 2", () => {
    expect(check("--policy-pack-config", path.join(directory, "absent-limits.json"), fixture("green.json", COMPLIANT)).status).toBe(2);
  });

  test("missing input exits 2", () => {
    expect(check(path.join(directory, "absent.json")).status).toBe(2);
  });

  test("unparsable input exits 2", () => {
    expect(check(fixture("broken.json", '{ "properties": ')).status).toBe(2);
  });

  test("AzureMLCompute exits 3", () => {
    expect(check(fixture("batch.json", BATCH_COMPUTE)).status).toBe(3);
  });

  test("other resource type exits 3", () => {
    expect(check(fixture("storage.json", STORAGE_ACCOUNT)).status).toBe(3);
  });

  test("failure beats not evaluated", () => {
    expect(check(fixture("slow.json", TOO_SLOW), fixture("storage.json", STORAGE_ACCOUNT)).status).toBe(1);
  });

  test("limits file can pass a finding", () => {
    const limits = fixture("lenient.json", { "request-timeout": { maxRequestTimeout: "PT3M" } });
    expect(check("--policy-pack-config", limits, fixture("slow.json", TOO_SLOW)).status).toBe(0);
  });
});

describe("check JSON report", () => {
  test("README example exits 1 on its timeout", () => {
    const examples = path.resolve(__dirname, "../../examples");

    const run = check(path.join(examples, "deployment.yml"), "--policy-pack-config", path.join(examples, "limits.json"));

    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    const findings = report.resources[0].findings.map((finding: { ruleId: string; enforcementLevel: string }) => [finding.ruleId, finding.enforcementLevel]);
    expect(findings).toEqual([["request-timeout", "mandatory"]]);
  });

  test("unknown values are counted unverified", () => {
    // The template takes endpointComputeType from a parameter without a default, so every rule waits for its value.
    const template = path.join(CORPUS_DIR, "arm-bicep", "azureml-examples", "arm-templates", "online-endpoint-deployment.json");

    const run = check(template);

    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.summary).toMatchObject({ evaluated: 1, passed: 1, unverified: 1 });
    expect(report.checks.unverified).toBeGreaterThan(0);
  });

  test("shape of a failing run", () => {
    const run = check(fixture("slow.json", TOO_SLOW), fixture("storage.json", STORAGE_ACCOUNT));
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      tool: { name: "amlguard", version: expect.any(String), ruleCatalogueVersion: expect.any(String) },
      resources: [
        {
          id: expect.stringMatching(/\/deployments\/slow$/),
          name: "slow",
          source: "arm",
          computeType: "Managed",
          status: "evaluated",
          findings: [
            {
              ruleId: "request-timeout",
              severity: "medium",
              enforcementLevel: "mandatory",
              kind: "violation",
              path: "properties.requestSettings.requestTimeout",
              actual: "PT3M",
              actualIsDefault: false,
              limit: "PT1M30S",
              message: expect.stringContaining("Set properties.requestSettings.requestTimeout to PT1M30S or less."),
              line: expect.any(Number),
              column: expect.any(Number),
            },
          ],
        },
        { name: "data", source: "arm", status: "not-evaluated", reason: expect.stringContaining("Microsoft.Storage/storageAccounts"), findings: [] },
      ],
      summary: { resources: 2, evaluated: 1, notEvaluated: 1, passed: 0, failed: 1, findings: { mandatory: 1, advisory: 0 } },
    });
  });

  test("unreadable file stays in the report", () => {
    const missing = path.join(directory, "absent.json");
    const report = JSON.parse(check(missing).stdout);
    expect(report.resources).toEqual([expect.objectContaining({ name: missing, status: "not-evaluated", reason: expect.stringContaining("not found") })]);
  });

  test("AzureMLCompute has a reason", () => {
    const report = JSON.parse(check(fixture("batch.json", BATCH_COMPUTE)).stdout);
    expect(report.resources).toEqual([expect.objectContaining({ name: "batch", status: "not-evaluated", reason: expect.stringContaining("AzureMLCompute") })]);
  });

  test("every rule has an outcome", () => {
    const report = JSON.parse(check(fixture("green.json", COMPLIANT)).stdout);
    const outcomes = report.resources[0].rules.map((rule: { outcome: string }) => rule.outcome);
    expect(new Set(outcomes)).toEqual(new Set(["passed", "not-applicable"]));
  });

  test("environment variables are not echoed", () => {
    const secret = "s3cr3t-connection-string";
    const withSecret = armDeployment({ name: "leaky", properties: { environmentVariables: { DB: secret }, requestSettings: { requestTimeout: "PT5M" } } });
    const run = check(fixture("leaky.json", withSecret));
    expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
  });
});

describe("check template copy loop", () => {
  // Three copies, and only the third has a timeout above the default maximum of 90 s.
  function copyTemplate(count: unknown): Record<string, unknown> {
    return {
      $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      contentVersion: "1.0.0.0",
      parameters: { regions: { type: "array" } },
      variables: { timeouts: ["PT30S", "PT30S", "PT3M"] },
      resources: [
        {
          type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
          apiVersion: "2025-06-01",
          name: "[format('ws1/ep1/d{0}', copyIndex())]",
          copy: { name: "d", count },
          sku: { name: "Default", capacity: 3 },
          properties: { endpointComputeType: "Managed", requestSettings: { requestTimeout: "[variables('timeouts')[copyIndex()]]" } },
        },
      ],
    };
  }

  test("each copy is judged", () => {
    const run = check(fixture("copies.json", copyTemplate(3)));

    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    const outcomes = report.resources.map((resource: { name: string; rules: { ruleId: string; outcome: string }[] }) => [
      resource.name,
      resource.rules.find((rule) => rule.ruleId === "request-timeout")?.outcome,
    ]);
    expect(outcomes).toEqual([
      ["d0", "passed"],
      ["d1", "passed"],
      ["d2", "failed"],
    ]);
  });

  test("failing copy is located in the template", () => {
    const file = fixture("copies.json", copyTemplate(3));
    const timeoutLine = JSON.stringify(copyTemplate(3), null, 2).split("\n").findIndex((line) => line.includes('"requestTimeout"')) + 1;

    const report = JSON.parse(check(file).stdout);

    const finding = report.resources[2].findings.find((candidate: { ruleId: string }) => candidate.ruleId === "request-timeout");
    expect(finding).toMatchObject({ enforcementLevel: "mandatory", kind: "violation", actual: "PT3M", line: timeoutLine });
    expect(report.resources[2]).toMatchObject({ name: "d2", endpointName: "ep1", workspaceName: "ws1", file });
  });

  test.each([
    { name: "an unknown count", count: "[length(parameters('regions'))]", reason: "has a copy loop whose count cannot be evaluated" },
    { name: "a count above 800", count: 801, reason: "above the maximum of 800" },
  ])("$name exits 3", ({ count, reason }) => {
    const run = check(fixture("copies.json", copyTemplate(count)));

    expect(run.status).toBe(3);
    expect(JSON.parse(run.stdout).resources).toEqual([expect.objectContaining({ status: "not-evaluated", reason: expect.stringContaining(reason) })]);
  });
});
