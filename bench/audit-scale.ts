import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { RESOURCE_GRAPH_PAGE_SIZE } from "../src/audit/resource-graph";
import type { AuditSource } from "../src/audit/run";
import { generateTenant } from "../src/emulator/generate-tenant";
import { startArmEmulator } from "../src/emulator/server";
import { type EmulatedTenant, deploymentId } from "../src/emulator/tenant";
import { msSince } from "./stats";

export const PAGE_SIZE = 100;
const TOKEN = "bench-token";

export interface AuditShape {
  readonly deployments: number;
  readonly workspaces: number;
  readonly endpoints: number;
  readonly resourceGroups: number;
}

/** Returns the benchmark tenant's shape for `deployments`: 20 deployments per workspace, 4 endpoints of 5 deployments. */
export function shapeFor(deployments: number): AuditShape {
  const workspaces = Math.max(1, Math.round(deployments / 20));
  return { deployments: workspaces * 20, workspaces, endpoints: workspaces * 4, resourceGroups: Math.max(1, Math.round(workspaces / 50)) };
}

export function tenantFor(shape: AuditShape): EmulatedTenant {
  return generateTenant({
    workspaces: shape.workspaces,
    endpointsPerWorkspace: 4,
    deploymentsPerEndpoint: 5,
    resourceGroupsPerSubscription: shape.resourceGroups,
  });
}

/**
 * Counts the fewest ARM requests that read every deployment of a subscription-wide audit. They are the workspace
 * listing of each subscription, the endpoint listing of each workspace and the deployment listing of each endpoint.
 * Each resource group with a Managed deployment adds its autoscale-setting listing. Every listing takes as many
 * pages as it needs.
 */
export function minimumRequests(tenant: EmulatedTenant, pageSize: number): number {
  const pages = (items: number): number => Math.max(1, Math.ceil(items / pageSize));
  let requests = 0;
  for (const subscription of tenant.subscriptions) {
    requests += pages(subscription.resourceGroups.reduce((sum, group) => sum + group.workspaces.length, 0));
    for (const group of subscription.resourceGroups) {
      let hasManaged = false;
      for (const workspace of group.workspaces) {
        requests += pages(workspace.endpoints.length);
        for (const endpoint of workspace.endpoints) {
          requests += pages(endpoint.deployments.length);
          hasManaged ||= endpoint.deployments.some((deployment) => (deployment.properties as { endpointComputeType?: unknown } | null)?.endpointComputeType === "Managed");
        }
      }
      if (hasManaged) {
        requests += pages(group.autoscaleSettings?.length ?? 0);
      }
    }
  }
  return requests;
}

/**
 * Counts the fewest Resource Graph queries for the same audit: the rows (deployments, workspaces, autoscale settings
 * that target a deployment, and one row per subscription that shows the scope exists) in pages of
 * RESOURCE_GRAPH_PAGE_SIZE. Pages follow each other, so they are sequential.
 */
export function minimumGraphRequests(tenant: EmulatedTenant): number {
  let rows = tenant.subscriptions.length;
  for (const subscription of tenant.subscriptions) {
    for (const group of subscription.resourceGroups) {
      rows += group.workspaces.length + (group.autoscaleSettings?.length ?? 0);
      rows += group.workspaces.reduce((sum, workspace) => sum + workspace.endpoints.reduce((inner, endpoint) => inner + endpoint.deployments.length, 0), 0);
    }
  }
  return Math.max(1, Math.ceil(rows / RESOURCE_GRAPH_PAGE_SIZE));
}

export interface AuditRun {
  readonly source: AuditSource;
  readonly deployments: number;
  readonly requests: number;
  readonly minimumRequests: number;
  /** Wall time of the audit process, from spawn to exit. */
  readonly wallMs: number;
  /** Time inside the process, from before the CLI modules load to the end of the report. */
  readonly auditMs: number;
  readonly idealMs: number;
  readonly maxRssMiB: number;
  readonly cpuMs: number;
  readonly evaluated: number;
  readonly notEvaluated: number;
  /** Deployments of the tenant whose ARM id is not among the report's evaluated resources. */
  readonly lost: number;
  /** Evaluated resources of the report beyond one per deployment of the tenant: repeats and ids it does not have. */
  readonly unexpected: number;
  /** Exit code of `amlguard audit`: 1 when a mandatory finding exists, as in this tenant. */
  readonly exitCode: number;
}

