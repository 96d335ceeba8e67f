import { NOT_EVALUATED_REASONS } from "../../src/audit/reasons";
import type { Fault } from "../../src/emulator/faults";
import { type ArmEmulator, startArmEmulator } from "../../src/emulator/server";
import { type EmulatedTenant, deploymentId, workspaceId } from "../../src/emulator/tenant";
import { auditArgs, kubernetesExample, managedExample, parseReport, runCli } from "./audit-harness";

const TOKEN = "emulator-test-token-6c1f0b";
const SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
const GROUP = "rg-audit";
const WORKSPACES = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.MachineLearningServices/workspaces`;
const env = { AMLGUARD_ARM_TOKEN: TOKEN };

const wsPath = (workspace: string) => workspaceId(SUBSCRIPTION, GROUP, workspace);
const endpointPath = (workspace: string, endpoint: string) => `${wsPath(workspace)}/onlineEndpoints/${endpoint}`;
const depId = (workspace: string, endpoint: string, deployment: string) => deploymentId(SUBSCRIPTION, GROUP, workspace, endpoint, deployment);

/** Builds a tenant with workspace `ws-a` and endpoints `ep-1` and `ep-2`, each with a Managed and a Kubernetes corpus deployment. */
function tenant(extra: Partial<EmulatedTenant["subscriptions"][number]["resourceGroups"][number]> = {}): EmulatedTenant {
  return {
    subscriptions: [
      {
        id: SUBSCRIPTION,
        resourceGroups: [
          {
            name: GROUP,
            workspaces: [
              {
                name: "ws-a",
                endpoints: [
                  { name: "ep-1", deployments: [managedExample("blue"), kubernetesExample("green")] },
                  { name: "ep-2", deployments: [managedExample("red"), kubernetesExample("yellow")] },
                ],
              },
            ],
            ...extra,
          },
        ],
      },
    ],
  };
}

/** Workspaces without deployments, so a run has no findings and its exit code reflects only what was not evaluated. */
function emptyTenant(workspaces: string[]): EmulatedTenant {
  return {
    subscriptions: [{ id: SUBSCRIPTION, resourceGroups: [{ name: GROUP, workspaces: workspaces.map((name) => ({ name, endpoints: [] })) }] }],
  };
}

let emulator: ArmEmulator | undefined;

async function start(options: { tenant?: EmulatedTenant; faults?: Fault[]; pageSize?: number; foreignHost?: boolean } = {}): Promise<ArmEmulator> {
  emulator = await startArmEmulator({ tenant: options.tenant ?? tenant(), token: TOKEN, faults: options.faults, pageSize: options.pageSize, foreignHost: options.foreignHost });
  return emulator;
}

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const ALL_DEPLOYMENTS = [depId("ws-a", "ep-1", "blue"), depId("ws-a", "ep-1", "green"), depId("ws-a", "ep-2", "red"), depId("ws-a", "ep-2", "yellow")].map((id) => id.toLowerCase());

function evaluatedIds(stdout: string): string[] {
  return JSON.parse(stdout)
    .resources.filter((resource: { status: string }) => resource.status === "evaluated")
    .map((resource: { id: string }) => resource.id.toLowerCase())
    .sort();
}

describe("audit against the ARM emulator", () => {
  test("paging follows every nextLink", async () => {
    const arm = await start({ pageSize: 1 });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    expect(evaluatedIds(run.stdout)).toEqual([...ALL_DEPLOYMENTS].sort());
    expect(arm.countRequests(`${endpointPath("ws-a", "ep-1")}/deployments`)).toBe(2);
    expect(arm.countRequests(`${wsPath("ws-a")}/onlineEndpoints`)).toBe(2);
  });

  test("SARIF without a limits file warns once", async () => {
    const arm = await start();

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION, "--format", "sarif"), env);

    expect(run.code).toBe(1);
    const warnings = run.stderr.split("\n").filter((line) => line.includes("physicalLocation"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^amlguard: warning: \d+ results have no physicalLocation in the SARIF report, and GitHub code scanning rejects an upload/);
    expect(warnings[0]).toContain("Pass --policy-pack-config LIMITS_FILE, so that the results point at the limits file.");
  });

  test("SARIF with a limits file does not warn", async () => {
    const arm = await start();

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION, "--format", "sarif", "--policy-pack-config", "examples/limits.json"), env);

    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain("physicalLocation");
  });

  test("deployment listed twice, changed", async () => {
    const listing = `${endpointPath("ws-a", "ep-1")}/deployments`;
    const arm = await start({ faults: [{ path: listing, kind: "changed-duplicate", properties: { requestSettings: { requestTimeout: "PT10M" } } }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    const report = JSON.parse(run.stdout) as { resources: { id: string; findings: { ruleId: string }[] }[]; evidence: { incomplete?: string[] } };
    const copies = report.resources.filter((resource) => resource.id.toLowerCase() === ALL_DEPLOYMENTS[0]);
    expect(copies).toHaveLength(1);
    expect(copies[0].findings.map((finding) => finding.ruleId)).toContain("request-timeout");
    expect(report.evidence.incomplete).toEqual([expect.stringContaining(`deployment ${depId("ws-a", "ep-1", "blue")} was read twice with different findings`)]);
    expect(run.stderr).toContain("the run counts as incomplete");
  });

  test("changed copy keeps the first read's violation", async () => {
    const base = managedExample("blue");
    const slow = { ...base, properties: { ...(base.properties as Record<string, unknown>), requestSettings: { requestTimeout: "PT5M" } } };
    const listing = `${endpointPath("ws-a", "ep-1")}/deployments`;
    const faults: Fault[] = [{ path: listing, kind: "changed-duplicate", properties: { requestSettings: { requestTimeout: "PT30S" }, livenessProbe: null, readinessProbe: null } }];
    const arm = await start({ tenant: tenant({ workspaces: [{ name: "ws-a", endpoints: [{ name: "ep-1", deployments: [slow] }] }] }), faults });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    const report = JSON.parse(run.stdout) as { resources: { findings: { ruleId: string; path: string }[] }[] };
    const paths = report.resources[0].findings.map((finding) => `${finding.ruleId} ${finding.path}`);
    expect(paths).toContain("request-timeout properties.requestSettings.requestTimeout");
    expect(paths).toContain("probe-required properties.livenessProbe");
    expect(run.code).toBe(1);
  });

  test("copy that cannot be judged is a conflict", async () => {
    const listing = `${endpointPath("ws-a", "ep-1")}/deployments`;
    const arm = await start({ faults: [{ path: listing, kind: "changed-duplicate", properties: { endpointComputeType: "AzureMLCompute" } }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    const report = JSON.parse(run.stdout) as { resources: unknown[]; evidence: { incomplete?: string[] } };
    expect(report.resources).toHaveLength(4);
    expect(report.evidence.incomplete).toEqual([expect.stringContaining("was read twice, and one read could not be judged")]);
  });

  test("deployment with a foreign id is not judged", async () => {
    const listing = `${endpointPath("ws-a", "ep-2")}/deployments`;
    const arm = await start({ faults: [{ path: listing, kind: "foreign-id", id: depId("ws-a", "ep-1", "blue") }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    const report = parseReport(run);
    expect(evaluatedIds(run.stdout)).toEqual([depId("ws-a", "ep-1", "blue"), depId("ws-a", "ep-1", "green"), depId("ws-a", "ep-2", "yellow")].map((id) => id.toLowerCase()).sort());
    expect(report.summary.notEvaluatedByReason).toEqual({ [NOT_EVALUATED_REASONS.foreignId]: 1 });
  });

  test("sibling id in a deployment listing is not judged", async () => {
    const listing = `${endpointPath("ws-a", "ep-1")}/deployments`;
    const arm = await start({ faults: [{ path: listing, kind: "foreign-id", id: depId("ws-a", "ep-1", "green") }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    expect(evaluatedIds(run.stdout)).toEqual([depId("ws-a", "ep-1", "green"), depId("ws-a", "ep-2", "red"), depId("ws-a", "ep-2", "yellow")].map((id) => id.toLowerCase()).sort());
    expect(parseReport(run).summary.notEvaluatedByReason).toEqual({ [NOT_EVALUATED_REASONS.foreignId]: 1 });
  });

  test.each([
    { level: "endpoint", path: `${wsPath("ws-a")}/onlineEndpoints`, id: endpointPath("ws-a", "ep-2") },
    { level: "workspace", path: WORKSPACES, id: wsPath("ws-b") },
  ])("foreign $level id is not followed", async ({ path, id }) => {
    const twoWorkspaces = tenant({ workspaces: [...tenant().subscriptions[0].resourceGroups[0].workspaces, { name: "ws-b", endpoints: [] }] });
    const arm = await start({ tenant: twoWorkspaces, faults: [{ path, kind: "foreign-id", id }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    expect(parseReport(run).summary.notEvaluatedByReason).toEqual({ [NOT_EVALUATED_REASONS.foreignId]: 1 });
    expect(run.code).not.toBe(0);
  });

  test("another audited subscription's workspace is misplaced", async () => {
    const other = "99999999-2222-4333-8444-555555555555";
    const twoSubscriptions: EmulatedTenant = {
      subscriptions: [...tenant().subscriptions, { id: other, resourceGroups: [{ name: GROUP, workspaces: [{ name: "ws-z", endpoints: [] }] }] }],
    };
    const arm = await start({ tenant: twoSubscriptions, faults: [{ path: WORKSPACES, kind: "foreign-id", id: workspaceId(other, GROUP, "ws-z"), name: "ws-z" }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION, "--subscription", other), env);

    expect(parseReport(run).summary.notEvaluatedByReason).toEqual({ [NOT_EVALUATED_REASONS.foreignId]: 1 });
    expect(arm.countRequests(`${workspaceId(other, GROUP, "ws-z")}/onlineEndpoints`)).toBe(1);
  });

  test("two misplaced endpoints of one workspace stay two", async () => {
    const endpoints = `${wsPath("ws-a")}/onlineEndpoints`;
    const faults: Fault[] = [1, 2].map((page) => ({ path: endpoints, page, kind: "foreign-id", id: endpointPath("ws-b", "ep-9") }));
    const arm = await start({ pageSize: 1, faults });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    expect(parseReport(run).summary.notEvaluatedByReason).toEqual({ [NOT_EVALUATED_REASONS.foreignId]: 2 });
  });

  test("listed name with a slash is not judged", async () => {
    const listing = `${endpointPath("ws-a", "ep-1")}/deployments`;
    const arm = await start({ faults: [{ path: listing, kind: "foreign-id", id: `${depId("ws-a", "ep-1", "blue")}/x`, name: "blue/x" }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    expect(parseReport(run).summary.notEvaluatedByReason).toEqual({ [NOT_EVALUATED_REASONS.foreignId]: 1 });
  });

  test.each([
    { scope: "--workspace", path: wsPath("ws-a"), id: wsPath("ws-b"), name: "ws-b", args: ["--resource-group", GROUP, "--workspace", "ws-a"] },
    { scope: "--endpoint", path: endpointPath("ws-a", "ep-1"), id: endpointPath("ws-a", "ep-2"), name: "ep-2", args: ["--resource-group", GROUP, "--workspace", "ws-a", "--endpoint", "ep-1"] },
  ])("$scope read as another resource is not followed", async ({ path, id, name, args }) => {
    const twoWorkspaces = tenant({ workspaces: [...tenant().subscriptions[0].resourceGroups[0].workspaces, { name: "ws-b", endpoints: [] }] });
    const arm = await start({ tenant: twoWorkspaces, faults: [{ path, kind: "foreign-id", id, name }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION, ...args), env);

    expect(parseReport(run).summary.notEvaluatedByReason).toEqual({ [NOT_EVALUATED_REASONS.foreignId]: 1 });
    expect(evaluatedIds(run.stdout)).toEqual([]);
  });

  test("percent-encoded --id is the same deployment", async () => {
    const group = "My.RG(prod)_1";
    const arm = await start({ tenant: { subscriptions: [{ id: SUBSCRIPTION, resourceGroups: [{ name: group, workspaces: [{ name: "ws-a", endpoints: [{ name: "ep-1", deployments: [managedExample("blue")] }] }] }] }] } });
    const encoded = deploymentId(SUBSCRIPTION, encodeURIComponent(group).replace(/\(/g, "%28").replace(/\)/g, "%29"), "ws-a", "ep-1", "blue");

    const run = await runCli(auditArgs(arm.url, "--id", encoded), env);

    expect(parseReport(run).summary.notEvaluatedByReason).toEqual({});
    expect(evaluatedIds(run.stdout)).toEqual([deploymentId(SUBSCRIPTION, group, "ws-a", "ep-1", "blue").toLowerCase()]);
  });

  test("deployment listed twice, unchanged", async () => {
    const listing = `${endpointPath("ws-a", "ep-1")}/deployments`;
    const arm = await start({ faults: [{ path: listing, kind: "changed-duplicate", properties: {} }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    const report = JSON.parse(run.stdout) as { resources: unknown[]; evidence: { incomplete?: string[] } };
    expect(report.resources).toHaveLength(4);
    expect(report.evidence.incomplete).toBeUndefined();
  });

  test.each([
    { concurrency: 1, expected: 1 },
    { concurrency: 3, expected: 3 },
  ])("--concurrency $concurrency bounds requests in flight", async ({ concurrency, expected }) => {
    const workspaces = Array.from({ length: 6 }, (_, index) => ({ name: `ws-${index}`, endpoints: [] }));
    emulator = await startArmEmulator({
      tenant: { subscriptions: [{ id: SUBSCRIPTION, resourceGroups: [{ name: GROUP, workspaces }] }] },
      token: TOKEN,
      latencyMs: 100,
    });

    await runCli(auditArgs(emulator.url, "--subscription", SUBSCRIPTION, "--concurrency", String(concurrency)), env);

    expect(emulator.maxConcurrentRequests()).toBe(expected);
  });

  test("endpoint listings overlap workspace pages", async () => {
    const workspaces = Array.from({ length: 6 }, (_, index) => ({ name: `ws-${index}`, endpoints: [] }));
    emulator = await startArmEmulator({ tenant: { subscriptions: [{ id: SUBSCRIPTION, resourceGroups: [{ name: GROUP, workspaces }] }] }, token: TOKEN, pageSize: 2 });

    await runCli(auditArgs(emulator.url, "--subscription", SUBSCRIPTION), env);

    const paths = emulator.requests.map((request) => request.path);
    const lastWorkspacePage = paths.lastIndexOf(paths[0]);
    const firstEndpointListing = paths.findIndex((path) => path.endsWith("/onlineendpoints"));
    expect(paths.filter((path) => path === paths[0])).toHaveLength(3);
    expect(firstEndpointListing).toBeLessThan(lastWorkspacePage);
  });

  test("default api-versions", async () => {
    const arm = await start();

    await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    const versions = new Set(arm.requests.map((request) => `${request.path.includes("microsoft.insights") ? "insights" : "ml"} ${request.apiVersion}`));
    expect([...versions].sort()).toEqual(["insights 2022-10-01", "ml 2025-06-01"]);
  });

  test("--api-version overrides", async () => {
    const arm = await start();

    await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION, "--api-version", "2024-10-01"), env);

    const mlVersions = new Set(arm.requests.filter((request) => !request.path.includes("microsoft.insights")).map((request) => request.apiVersion));
    expect([...mlVersions]).toEqual(["2024-10-01"]);
  });

  test("429 with Retry-After waits and retries", async () => {
    const arm = await start({ faults: [{ path: WORKSPACES, kind: "status", status: 429, retryAfterSeconds: 1, times: 1 }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    const attempts = arm.requests.filter((request) => request.path === WORKSPACES.toLowerCase());
    expect(attempts).toHaveLength(2);
    expect(attempts[1].receivedAtMs - attempts[0].receivedAtMs).toBeGreaterThanOrEqual(990);
    expect(run.stderr).toMatch(/returned 429 \(x-ms-request-id [0-9a-f-]{36}\); retry 1 of 4 in 1000 ms \(Retry-After\)/);
    expect(evaluatedIds(run.stdout)).toEqual([...ALL_DEPLOYMENTS].sort());
  });

  test("Retry-After above the cap is reported", async () => {
    const arm = await start({ tenant: emptyTenant(["ws-a"]), faults: [{ path: WORKSPACES, kind: "status", status: 429, retryAfterSeconds: 120 }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    expect(run.code).toBe(3);
    expect(parseReport(run).summary.notEvaluatedByReason).toEqual({ [NOT_EVALUATED_REASONS.retryAfterTooLong]: 1 });
    expect(arm.countRequests(WORKSPACES)).toBe(1);
  });

  test("transient 500 and 503 are retried", async () => {
    const arm = await start({
      faults: [
        { path: `${wsPath("ws-a")}/onlineEndpoints`, kind: "status", status: 500, times: 2 },
        { path: `${endpointPath("ws-a", "ep-2")}/deployments`, kind: "status", status: 503, times: 1 },
      ],
    });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    expect(evaluatedIds(run.stdout)).toEqual([...ALL_DEPLOYMENTS].sort());
    expect(arm.countRequests(`${wsPath("ws-a")}/onlineEndpoints`)).toBe(3);
    expect(arm.countRequests(`${endpointPath("ws-a", "ep-2")}/deployments`)).toBe(2);
  });

  test("500 after every retry is not evaluated", async () => {
    const arm = await start({ faults: [{ path: `${endpointPath("ws-a", "ep-1")}/deployments`, kind: "status", status: 500 }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION, "--max-retries", "2"), env);

    const report = parseReport(run);
    expect(report.resources.find((resource) => resource.status === "not-evaluated")).toMatchObject({ id: endpointPath("ws-a", "ep-1"), reason: NOT_EVALUATED_REASONS.serverError });
    expect(arm.countRequests(`${endpointPath("ws-a", "ep-1")}/deployments`)).toBe(3);
  });

  test("403 workspace is not evaluated", async () => {
    const arm = await start({ tenant: emptyTenant(["ws-denied", "ws-open"]), faults: [{ path: `${wsPath("ws-denied")}/onlineEndpoints`, kind: "status", status: 403 }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    const report = parseReport(run);
    expect(run.code).toBe(3);
    expect(report.resources).toEqual([expect.objectContaining({ id: wsPath("ws-denied"), name: "ws-denied", status: "not-evaluated", reason: NOT_EVALUATED_REASONS.forbidden })]);
    expect(report.summary.notEvaluatedByReason).toEqual({ [NOT_EVALUATED_REASONS.forbidden]: 1 });
    expect(run.stderr).toMatch(/onlineEndpoints failed: HTTP 403, code Http403 \(x-ms-request-id [0-9a-f-]{36}\)/);
  });

  test("404 endpoint deleted meanwhile", async () => {
    const arm = await start({ faults: [{ path: `${endpointPath("ws-a", "ep-2")}/deployments`, kind: "status", status: 404 }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    const notEvaluated = parseReport(run).resources.filter((resource) => resource.status === "not-evaluated");
    expect(notEvaluated).toEqual([expect.objectContaining({ id: endpointPath("ws-a", "ep-2"), reason: NOT_EVALUATED_REASONS.notFound })]);
  });

  test("slow response times out, then retries", async () => {
    const arm = await start({ faults: [{ path: `${endpointPath("ws-a", "ep-1")}/deployments`, kind: "delay", delayMs: 3000, times: 1 }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION, "--request-timeout", "1"), env);

    expect(evaluatedIds(run.stdout)).toEqual([...ALL_DEPLOYMENTS].sort());
    expect(arm.countRequests(`${endpointPath("ws-a", "ep-1")}/deployments`)).toBe(2);
    expect(run.stderr).toMatch(/no complete response within 1000 ms\); retry 1 of 4/);
  });

  test("truncated body is retried", async () => {
    const arm = await start({ faults: [{ path: `${wsPath("ws-a")}/onlineEndpoints`, kind: "truncate", times: 1 }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    expect(evaluatedIds(run.stdout)).toEqual([...ALL_DEPLOYMENTS].sort());
    expect(arm.countRequests(`${wsPath("ws-a")}/onlineEndpoints`)).toBe(2);
  });

  test("truncated body on every retry is not evaluated", async () => {
    const arm = await start({ tenant: emptyTenant(["ws-a"]), faults: [{ path: `${wsPath("ws-a")}/onlineEndpoints`, kind: "truncate" }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION, "--max-retries", "1"), env);

    expect(run.code).toBe(3);
    expect(parseReport(run).summary.notEvaluatedByReason).toEqual({ [NOT_EVALUATED_REASONS.truncatedBody]: 1 });
  });

  test("malformed body is not evaluated", async () => {
    const arm = await start({ tenant: emptyTenant(["ws-a"]), faults: [{ path: `${wsPath("ws-a")}/onlineEndpoints`, kind: "malformed" }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    expect(run.code).toBe(3);
    expect(parseReport(run).summary.notEvaluatedByReason).toEqual({ [NOT_EVALUATED_REASONS.malformedBody]: 1 });
  });

  test("foreign nextLink is refused and never contacted", async () => {
    const arm = await start({ pageSize: 1, foreignHost: true, faults: [{ path: `${endpointPath("ws-a", "ep-1")}/deployments`, kind: "foreign-next-link", page: 1 }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    const report = parseReport(run);
    expect(arm.foreignRequests).toHaveLength(0);
    expect(report.resources.filter((resource) => resource.status === "not-evaluated")).toEqual([
      expect.objectContaining({ id: endpointPath("ws-a", "ep-1"), reason: NOT_EVALUATED_REASONS.foreignNextLink }),
    ]);
    expect(evaluatedIds(run.stdout)).toContain(depId("ws-a", "ep-1", "blue").toLowerCase());
    expect(run.stderr).toContain(`is not the ARM endpoint ${arm.url}`);
  });

  test("token and environment values never in output", async () => {
    const secretValue = "env-value-that-must-not-leak-91d2";
    const body = managedExample("blue");
    const withSecret = { ...body, properties: { ...(body.properties as object), environmentVariables: { API_KEY: secretValue } } };
    const arm = await start({
      tenant: { subscriptions: [{ id: SUBSCRIPTION, resourceGroups: [{ name: GROUP, workspaces: [{ name: "ws-a", endpoints: [{ name: "ep-1", deployments: [withSecret] }] }] }] }] },
      faults: [{ path: WORKSPACES, kind: "status", status: 503, times: 1 }],
    });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION, "--verbose"), env);

    const output = run.stdout + run.stderr;
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain(secretValue);
    expect(output).not.toMatch(/authorization|bearer/i);
  });

  test("--id reads only that deployment", async () => {
    const arm = await start();
    const id = depId("ws-a", "ep-2", "yellow");

    const run = await runCli(auditArgs(arm.url, "--id", id), env);

    expect(evaluatedIds(run.stdout)).toEqual([id.toLowerCase()]);
    expect(arm.requests.map((request) => request.path).sort()).toEqual([id.toLowerCase(), wsPath("ws-a").toLowerCase()].sort());
  });

  test("--endpoint narrows the scope", async () => {
    const arm = await start();

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION, "--resource-group", GROUP, "--workspace", "ws-a", "--endpoint", "ep-1"), env);

    expect(evaluatedIds(run.stdout)).toEqual([depId("ws-a", "ep-1", "blue"), depId("ws-a", "ep-1", "green")].map((id) => id.toLowerCase()).sort());
  });

  test("--endpoint that is gone names the endpoint", async () => {
    const arm = await start({ tenant: emptyTenant(["ws-a"]) });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION, "--resource-group", GROUP, "--workspace", "ws-a", "--endpoint", "ep-gone"), env);

    expect(run.code).toBe(3);
    expect(parseReport(run).resources).toEqual([expect.objectContaining({ id: endpointPath("ws-a", "ep-gone"), name: "ep-gone", reason: NOT_EVALUATED_REASONS.notFound })]);
  });

  test("autoscale settings read once and judged", async () => {
    const arm = await start({
      tenant: tenant({
        autoscaleSettings: [
          { name: "blue-scale", target: { workspace: "ws-a", endpoint: "ep-1", deployment: "blue" }, profiles: [{ name: "default", capacity: { minimum: "2", maximum: "40", default: "2" } }] },
        ],
      }),
    });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    const blue = parseReport(run).resources.find((resource) => resource.id?.toLowerCase() === depId("ws-a", "ep-1", "blue").toLowerCase());
    expect(blue?.findings).toContainEqual(expect.objectContaining({ ruleId: "scale-instance-bounds", actual: 40, path: expect.stringMatching(/blue-scale:properties\.profiles\[0\]\.capacity\.maximum$/) }));
    expect(arm.countRequests(`/subscriptions/${SUBSCRIPTION}/resourceGroups/${GROUP}/providers/Microsoft.Insights/autoscalesettings`)).toBe(1);
  });

  test("autoscale of an escaped-slash name", async () => {
    const name = "a%2Fb";
    const workspaces = [{ name: "ws-a", endpoints: [{ name: "ep-1", deployments: [managedExample(name)] }] }];
    const autoscaleSettings = [{ name: "odd-scale", target: { workspace: "ws-a", endpoint: "ep-1", deployment: name }, profiles: [{ name: "default", capacity: { minimum: "2", maximum: "40", default: "2" } }] }];
    const arm = await start({ tenant: { subscriptions: [{ id: SUBSCRIPTION, resourceGroups: [{ name: GROUP, workspaces, autoscaleSettings }] }] } });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    expect(run.code).toBe(1);
    expect(parseReport(run).resources[0]?.findings).toContainEqual(expect.objectContaining({ ruleId: "scale-instance-bounds", actual: 40 }));
  });

  test("unreadable autoscale settings never pass", async () => {
    const autoscalePath = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${GROUP}/providers/Microsoft.Insights/autoscalesettings`;
    const arm = await start({ faults: [{ path: autoscalePath, kind: "status", status: 403 }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    const blue = parseReport(run).resources.find((resource) => resource.id?.toLowerCase() === depId("ws-a", "ep-1", "blue").toLowerCase());
    expect(blue?.findings).toContainEqual(expect.objectContaining({ ruleId: "scale-instance-bounds", kind: "invalid" }));
    // The deployment was listed: only its autoscale settings were out of reach.
    const message = blue?.findings.find((finding) => finding.ruleId === "scale-instance-bounds")?.message;
    expect(message).toContain("listing the resource group's autoscale settings failed: access denied (HTTP 403)");
    expect(message).not.toContain("were not listed");
  });

  test("unreadable workspace names its failure", async () => {
    const workspacePath = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${GROUP}/providers/Microsoft.MachineLearningServices/workspaces/ws-a`;
    const arm = await start({ faults: [{ path: workspacePath, kind: "status", status: 403 }] });

    const run = await runCli(auditArgs(arm.url, "--id", depId("ws-a", "ep-1", "blue")), env);

    const blue = parseReport(run).resources[0];
    const message = blue?.findings.find((finding) => finding.ruleId === "egress-public-network-access" && finding.kind === "invalid")?.message;
    expect(message).toContain("the workspace request failed: access denied (HTTP 403)");
    expect(message).not.toContain("were not listed");
  });

  test("workspace isolation mode reaches the egress rule", async () => {
    const managed = managedExample("blue");
    const egressDisabled = { ...managed, properties: { ...(managed.properties as object), egressPublicNetworkAccess: "Disabled" } };
    const approved: EmulatedTenant = {
      subscriptions: [
        {
          id: SUBSCRIPTION,
          resourceGroups: [
            {
              name: GROUP,
              workspaces: [
                { name: "ws-approved", isolationMode: "AllowOnlyApprovedOutbound", endpoints: [{ name: "ep-1", deployments: [managedExample("blue")] }] },
                { name: "ws-open", endpoints: [{ name: "ep-1", deployments: [managedExample("blue")] }] },
                { name: "ws-internet", isolationMode: "AllowInternetOutbound", endpoints: [{ name: "ep-1", deployments: [egressDisabled] }] },
              ],
            },
          ],
        },
      ],
    };
    const arm = await start({ tenant: approved });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), env);

    const egressFindings = (workspace: string) =>
      parseReport(run)
        .resources.find((resource) => resource.id?.toLowerCase() === depId(workspace, "ep-1", "blue").toLowerCase())
        ?.findings.filter((finding) => finding.ruleId === "egress-public-network-access");
    expect(egressFindings("ws-approved")).toEqual([]);
    expect(egressFindings("ws-open")).toHaveLength(1);
    // Azure ignores the deployment's Disabled in a workspace whose managed network allows internet outbound.
    expect(egressFindings("ws-internet")).toEqual([
      expect.objectContaining({ kind: "violation", path: "workspace.properties.managedNetwork.isolationMode", actual: "AllowInternetOutbound" }),
    ]);
  });

  test("a 401 stops the other requests", async () => {
    const workspaces = ["ws-0", "ws-1", "ws-2"].map((name) => ({ name, endpoints: [{ name: `${name}-ep`, deployments: [managedExample("blue")] }] }));
    const rejected = `${wsPath("ws-0")}/onlineEndpoints`;
    const arm = await start({ tenant: { subscriptions: [{ id: SUBSCRIPTION, resourceGroups: [{ name: GROUP, workspaces }] }] }, faults: [{ path: rejected, kind: "status", status: 401 }] });

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION, "--concurrency", "1"), env);

    expect(run.code).toBe(2);
    expect(arm.requests.at(-1)?.path).toBe(rejected.toLowerCase());
    expect(run.stderr).toContain(`GET ${rejected} failed: HTTP 401`);
    expect(run.stderr).toContain("ARM rejected the access token (HTTP 401");
  });

  test("wrong token exits 2", async () => {
    const arm = await start();

    const run = await runCli(auditArgs(arm.url, "--subscription", SUBSCRIPTION), { AMLGUARD_ARM_TOKEN: "wrong-token" });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("HTTP 401");
  });

  test.each([
    { name: "plain http to a remote host", args: ["--arm-endpoint", "http://example.com", "--subscription", SUBSCRIPTION] },
    { name: "no scope", args: ["--arm-endpoint", "http://127.0.0.1:9"] },
    { name: "workspace without resource group", args: ["--arm-endpoint", "http://127.0.0.1:9", "--subscription", SUBSCRIPTION, "--workspace", "ws-a"] },
    { name: "id that is not a deployment", args: ["--arm-endpoint", "http://127.0.0.1:9", "--id", wsPath("ws-a")] },
  ])("usage error: $name", async ({ args }) => {
    const run = await runCli(["audit", ...args], env);

    expect(run.code).toBe(2);
  });
});
