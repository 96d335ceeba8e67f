import { readFileSync, writeFileSync } from "node:fs";

// Runs `amlguard audit` in its own process so the bench can read that process's peak RSS and CPU time.
// Arguments: the file to write the measurement to, then the CLI arguments. The CLI is loaded after the clock
// starts, so module loading counts in `ms` as it does for a user.
const [resultFile, ...args] = process.argv.slice(2);
const started = process.hrtime.bigint();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main } = require("../src/cli/main") as typeof import("../src/cli/main");

main(args).then(
  (code) => {
    const usage = process.resourceUsage();
    writeFileSync(
      resultFile,
      JSON.stringify({
        code,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        maxRssKiB: peakRssKiB() ?? usage.maxRSS,
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      }),
    );
  },
  (error: unknown) => {
    process.stderr.write(`audit-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);

// getrusage's maximum RSS on Linux carries over the peak of the process before exec, here the bench process, which
// may be larger than the audit. /proc/self/status has the peak of this process image (VmHWM).
function peakRssKiB(): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}
