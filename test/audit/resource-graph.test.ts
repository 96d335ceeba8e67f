import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { NOT_EVALUATED_REASONS } from "../../src/audit/reasons";
import { RESOURCE_GRAPH_PAGE_SIZE, resourceGraphQuery } from "../../src/audit/resource-graph";
import { generateTenant } from "../../src/emulator/generate-tenant";
import { type ArmEmulator, startArmEmulator } from "../../src/emulator/server";
import { countDeployments } from "../../src/emulator/tenant";
import { EXIT_CODES } from "../../src/findings/report";
import { type JsonReportOut, auditArgs, parseReport, runCli } from "./audit-harness";

/** `amlguard audit --source resource-graph` against the emulator's Resource Graph query API. */

const TOKEN = "resource-graph-test-token";
const ENV = { AMLGUARD_ARM_TOKEN: TOKEN };
// 120 workspaces of 3 endpoints with 3 deployments: 1,080 deployments, 120 workspaces and their autoscale
// settings, so the query result needs two pages of 1,000 rows.
const TENANT = generateTenant({ workspaces: 120, endpointsPerWorkspace: 3, deploymentsPerEndpoint: 3, resourceGroupsPerSubscription: 3 });
const SUBSCRIPTION = TENANT.subscriptions[0].id;
const GRAPH_PATH = "/providers/microsoft.resourcegraph/resources";

/** Maps each deployment to its findings as `ruleId kind path`, sorted, so two reports can be compared. */
function verdicts(report: JsonReportOut): Map<string, string[]> {
  return new Map(report.resources.map((resource) => [resource.id?.toLowerCase() ?? resource.name, resource.findings.map((finding) => `${finding.ruleId} ${finding.kind} ${finding.path}`).sort()]));
}

describe("audit --source resource-graph", () => {
  let emulator: ArmEmulator;

  beforeEach(async () => {
    emulator = await startArmEmulator({ tenant: TENANT, token: TOKEN });
  });

  afterEach(async () => {
    await emulator.close();
  });

  test("judges as the ARM listings do", async () => {
    const graph = await runCli(auditArgs(emulator.url, "--subscription", SUBSCRIPTION, "--source", "resource-graph"), ENV);
    const arm = await runCli(auditArgs(emulator.url, "--subscription", SUBSCRIPTION), ENV);

    expect(graph.code).toBe(arm.code);
    expect(verdicts(parseReport(graph))).toEqual(verdicts(parseReport(arm)));
  });

  test("lists every deployment", async () => {
    const run = await runCli(auditArgs(emulator.url, "--subscription", SUBSCRIPTION, "--source", "resource-graph"), ENV);

    expect(parseReport(run).summary.evaluated).toBe(countDeployments(TENANT));
    expect(parseReport(run).summary.notEvaluated).toBe(0);
  });

  test("sends only paged queries", async () => {
    await runCli(auditArgs(emulator.url, "--subscription", SUBSCRIPTION, "--source", "resource-graph"), ENV);
    const autoscaleSettings = TENANT.subscriptions[0].resourceGroups.reduce((sum, group) => sum + (group.autoscaleSettings?.length ?? 0), 0);
    // One more row, the subscription's, shows that Resource Graph can see the audited scope.
    const rows = countDeployments(TENANT) + 120 + autoscaleSettings + 1;

    expect(emulator.requests.map((request) => request.path)).toEqual(Array(Math.ceil(rows / RESOURCE_GRAPH_PAGE_SIZE)).fill(GRAPH_PATH));
  });

  test("narrows to a resource group", async () => {
    const run = await runCli(auditArgs(emulator.url, "--subscription", SUBSCRIPTION, "--resource-group", "rg-ml-0001", "--source", "resource-graph"), ENV);
    const ids = parseReport(run).resources.map((resource) => resource.id ?? "");

    expect(ids.length).toBe(countDeployments(TENANT) / 3);
    expect(ids.every((id) => id.includes("/resourceGroups/rg-ml-0001/"))).toBe(true);
  });

  test("reports a subscription it cannot see", async () => {
    const unknown = "99999999-9999-4999-8999-999999999999";

    const run = await runCli(auditArgs(emulator.url, "--subscription", SUBSCRIPTION, "--subscription", unknown, "--source", "resource-graph"), ENV);
    const report = parseReport(run);

    expect(report.summary.evaluated).toBe(countDeployments(TENANT));
    expect(report.resources.filter((resource) => resource.status === "not-evaluated").map((resource) => [resource.id, resource.reason])).toEqual([
      [`/subscriptions/${unknown}`, NOT_EVALUATED_REASONS.scopeNotInGraph],
    ]);
  });

  test("reports a resource group it cannot see", async () => {
    const run = await runCli(auditArgs(emulator.url, "--subscription", SUBSCRIPTION, "--resource-group", "rg-ml-0O01", "--source", "resource-graph"), ENV);
    const report = parseReport(run);

    expect(run.code).toBe(EXIT_CODES.incomplete);
    expect(report.resources.map((resource) => [resource.id, resource.reason])).toEqual([
      [`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-ml-0O01`, NOT_EVALUATED_REASONS.scopeNotInGraph],
    ]);
  });

  test("reports a refused query per subscription", async () => {
    await emulator.close();
    emulator = await startArmEmulator({ tenant: TENANT, token: TOKEN, faults: [{ kind: "status", path: GRAPH_PATH, status: 403 }] });

    const run = await runCli(auditArgs(emulator.url, "--subscription", SUBSCRIPTION, "--source", "resource-graph"), ENV);
    const report = parseReport(run);

    expect(run.code).toBe(EXIT_CODES.incomplete);
    expect(report.resources.map((resource) => [resource.id, resource.reason])).toEqual([[`/subscriptions/${SUBSCRIPTION}`, NOT_EVALUATED_REASONS.forbidden]]);
    expect(run.stderr).toMatch(/amlguard: POST \/providers\/Microsoft\.ResourceGraph\/resources failed: HTTP 403/);
  });

  test("names the POST of a rejected token", async () => {
    const run = await runCli(auditArgs(emulator.url, "--subscription", SUBSCRIPTION, "--source", "resource-graph"), { AMLGUARD_ARM_TOKEN: "wrong-token" });

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toMatch(/amlguard: POST \/providers\/Microsoft\.ResourceGraph\/resources failed: HTTP 401/);
  });

  test.each([
    { name: "--workspace", extra: ["--resource-group", "rg-ml-0000", "--workspace", "mlw-0000"] },
    { name: "--id", extra: ["--id", `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e/deployments/d`] },
  ])("rejects $name", async ({ extra }) => {
    const run = await runCli(auditArgs(emulator.url, "--subscription", SUBSCRIPTION, "--source", "resource-graph", ...extra), ENV);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(emulator.requests).toHaveLength(0);
  });
});

