import { readFile } from "node:fs/promises";
import path from "node:path";
import { RESOURCE_GRAPH_API_VERSION } from "../../src/audit/resource-graph";
import { DEFAULT_API_VERSION } from "../../src/audit/run";
import { SAMPLE_SUBSCRIPTION_ID, SAMPLE_TENANT } from "../../src/emulator/sample-tenant";
import { type ArmEmulator, startArmEmulator } from "../../src/emulator/server";
import { deploymentId } from "../../src/emulator/tenant";
import { EXIT_CODES } from "../../src/findings/report";
import { useTemporaryDirectory } from "../support/temporary-directory";
import { auditArgs, runCli } from "./audit-harness";

/** What `amlguard audit` records of its scope, and how overlapping or invalid scope options are handled. */

const TOKEN = "audit-scope-test-token";
const ENV = { AMLGUARD_ARM_TOKEN: TOKEN };
const BLUE = deploymentId(SAMPLE_SUBSCRIPTION_ID, "rg-ml-prod", "mlw-fraud-prod", "fraud-scoring", "blue");
// The sample tenant has 5 deployments: 4 in rg-ml-prod and 1 in rg-ml-sandbox.
const ALL_DEPLOYMENTS = 5;

interface ScopeReport {
  readonly evidence: { readonly scope: Record<string, unknown>; readonly shards?: { readonly scope: Record<string, unknown> }[] };
  readonly summary: { readonly resources: number };
}

const temporaryDirectory = useTemporaryDirectory("amlguard-audit-scope-");
let emulator: ArmEmulator;

beforeAll(async () => {
  emulator = await startArmEmulator({ tenant: SAMPLE_TENANT, token: TOKEN });
});

afterAll(async () => {
  await emulator.close();
});

async function auditReport(...args: string[]): Promise<ScopeReport> {
  const run = await runCli(auditArgs(emulator.url, ...args), ENV);
  return JSON.parse(run.stdout) as ScopeReport;
}

describe("audit scope evidence", () => {
  test.each([
    { name: "resource group", args: ["--subscription", SAMPLE_SUBSCRIPTION_ID, "--resource-group", "rg-ml-prod"], scope: { subscriptions: [SAMPLE_SUBSCRIPTION_ID], resourceGroup: "rg-ml-prod", source: "arm" } },
    {
      name: "workspace",
      args: ["--subscription", SAMPLE_SUBSCRIPTION_ID, "--resource-group", "rg-ml-prod", "--workspace", "mlw-fraud-prod"],
      scope: { subscriptions: [SAMPLE_SUBSCRIPTION_ID], resourceGroup: "rg-ml-prod", workspace: "mlw-fraud-prod", source: "arm" },
    },
    {
      name: "endpoint",
      args: ["--subscription", SAMPLE_SUBSCRIPTION_ID, "--resource-group", "rg-ml-prod", "--workspace", "mlw-fraud-prod", "--endpoint", "fraud-scoring"],
      scope: { subscriptions: [SAMPLE_SUBSCRIPTION_ID], resourceGroup: "rg-ml-prod", workspace: "mlw-fraud-prod", endpoint: "fraud-scoring", source: "arm" },
    },
    { name: "deployment id", args: ["--id", BLUE], scope: { deploymentIds: [BLUE], source: "arm" } },
    { name: "resource-graph source", args: ["--subscription", SAMPLE_SUBSCRIPTION_ID, "--source", "resource-graph"], scope: { subscriptions: [SAMPLE_SUBSCRIPTION_ID], source: "resource-graph" } },
  ])("$name recorded in JSON", async ({ args, scope }) => {
    const report = await auditReport(...args);

    const apiVersion = scope.source === "resource-graph" ? RESOURCE_GRAPH_API_VERSION : DEFAULT_API_VERSION;
    expect(report.evidence.scope).toEqual({ ...scope, armEndpoint: new URL(emulator.url).href, apiVersion });
  });

  test("api-version option recorded", async () => {
    const report = await auditReport("--subscription", SAMPLE_SUBSCRIPTION_ID, "--api-version", "2024-10-01");

    expect(report.evidence.scope.apiVersion).toBe("2024-10-01");
  });

  test.each([
    // Markdown shows a bare URL as code, so that it cannot become a link.
    { format: "table", prefix: "", endpoint: (url: string) => url },
    { format: "markdown", prefix: "- ", endpoint: (url: string) => `\`${url}\`` },
  ])("$format states the narrowing", async ({ format, prefix, endpoint }) => {
    const run = await runCli(auditArgs(emulator.url, "--subscription", SAMPLE_SUBSCRIPTION_ID, "--resource-group", "rg-ml-prod", "--workspace", "mlw-fraud-prod", "--format", format), ENV);
    const lines = run.stdout.split("\n");

    expect(lines).toContain(`${prefix}Subscriptions: ${SAMPLE_SUBSCRIPTION_ID} (only resource group rg-ml-prod, workspace mlw-fraud-prod).`);
    expect(lines).toContain(`${prefix}Listing source: arm (ARM listings of workspaces, online endpoints and deployments).`);
    expect(lines).toContain(`${prefix}Resource Manager endpoint: ${endpoint(new URL(emulator.url).href)}, api-version ${DEFAULT_API_VERSION}.`);
  });

  test("table lists deployment ids", async () => {
    const run = await runCli(auditArgs(emulator.url, "--id", BLUE, "--format", "table"), ENV);
    const lines = run.stdout.split("\n");

    expect(lines).toContain(`Deployments: ${BLUE}.`);
    expect(lines.some((line) => line.startsWith("Subscriptions:"))).toBe(false);
  });

  test("merged resource-group shards keep their scopes", async () => {
    const directory = temporaryDirectory.path();
    const shards = ["rg-ml-prod", "rg-ml-sandbox"].map((group) => path.join(directory, `${group}.json`));
    for (const [index, group] of ["rg-ml-prod", "rg-ml-sandbox"].entries()) {
      await runCli(auditArgs(emulator.url, "--subscription", SAMPLE_SUBSCRIPTION_ID, "--resource-group", group, "--output", `json=${shards[index]}`), ENV);
    }
    const table = path.join(directory, "merged.txt");

    const run = await runCli(["report", "--merge", ...shards, "--format", "json", "--output", `table=${table}`]);
    const merged = JSON.parse(run.stdout) as ScopeReport;
    const tableText = await readFile(table, "utf8");

    expect(merged.evidence.scope.subscriptions).toBeUndefined();
    expect(merged.evidence.shards?.map((shard) => shard.scope.resourceGroup)).toEqual(["rg-ml-prod", "rg-ml-sandbox"]);
    expect(merged.evidence.shards?.map((shard) => shard.scope.apiVersion)).toEqual([DEFAULT_API_VERSION, DEFAULT_API_VERSION]);
    expect(tableText).toContain(
      `subscriptions ${SAMPLE_SUBSCRIPTION_ID} (only resource group rg-ml-sandbox); listing source arm; endpoint ${new URL(emulator.url).href} api-version ${DEFAULT_API_VERSION};`,
    );
    expect(tableText).not.toMatch(/^Subscriptions:/m);
  });
});

