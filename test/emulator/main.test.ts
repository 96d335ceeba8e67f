import { execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { promisify } from "node:util";

const MAIN = path.resolve(__dirname, "../../dist/src/emulator/main.js");

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("npm run emulator", () => {
  test("prints usage for --help", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [MAIN, "--help"]);

    expect(stdout).toContain("--port <number>");
  });

  test("rejects a port that is no number", async () => {
    const run = promisify(execFile)(process.execPath, [MAIN, "--port", "eighty"]);

    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('"eighty" is not a TCP port') });
  });

  test("listens on the given port", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN, "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString("utf8").split("\n")[0]));
        child.once("exit", (code) => reject(new Error(`the emulator exited with code ${code}`)));
      });

      expect(firstLine).toContain(`at http://127.0.0.1:${port}.`);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