/**
 * Serves the tenant from the ARM emulator at `latencyMs` per call and runs `amlguard audit` over the whole
 * subscription in a child process with the JSON report on stdout, then checks the report lists every deployment.
 */
export async function runAuditScale(tenant: EmulatedTenant, options: { latencyMs: number; concurrency: number; source: AuditSource }): Promise<AuditRun> {
  const emulator = await startArmEmulator({ tenant, token: TOKEN, latencyMs: options.latencyMs, pageSize: PAGE_SIZE });
  const scratch = mkdtempSync(path.join(tmpdir(), "amlguard-bench-"));
  try {
    const reportFile = path.join(scratch, "report.json");
    const resultFile = path.join(scratch, "result.json");
    const subscriptionArgs = tenant.subscriptions.flatMap((subscription) => ["--subscription", subscription.id]);
    const cliArgs = ["audit", ...subscriptionArgs, "--arm-endpoint", emulator.url, "--concurrency", String(options.concurrency), "--format", "json", "--source", options.source];

    const stdout = openSync(reportFile, "w");
    const started = process.hrtime.bigint();
    const exitCode = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(__dirname, "audit-child.js"), resultFile, ...cliArgs], {
        env: { ...process.env, AMLGUARD_ARM_TOKEN: TOKEN },
        stdio: ["ignore", stdout, "inherit"],
      });
      child.once("error", reject);
      child.once("exit", (code) => resolve(code ?? -1));
    });
    const wallMs = msSince(started);
    closeSync(stdout);
    // The CLI sets the process's exit code (1 for mandatory findings), so a crash shows as a missing result file.
    if (!existsSync(resultFile)) {
      throw new Error(`the audit process exited with ${exitCode} without writing its measurement`);
    }

    const measured = JSON.parse(readFileSync(resultFile, "utf8")) as { code: number; ms: number; maxRssKiB: number; cpuMs: number };
    const report = JSON.parse(readFileSync(reportFile, "utf8")) as { resources: { id?: string; status: string }[] };
    const evaluated = report.resources.filter((resource) => resource.status === "evaluated").map((resource) => resource.id?.toLowerCase());
    const ids = new Set(evaluated);
    const tenantIds = new Set(deploymentIdsOf(tenant));
    const expected = tenantIds.size;
    const graph = options.source === "resource-graph";
    const minimum = graph ? minimumGraphRequests(tenant) : minimumRequests(tenant, PAGE_SIZE);
    return {
      source: options.source,
      deployments: expected,
      requests: emulator.requests.length,
      minimumRequests: minimum,
      wallMs,
      auditMs: measured.ms,
      // Resource Graph pages follow each other through $skipToken, so concurrency does not shorten them.
      idealMs: graph ? minimum * options.latencyMs : (minimum * options.latencyMs) / options.concurrency,
      maxRssMiB: measured.maxRssKiB / 1024,
      cpuMs: measured.cpuMs,
      evaluated: evaluated.length,
      notEvaluated: report.resources.length - evaluated.length,
      lost: [...tenantIds].filter((id) => !ids.has(id)).length,
      // Every evaluated entry beyond one per deployment of the tenant: a repeat, or an id the tenant does not have.
      unexpected: evaluated.length - [...ids].filter((id) => id !== undefined && tenantIds.has(id)).length,
      exitCode: measured.code,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await emulator.close();
  }
}

/** Returns the lower-cased ARM id of every deployment of the tenant. */
function deploymentIdsOf(tenant: EmulatedTenant): string[] {
  return tenant.subscriptions.flatMap((subscription) =>
    subscription.resourceGroups.flatMap((group) =>
      group.workspaces.flatMap((workspace) =>
        workspace.endpoints.flatMap((endpoint) =>
          endpoint.deployments.map((deployment) => deploymentId(subscription.id, group.name, workspace.name, endpoint.name, deployment.name).toLowerCase()),
        ),
      ),
    ),
  );
}
