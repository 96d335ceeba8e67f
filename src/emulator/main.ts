import { Command, InvalidArgumentError } from "commander";
import { SAMPLE_SUBSCRIPTION_ID, SAMPLE_TENANT, SAMPLE_TOKEN } from "./sample-tenant";
import { startArmEmulator } from "./server";

/**
 * Serves the sample tenant on 127.0.0.1 until interrupted, so `amlguard audit` can be tried without Azure. The
 * token is the emulator's own fixed value, not a credential of any real service.
 */
async function main(argv: readonly string[]): Promise<void> {
  const program = new Command("npm run emulator --")
    .description("Serve a sample Azure ML tenant as the Azure Resource Manager API on 127.0.0.1, for trying amlguard audit without Azure.")
    .option("--port <number>", "TCP port on 127.0.0.1 (default: a free port)", parsePort)
    .parse([...argv], { from: "user" });
  const { port } = program.opts<{ port?: number }>();

  const emulator = await startArmEmulator({ tenant: SAMPLE_TENANT, token: SAMPLE_TOKEN, port });
  process.stdout.write(
    `ARM emulator with the sample tenant at ${emulator.url}. In another terminal, in this directory, run:\n\n` +
      `  AMLGUARD_ARM_TOKEN=${SAMPLE_TOKEN} node dist/src/cli/main.js audit --subscription ${SAMPLE_SUBSCRIPTION_ID} --arm-endpoint ${emulator.url}\n\n` +
      "(or `amlguard audit …` once `npm install --global .` has put amlguard on the PATH)\n\n" +
      "Press Ctrl+C to stop.\n",
  );

  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError(`${JSON.stringify(value)} is not a TCP port; give a whole number from 0 to 65535.`);
  }
  return port;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