describe("audit overlapping scopes", () => {
  test.each([
    { name: "subscription and an id in it", args: ["--subscription", SAMPLE_SUBSCRIPTION_ID, "--id", BLUE], resources: ALL_DEPLOYMENTS },
    { name: "id twice in two cases", args: ["--id", BLUE, "--id", BLUE.toUpperCase()], resources: 1 },
    { name: "subscription twice with arm", args: ["--subscription", SAMPLE_SUBSCRIPTION_ID, "--subscription", SAMPLE_SUBSCRIPTION_ID, "--source", "arm"], resources: ALL_DEPLOYMENTS },
    { name: "subscription in two cases", args: ["--subscription", SAMPLE_SUBSCRIPTION_ID, "--subscription", SAMPLE_SUBSCRIPTION_ID.toUpperCase()], resources: ALL_DEPLOYMENTS },
    { name: "subscription twice with resource-graph", args: ["--subscription", SAMPLE_SUBSCRIPTION_ID, "--subscription", SAMPLE_SUBSCRIPTION_ID, "--source", "resource-graph"], resources: ALL_DEPLOYMENTS },
  ])("$name counts each deployment once", async ({ args, resources }) => {
    const report = await auditReport(...args);

    expect(report.summary.resources).toBe(resources);
  });

  test("duplicate options recorded once", async () => {
    const report = await auditReport("--subscription", SAMPLE_SUBSCRIPTION_ID, "--subscription", SAMPLE_SUBSCRIPTION_ID.toUpperCase(), "--id", BLUE.toUpperCase(), "--id", BLUE);

    expect(report.evidence.scope.subscriptions).toEqual([SAMPLE_SUBSCRIPTION_ID]);
    expect(report.evidence.scope.deploymentIds).toEqual([BLUE.toUpperCase()]);
  });
});

describe("audit usage errors", () => {
  test.each([
    { name: "subscription not a GUID", args: ["--subscription", "not-a-guid"], env: ENV, message: '--subscription "not-a-guid" is not a subscription id; expected a GUID' },
    { name: "empty api-version", args: ["--subscription", SAMPLE_SUBSCRIPTION_ID, "--api-version", ""], env: ENV, message: '--api-version "" is not an api-version; expected a date such as 2025-06-01' },
    { name: "empty token", args: ["--subscription", SAMPLE_SUBSCRIPTION_ID], env: { AMLGUARD_ARM_TOKEN: "" }, message: "AMLGUARD_ARM_TOKEN is set but empty" },
    { name: "loopback without token", args: ["--subscription", SAMPLE_SUBSCRIPTION_ID], env: {}, message: "Set AMLGUARD_ARM_TOKEN to the token the local endpoint accepts" },
  ])("$name exits 2 before any request", async ({ args, env, message }) => {
    const before = emulator.requests.length;

    const run = await runCli(auditArgs(emulator.url, ...args), env);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toContain(message);
    expect(emulator.requests.length).toBe(before);
  });
});
