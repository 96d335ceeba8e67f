import type { AuditScope } from "../audit/collect";
import { AuditProgress } from "../audit/progress";
import { DEFAULT_API_VERSION, DEFAULT_CONCURRENCY, DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, runAudit } from "../audit/run";
import { staticTokenCredential } from "../audit/credential";
import { scopeEvidence } from "../audit/scope";
import { loadConfig } from "../config/load";
import { exitCodeFor } from "../findings/report";
import { completeRun, limitsEvidenceOf } from "../cli/output";
import { RULES } from "../rules/index";
import { SAMPLE_SUBSCRIPTION_ID, SAMPLE_TENANT, SAMPLE_TOKEN } from "../emulator/sample-tenant";
import { startArmEmulator } from "../emulator/server";

/**
 * Audits the embedded sample tenant, served by the local ARM emulator on 127.0.0.1, and prints the table. The
 * audit runs in-process through the same code as `amlguard audit`; nothing leaves the machine.
 */
export async function runAuditDemo(): Promise<{ exitCode: number }> {
  const emulator = await startArmEmulator({ tenant: SAMPLE_TENANT, token: SAMPLE_TOKEN });
  try {
    const startedAt = new Date();
    const loaded = await loadConfig(undefined);
    // The emulator stops with the demo, so the command is shown as what the demo runs, not as one to copy.
    process.stdout.write(`Auditing the sample tenant in-process, as amlguard audit --subscription ${SAMPLE_SUBSCRIPTION_ID} --arm-endpoint ${emulator.url} would.\n`);
    process.stdout.write("To run that audit yourself, start npm run emulator, which prints the command.\n\n");

    const scope: AuditScope = { subscriptions: [SAMPLE_SUBSCRIPTION_ID], deploymentIds: [] };
    const endpoint = new URL(emulator.url);
    const { results } = await runAudit({
      scope,
      endpoint,
      credential: staticTokenCredential(SAMPLE_TOKEN),
      apiVersion: DEFAULT_API_VERSION,
      concurrency: DEFAULT_CONCURRENCY,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      retry: DEFAULT_RETRY,
      config: loaded.config,
      rules: RULES,
      log: (message) => process.stderr.write(`amlguard: ${message}\n`),
      progress: new AuditProgress("off", () => undefined),
    });

    const { run } = await completeRun({
      command: "audit",
      evaluated: results,
      options: { format: "table", output: [], failOn: "mandatory" },
      limits: limitsEvidenceOf(loaded),
      limitsFileExemptions: loaded.config.exemptions,
      scope: scopeEvidence(scope, "arm", endpoint, DEFAULT_API_VERSION),
      startedAt,
    });
    return { exitCode: exitCodeFor(run.results) };
  } finally {
    await emulator.close();
  }
}