/**
 * Serves the Resource Graph query API on 127.0.0.1 with the pages that `page` builds from the 0-based number of
 * the request, so a test can return a query that never ends or pages that cannot be read.
 */
async function startQueryServer(page: (index: number) => unknown): Promise<{ url: string; close: () => Promise<void> }> {
  let served = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const body = JSON.stringify(page(served));
      served += 1;
      response.writeHead(200, { "Content-Type": "application/json", "x-ms-request-id": `00000000-0000-0000-0000-${String(served).padStart(12, "0")}` });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error)))),
  };
}

describe("audit --source resource-graph paging stops", () => {
  const stopCases = [
    {
      name: "repeated $skipToken",
      page: (index: number) => ({ data: [], resultTruncated: "false", $skipToken: index === 0 ? "first" : "again" }),
      log: "amlguard: POST /providers/Microsoft.ResourceGraph/resources was not sent: $skipToken returned to a page already read",
      reason: NOT_EVALUATED_REASONS.nextLinkCycle,
    },
    {
      name: "endless query",
      page: (index: number) => ({ data: [], resultTruncated: "false", $skipToken: `page-${index + 1}` }),
      log: "amlguard: POST /providers/Microsoft.ResourceGraph/resources was not sent: the query result has more than 10000 pages",
      reason: NOT_EVALUATED_REASONS.tooManyPages,
    },
    {
      name: "page without data",
      page: () => ({ rows: [] }),
      log: "amlguard: POST /providers/Microsoft.ResourceGraph/resources returned a query result without a data array",
      reason: NOT_EVALUATED_REASONS.malformedBody,
    },
    {
      name: "truncated result",
      page: () => ({ data: [], resultTruncated: "true" }),
      log: "amlguard: POST /providers/Microsoft.ResourceGraph/resources returned a truncated query result (resultTruncated: true) after 0 rows",
      reason: NOT_EVALUATED_REASONS.resultTruncated,
    },
  ];

  test.each(stopCases)("$name is logged", async ({ page, log }) => {
    const server = await startQueryServer(page);
    try {
      const run = await runCli(auditArgs(server.url, "--subscription", SUBSCRIPTION, "--source", "resource-graph"), ENV);

      expect(run.stderr.split("\n")).toContain(log);
    } finally {
      await server.close();
    }
  });

  test.each(stopCases)("$name leaves the subscription not evaluated", async ({ page, reason }) => {
    const server = await startQueryServer(page);
    try {
      const run = await runCli(auditArgs(server.url, "--subscription", SUBSCRIPTION, "--source", "resource-graph"), ENV);

      expect(parseReport(run).summary.notEvaluatedByReason).toEqual({ [reason]: 1 });
    } finally {
      await server.close();
    }
  });
});

