import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { type EngineResource, PackHarness } from "../src/demo/pack-client";
import { msSince } from "./stats";

/** Returns the environment the Pulumi CLI gives a policy pack process, as PackHarness in src/demo/pack-client.ts sets it. */
export function packEnvironment(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PULUMI_NODEJS_STACK: "dev",
    PULUMI_NODEJS_PROJECT: "amlguard-bench",
    PULUMI_NODEJS_ORGANIZATION: "organization",
    PULUMI_NODEJS_DRY_RUN: "true",
    PULUMI_CONFIG: "{}",
  };
}

/**
 * Launches a pack as the Pulumi CLI does (`node <@pulumi/pulumi>/cmd/run-policy-pack <engine> <pack-dir>`, cwd
 * the pack directory) and returns the milliseconds from spawn to the port line on stdout. The process is then
 * killed. What the engine does next, up to the first verdict, is timed by {@link timeFirstAnalyze}.
 */
export async function timeColdStart(packDir: string): Promise<number> {
  const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [runPolicyPack, "127.0.0.1:1", packDir], {
    cwd: packDir,
    env: packEnvironment(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (text) => {
      lines.close();
      resolve(text);
    });
    child.once("exit", (code) => reject(new Error(`the pack in ${packDir} exited with ${code} before writing its port; stderr: ${stderr}`)));
  });
  const elapsed = msSince(started);
  child.kill();
  await exited;
  if (!/^\d+$/.test(line.trim())) {
    throw new Error(`the pack in ${packDir} wrote ${JSON.stringify(line)} as its first line, not a port`);
  }
  return elapsed;
}

/**
 * Returns the milliseconds a pack takes to its first verdict. That is spawn to the port line, then the engine's
 * calls from the handshake to Configure as PackHarness plays them, then the first Analyze request on one
 * deployment, each call from request to response. The harness's own work between the calls is left out: it checks every policy's config
 * against its schema in JavaScript, which the engine does in Go, and for amlguard's 19 policies that took
 * 56–159 ms of the harness's CPU time.
 */
export async function timeFirstAnalyze(packDir: string, resource: EngineResource): Promise<number> {
  const pack = await PackHarness.start({ packDir, project: "amlguard-bench" });
  try {
    const sent = process.hrtime.bigint();
    await pack.analyze(resource);
    return pack.startupMs + pack.startCallsMs + msSince(sent);
  } finally {
    await pack.stop();
  }
}
