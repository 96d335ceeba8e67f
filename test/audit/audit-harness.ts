import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { EmulatedDeployment } from "../../src/emulator/tenant";
import { SHARED_DIR } from "../support/corpus";

/** Helpers shared by the audit tests: corpus deployment bodies and a runner for the built CLI. */

const REPOSITORY = path.resolve(__dirname, "../..");
const EXAMPLES = path.join(SHARED_DIR, "corpus/rest-api-specs/2025-06-01/OnlineDeployment");

export const CLI = path.join(REPOSITORY, "dist/src/cli/main.js");

/** Reads the 200 response body of an Azure REST API example as an emulated deployment called `name`. */
export function corpusDeployment(example: string, name: string): EmulatedDeployment {
  const file = JSON.parse(readFileSync(path.join(EXAMPLES, example), "utf8")) as { responses: { "200": { body: { sku: Record<string, unknown>; properties: unknown } } } };
  const body = file.responses["200"].body;
  return { name, sku: body.sku, properties: body.properties };
}

/** The Managed deployment of the 2025-06-01 `get.json` example: requestTimeout PT5M, liveness period PT5M. */
export const managedExample = (name: string): EmulatedDeployment => corpusDeployment("ManagedOnlineDeployment/get.json", name);

/** The Kubernetes deployment of the 2025-06-01 `createOrUpdate.json` example. */
export const kubernetesExample = (name: string): EmulatedDeployment => corpusDeployment("KubernetesOnlineDeployment/createOrUpdate.json", name);

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

/** Runs `amlguard` from dist/ with the given arguments and environment additions. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, elapsedMs: Date.now() - started }));
  });
}

/** Arguments that point the audit at an emulator, with short retry delays so tests stay fast. */
export function auditArgs(url: string, ...rest: string[]): string[] {
  return ["audit", "--arm-endpoint", url, "--format", "json", "--retry-delay", "50", ...rest];
}

export interface JsonResourceOut {
  readonly id?: string;
  readonly name: string;
  readonly status: string;
  readonly reason?: string;
  readonly findings: readonly { ruleId: string; path: string; actual: unknown; kind: string; message: string }[];
}

export interface JsonReportOut {
  readonly resources: readonly JsonResourceOut[];
  readonly summary: { readonly evaluated: number; readonly notEvaluated: number; readonly notEvaluatedByReason: Record<string, number> };
}

export function parseReport(run: CliRun): JsonReportOut {
  return JSON.parse(run.stdout) as JsonReportOut;
}