describe("resourceGraphQuery", () => {
  test("resource group is quoted as one literal", () => {
    const query = resourceGraphQuery("rg\\' or 1==1 //");

    expect(query).toContain("| where resourceGroup =~ 'rg\\\\\\' or 1==1 //' ");
    expect(query).toContain("and name =~ 'rg\\\\\\' or 1==1 //')");
  });
});

describe("audit --source resource-graph rows", () => {
  const OTHER = "99999999-9999-4999-8999-999999999999";
  const workspacePath = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws`;
  const row = (id: string, egress: string) => ({
    id,
    name: id.split("/").pop(),
    type: "microsoft.machinelearningservices/workspaces/onlineendpoints/deployments",
    sku: { name: "Default", capacity: 3 },
    properties: { endpointComputeType: "Managed", instanceType: "Standard_DS3_v2", egressPublicNetworkAccess: egress },
  });
  const workspaceRow = (isolationMode: string) => ({ id: workspacePath, name: "ws", type: "microsoft.machinelearningservices/workspaces", properties: { managedNetwork: { isolationMode } } });
  const subscriptionRow = { id: `/subscriptions/${SUBSCRIPTION}`, name: SUBSCRIPTION, type: "microsoft.resources/subscriptions" };

  async function auditRows(data: unknown[]): Promise<JsonReportOut> {
    const server = await startQueryServer(() => ({ data, resultTruncated: "false" }));
    try {
      return parseReport(await runCli(auditArgs(server.url, "--subscription", SUBSCRIPTION, "--source", "resource-graph"), ENV));
    } finally {
      await server.close();
    }
  }

  test("row outside subscriptions: misplaced", async () => {
    const foreign = `/subscriptions/${OTHER}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep/deployments/blue`;

    const report = await auditRows([subscriptionRow, row(foreign, "Enabled")]);

    expect(report.resources.map((resource) => [resource.id, resource.status, resource.reason])).toEqual([[foreign, "not-evaluated", NOT_EVALUATED_REASONS.foreignId]]);
  });

  test("row id with ..: misplaced", async () => {
    const climbing = `/subscriptions/${SUBSCRIPTION}/../${OTHER}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep/deployments/blue`;

    const report = await auditRows([subscriptionRow, row(climbing, "Enabled")]);

    expect(report.resources.map((resource) => [resource.status, resource.reason])).toEqual([["not-evaluated", NOT_EVALUATED_REASONS.foreignId]]);
  });

  test("workspace twice, agreeing: kept", async () => {
    const blue = row(`${workspacePath}/onlineEndpoints/ep/deployments/blue`, "Disabled");
    const withoutNetwork = { id: workspacePath, name: "ws", type: "microsoft.machinelearningservices/workspaces", properties: {} };

    const report = await auditRows([subscriptionRow, withoutNetwork, workspaceRow("Disabled"), blue]);

    expect(report.resources[0].findings.filter((finding) => finding.ruleId === "egress-public-network-access")).toEqual([]);
  });

  test("missing workspace row: named", async () => {
    const report = await auditRows([subscriptionRow, row(`${workspacePath}/onlineEndpoints/ep/deployments/blue`, "Disabled")]);

    const egress = report.resources[0].findings.filter((finding) => finding.ruleId === "egress-public-network-access");
    expect(egress.map((finding) => finding.message)).toEqual([
      "workspace.properties.managedNetwork.isolationMode could not be read because the Resource Graph result has no row for the workspace. " +
        "Run the audit again once Resource Graph has indexed the workspace, or audit with --source arm: amlguard does not pass a value it cannot read.",
    ]);
  });

  test("workspace twice, differing: invalid", async () => {
    const blue = row(`${workspacePath}/onlineEndpoints/ep/deployments/blue`, "Enabled");

    const report = await auditRows([subscriptionRow, workspaceRow("AllowOnlyApprovedOutbound"), workspaceRow("Disabled"), blue]);

    const egress = report.resources[0].findings.filter((finding) => finding.ruleId === "egress-public-network-access");
    expect(egress).toContainEqual(expect.objectContaining({ kind: "invalid", message: expect.stringContaining("returned the workspace twice, with different isolation modes") }));
  });
});
