import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
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
 * killed: the engine would connect next, which the Analyze benchmark measures separately.
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
