import { runAuditDemo } from "./audit-demo";
import { runPreviewDemo } from "./preview-demo";

/** Runs the preview demo, then the audit demo, and exits 1 when either found a mandatory violation. */
async function main(): Promise<number> {
  const preview = await runPreviewDemo();
  process.stdout.write("\n");
  const audit = await runAuditDemo();
  return Math.max(preview.exitCode, audit.exitCode);
}

main().then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
