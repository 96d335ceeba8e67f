import { AuditProgress } from "../audit/progress";
import { DEFAULT_API_VERSION, DEFAULT_CONCURRENCY, DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, runAudit } from "../audit/run";
import { staticTokenCredential } from "../audit/credential";
import { loadConfig } from "../config/load";
import { exitCodeFor } from "../findings/report";
import { buildRunReport, reportRules } from "../findings/run-report";
import { renderTable } from "../reporters/table";
import { RULES, RULE_CATALOGUE_VERSION } from "../rules/index";
import { SAMPLE_SUBSCRIPTION_ID, SAMPLE_TENANT, SAMPLE_TOKEN } from "../emulator/sample-tenant";
import { startArmEmulator } from "../emulator/server";
import { TOOL_NAME, TOOL_VERSION } from "../version";

/**
 * Audits the embedded sample tenant, served by the local ARM emulator on 127.0.0.1, and prints the table. The
 * audit runs in-process through the same code as `amlguard audit`; nothing leaves the machine.
 */
export async function runAuditDemo(): Promise<{ exitCode: number }> {
  const emulator = await startArmEmulator({ tenant: SAMPLE_TENANT, token: SAMPLE_TOKEN });
  try {
    const startedAt = new Date();
    const { config } = await loadConfig(undefined);
    process.stdout.write(`AMLGUARD_ARM_TOKEN=${SAMPLE_TOKEN} amlguard audit --subscription ${SAMPLE_SUBSCRIPTION_ID} --arm-endpoint ${emulator.url}\n\n`);

    const results = await runAudit({
      scope: { subscriptions: [SAMPLE_SUBSCRIPTION_ID], deploymentIds: [] },
      endpoint: new URL(emulator.url),
      credential: staticTokenCredential(SAMPLE_TOKEN),
      apiVersion: DEFAULT_API_VERSION,
      concurrency: DEFAULT_CONCURRENCY,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      retry: DEFAULT_RETRY,
      config,
      rules: RULES,
      log: (message) => process.stderr.write(`amlguard: ${message}\n`),
      progress: new AuditProgress("off", () => undefined),
    });

    const run = buildRunReport({
      results,
      rules: reportRules(RULES),
      evidence: {
        tool: { name: TOOL_NAME, version: TOOL_VERSION, ruleCatalogueVersion: RULE_CATALOGUE_VERSION },
        command: "audit",
        limits: { source: "built-in" },
        scope: { subscriptions: [SAMPLE_SUBSCRIPTION_ID] },
        startedAt: startedAt.toISOString(),
        endedAt: new Date().toISOString(),
      },
    });
    process.stdout.write(renderTable(run));
    return { exitCode: exitCodeFor(run.results) };
  } finally {
    await emulator.close();
  }
}
