import { MAX_LISTING_PAGES } from "../../src/audit/arm-client";
import { NOT_EVALUATED_REASONS } from "../../src/audit/reasons";
import type { Fault } from "../../src/emulator/faults";
import { type ArmEmulator, startArmEmulator } from "../../src/emulator/server";
import { type EmulatedDeployment, type EmulatedTenant, deploymentId, workspaceId } from "../../src/emulator/tenant";
import { auditArgs, parseReport, runCli } from "../audit/audit-harness";

/**
 * ARM faults the audit must survive: each run ends in bounded time, lists every deployment it read, names each
 * scope it could not finish with a reason, and exits 3. The deployments pass every mandatory rule, so exit 3
 * comes from the fault alone.
 */

const TOKEN = "hostile-arm-token-4f7d21";
const SUBSCRIPTION = "99999999-8888-4777-8666-555555555555";
const GROUP = "rg-hostile";
const env = { AMLGUARD_ARM_TOKEN: TOKEN };
const DEPLOYMENTS_PATH = `${workspaceId(SUBSCRIPTION, GROUP, "ws")}/onlineEndpoints/ep/deployments`;
// Well above what one CLI run takes on loopback, far below the day that a Retry-After of 86400 requests.
const BOUND_MS = 45_000;

function compliant(name: string): EmulatedDeployment {
  return {
    name,
    sku: { name: "Default", capacity: 2 },
    properties: { endpointComputeType: "Managed", instanceType: "Standard_DS3_v2", egressPublicNetworkAccess: "Disabled", livenessProbe: {}, readinessProbe: {} },
  };
}

const NAMES = ["blue", "green", "red"];
const TENANT: EmulatedTenant = {
  subscriptions: [{ id: SUBSCRIPTION, resourceGroups: [{ name: GROUP, workspaces: [{ name: "ws", endpoints: [{ name: "ep", deployments: NAMES.map(compliant) }] }] }] }],
};
const LISTED_IDS = NAMES.map((name) => deploymentId(SUBSCRIPTION, GROUP, "ws", "ep", name).toLowerCase()).sort();

let emulator: ArmEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function audit(faults: Fault[], pageSize?: number, extra: string[] = []) {
  emulator = await startArmEmulator({ tenant: TENANT, token: TOKEN, faults, pageSize });
  const run = await runCli(auditArgs(emulator.url, "--subscription", SUBSCRIPTION, "--max-retries", "2", ...extra), env);
  return { run, report: parseReport(run) };
}

function evaluatedIds(report: ReturnType<typeof parseReport>): string[] {
  return report.resources
    .filter((resource) => resource.status === "evaluated")
    .map((resource) => (resource.id ?? "").toLowerCase())
    .sort();
}

describe("ARM faults", () => {
  test("reset once is retried", async () => {
    const { run, report } = await audit([{ path: DEPLOYMENTS_PATH, kind: "reset", times: 1 }]);

    expect(run.code).toBe(0);
    expect(evaluatedIds(report)).toEqual(LISTED_IDS);
  });

  test.each<[string, Fault, string]>([
    ["reset mid-body", { path: DEPLOYMENTS_PATH, kind: "reset" }, NOT_EVALUATED_REASONS.truncatedBody],
    ["200 with HTML", { path: DEPLOYMENTS_PATH, kind: "html" }, NOT_EVALUATED_REASONS.malformedBody],
    ["Retry-After 86400", { path: DEPLOYMENTS_PATH, kind: "status", status: 429, retryAfterSeconds: 86_400 }, NOT_EVALUATED_REASONS.retryAfterTooLong],
  ])("%s is reported", async (_name, fault, reason) => {
    const { run, report } = await audit([fault]);

    expect(run.code).toBe(3);
    expect(run.elapsedMs).toBeLessThan(BOUND_MS);
    expect(report.summary.notEvaluatedByReason).toEqual({ [reason]: 1 });
  });

  test("nextLink cycle A, B, A stops", async () => {
    const { run, report } = await audit([{ path: DEPLOYMENTS_PATH, kind: "next-link-to-page", toPage: 1, page: 2 }], 1);

    expect(run.code).toBe(3);
    expect(run.elapsedMs).toBeLessThan(BOUND_MS);
    expect(emulator?.countRequests(DEPLOYMENTS_PATH)).toBe(2);
    expect(evaluatedIds(report)).toEqual(LISTED_IDS.slice(0, 2));
    expect(report.summary.notEvaluatedByReason).toEqual({ [NOT_EVALUATED_REASONS.nextLinkCycle]: 1 });
  });

  test("10,000-page listing stops at the cap", async () => {
    const { run, report } = await audit([{ path: DEPLOYMENTS_PATH, kind: "long-listing", pages: 10_000 }], 1);

    expect(run.code).toBe(3);
    expect(run.elapsedMs).toBeLessThan(BOUND_MS);
    expect(emulator?.countRequests(DEPLOYMENTS_PATH)).toBe(MAX_LISTING_PAGES);
    expect(evaluatedIds(report)).toEqual(LISTED_IDS);
    expect(report.summary.notEvaluatedByReason).toEqual({ [NOT_EVALUATED_REASONS.tooManyPages]: 1 });
  });

  test("listing under the cap is read whole", async () => {
    const { run, report } = await audit([{ path: DEPLOYMENTS_PATH, kind: "long-listing", pages: 50 }], 1);

    expect(run.code).toBe(0);
    expect(emulator?.countRequests(DEPLOYMENTS_PATH)).toBe(50);
    expect(evaluatedIds(report)).toEqual(LISTED_IDS);
  });
});
