import { generateTenant } from "../../src/emulator/generate-tenant";
import { SAMPLE_TENANT, SAMPLE_TOKEN } from "../../src/emulator/sample-tenant";
import { type ArmEmulator, startArmEmulator } from "../../src/emulator/server";
import { countDeployments } from "../../src/emulator/tenant";

const SUBSCRIPTION = SAMPLE_TENANT.subscriptions[0].id;
const WORKSPACES = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.MachineLearningServices/workspaces`;

let emulator: ArmEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function get(path: string, token = SAMPLE_TOKEN): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(path.startsWith("http") ? path : `${emulator?.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

describe("ARM emulator", () => {
  test("wrong token gets 401", async () => {
    emulator = await startArmEmulator({ tenant: SAMPLE_TENANT, token: SAMPLE_TOKEN });

    const response = await get(`${WORKSPACES}?api-version=2025-06-01`, "other");

    expect(response.status).toBe(401);
  });

  test("missing api-version gets 400", async () => {
    emulator = await startArmEmulator({ tenant: SAMPLE_TENANT, token: SAMPLE_TOKEN });

    const response = await get(WORKSPACES);

    expect(response.status).toBe(400);
  });

  test("listing pages with nextLink", async () => {
    emulator = await startArmEmulator({ tenant: SAMPLE_TENANT, token: SAMPLE_TOKEN, pageSize: 2 });

    const first = (await get(`${WORKSPACES}?api-version=2025-06-01`)).body as { value: unknown[]; nextLink?: string };
    const second = (await get(first.nextLink ?? "")).body as { value: unknown[]; nextLink?: string };

    expect(first.value).toHaveLength(2);
    expect(second.value).toHaveLength(1);
    expect(second.nextLink).toBeUndefined();
  });

  test("paths match case-insensitively", async () => {
    emulator = await startArmEmulator({ tenant: SAMPLE_TENANT, token: SAMPLE_TOKEN });

    const response = await get(`/SUBSCRIPTIONS/${SUBSCRIPTION.toUpperCase()}/PROVIDERS/microsoft.machinelearningservices/WORKSPACES?api-version=2025-06-01`);

    expect(response.status).toBe(200);
  });

  test("each response has an x-ms-request-id", async () => {
    emulator = await startArmEmulator({ tenant: SAMPLE_TENANT, token: SAMPLE_TOKEN });

    const response = await get(`${WORKSPACES}?api-version=2025-06-01`);

    expect(response.headers.get("x-ms-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("fault fires only the given number of times", async () => {
    emulator = await startArmEmulator({ tenant: SAMPLE_TENANT, token: SAMPLE_TOKEN, faults: [{ path: WORKSPACES, kind: "status", status: 503, times: 1 }] });

    const first = await get(`${WORKSPACES}?api-version=2025-06-01`);
    const second = await get(`${WORKSPACES}?api-version=2025-06-01`);

    expect(first.status).toBe(503);
    expect(second.status).toBe(200);
  });

  test("requests are counted by path", async () => {
    emulator = await startArmEmulator({ tenant: SAMPLE_TENANT, token: SAMPLE_TOKEN });

    await get(`${WORKSPACES}?api-version=2025-06-01`);
    await get(`${WORKSPACES}?api-version=2025-06-01`);

    expect(emulator.countRequests(WORKSPACES)).toBe(2);
  });

  test("latency delays each response", async () => {
    emulator = await startArmEmulator({ tenant: SAMPLE_TENANT, token: SAMPLE_TOKEN, latencyMs: 200 });
    const started = Date.now();

    await get(`${WORKSPACES}?api-version=2025-06-01`);

    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  test("autoscale settings name their target", async () => {
    emulator = await startArmEmulator({ tenant: SAMPLE_TENANT, token: SAMPLE_TOKEN });

    const response = await get(`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-ml-prod/providers/Microsoft.Insights/autoscalesettings?api-version=2022-10-01`);

    const settings = (response.body as { value: { properties: { targetResourceUri: string } }[] }).value;
    expect(settings.map((setting) => setting.properties.targetResourceUri)).toEqual([
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-fraud-prod/onlineEndpoints/fraud-scoring/deployments/blue`,
    ]);
  });
});

describe("generateTenant", () => {
  test("benchmark shape has 10,000 deployments", () => {
    const tenant = generateTenant({ workspaces: 500, endpointsPerWorkspace: 4, deploymentsPerEndpoint: 5 });

    expect(countDeployments(tenant)).toBe(10_000);
  });

  test("workspaces spread over resource groups", () => {
    const tenant = generateTenant({ workspaces: 6, endpointsPerWorkspace: 1, deploymentsPerEndpoint: 1, resourceGroupsPerSubscription: 3 });

    expect(tenant.subscriptions[0].resourceGroups.map((group) => group.workspaces.length)).toEqual([2, 2, 2]);
  });

  test("autoscale targets only Managed deployments", () => {
    const tenant = generateTenant({ workspaces: 2, endpointsPerWorkspace: 2, deploymentsPerEndpoint: 5, autoscaleEvery: 1 });

    const group = tenant.subscriptions[0].resourceGroups[0];
    const targets = (group.autoscaleSettings ?? []).map((setting) => setting.target);
    const computeTypes = targets.map((target) => {
      const deployment = group.workspaces
        .find((workspace) => workspace.name === target.workspace)
        ?.endpoints.find((endpoint) => endpoint.name === target.endpoint)
        ?.deployments.find((candidate) => candidate.name === target.deployment);
      return (deployment?.properties as { endpointComputeType: string }).endpointComputeType;
    });
    expect(new Set(computeTypes)).toEqual(new Set(["Managed"]));
  });
});
