import type { TokenCredential } from "@azure/core-auth";
import { type Command, InvalidArgumentError, Option } from "commander";
import { ARM_ENDPOINTS, ArmEndpointError, CLOUD_NAMES, type CloudName, parseArmEndpoint } from "../../audit/arm-endpoint";
import { ArmAuthenticationError } from "../../audit/errors";
import { ArmCredentialError, CREDENTIAL_ERROR_NAMES, armCredential } from "../../audit/credential";
import { AuditProgress } from "../../audit/progress";
import { AUDIT_SOURCES, type AuditSource, DEFAULT_API_VERSION, DEFAULT_CONCURRENCY, DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, runAudit } from "../../audit/run";
import type { AuditScope } from "../../audit/collect";
import { RESOURCE_GRAPH_API_VERSION } from "../../audit/resource-graph";
import { type UniqueResults, auditScopeOf, scopeEvidence, scopeUsageError } from "../../audit/scope";
import { loadConfig } from "../../config/load";
import type { LoadedConfig } from "../../config/load";
import { EXIT_CODES, exitCodeFor } from "../../findings/report";
import { RULES } from "../../rules/index";
import { type ReportCliOptions, addReportOptions, completeRun, limitsEvidenceOf } from "../output";
import { writeError } from "../stderr";

interface AuditOptions extends ReportCliOptions {
  readonly subscription: string[];
  readonly resourceGroup?: string;
  readonly workspace?: string;
  readonly endpoint?: string;
  readonly id: string[];
  readonly apiVersion: string;
  readonly cloud: CloudName;
  readonly armEndpoint?: string;
  readonly concurrency: number;
  readonly requestTimeout: number;
  readonly maxRetries: number;
  readonly retryDelay: number;
  readonly maxRetryAfter: number;
  readonly policyPackConfig?: string;
  readonly verbose?: boolean;
  readonly source: AuditSource;
}

export function registerAudit(program: Command): void {
  const command = program
    .command("audit")
    .description("Audit live online deployments read from Azure Resource Manager against the organization's limits.")
    .option("--subscription <id>", "subscription id (a GUID) to audit; repeat for several", collect, [])
    .option("--resource-group <name>", "audit only this resource group of each subscription")
    .option("--workspace <name>", "audit only this workspace (needs --resource-group)")
    .option("--endpoint <name>", "audit only this online endpoint (needs --workspace)")
    .option("--id <deployment-id>", "ARM id of one online deployment to audit; repeat for several", collect, [])
    .option("--api-version <version>", "api-version of Microsoft.MachineLearningServices to read", DEFAULT_API_VERSION)
    .addOption(new Option("--cloud <name>", "Azure cloud whose Resource Manager to read").choices(CLOUD_NAMES).default("AzureCloud"))
    .option("--arm-endpoint <url>", "Resource Manager origin, overriding --cloud (HTTPS, or HTTP to a loopback address)")
    .option("--concurrency <n>", "maximum ARM requests in flight at once", positiveInteger, DEFAULT_CONCURRENCY)
    .option("--request-timeout <seconds>", "maximum seconds one request attempt may take, body included, before it is retried", positiveInteger, DEFAULT_TIMEOUT_MS / 1000)
    .option("--max-retries <n>", "retries of a throttled, failed or timed-out request", nonNegativeInteger, DEFAULT_RETRY.maxRetries)
    .option("--retry-delay <ms>", "first backoff delay in milliseconds, doubled on each retry", nonNegativeInteger, DEFAULT_RETRY.baseDelayMs)
    .option("--max-retry-after <seconds>", "maximum Retry-After in seconds that the audit waits; a longer one ends the request and is reported", positiveInteger, DEFAULT_RETRY.maxRetryAfterMs / 1000)
    .option("--policy-pack-config <file>", "limits file, the same JSON that pulumi preview --policy-pack-config takes (default: built-in limits)")
    .option("--verbose", "write progress to stderr even when stderr is not a terminal")
    .addOption(
      new Option("--source <source>", "how deployments are listed: arm walks workspaces and endpoints, resource-graph sends one Azure Resource Graph query")
        .choices(AUDIT_SOURCES)
        .default("arm"),
    );
  addReportOptions(command).action(async (options: AuditOptions) => {
    process.exitCode = await runAuditCommand(options);
  });
}

async function runAuditCommand(options: AuditOptions): Promise<number> {
  const usageError = scopeUsageError(options);
  if (usageError !== undefined) {
    writeError(usageError);
    return EXIT_CODES.usage;
  }

  let endpoint: URL;
  try {
    endpoint = parseArmEndpoint(options.armEndpoint ?? ARM_ENDPOINTS[options.cloud]);
  } catch (error) {
    if (error instanceof ArmEndpointError) {
      writeError(error.message);
      return EXIT_CODES.usage;
    }
    throw error;
  }

  let credential: TokenCredential;
  try {
    credential = await armCredential(process.env, endpoint);
  } catch (error) {
    if (error instanceof ArmCredentialError) {
      writeError(error.message);
      return EXIT_CODES.usage;
    }
    throw error;
  }

  const scope = auditScopeOf(options);
  const startedAt = new Date();
  const loaded = await loadConfig(options.policyPackConfig);
  const progressMode = process.stderr.isTTY ? "tty" : options.verbose === true ? "lines" : "off";
  const progress = new AuditProgress(progressMode, (text) => process.stderr.write(text));
  const log = (message: string): void => {
    progress.clearLine();
    writeError(message);
  };

  let audited: UniqueResults;
  try {
    audited = await runAudit({
      scope,
      endpoint,
      credential,
      apiVersion: options.apiVersion,
      concurrency: options.concurrency,
      timeoutMs: options.requestTimeout * 1000,
      retry: {
        maxRetries: options.maxRetries,
        baseDelayMs: options.retryDelay,
        maxDelayMs: DEFAULT_RETRY.maxDelayMs,
        maxRetryAfterMs: options.maxRetryAfter * 1000,
      },
      config: loaded.config,
      rules: RULES,
      log,
      source: options.source,
      progress,
    });
  } catch (error) {
    if (error instanceof ArmAuthenticationError) {
      log(error.message);
      return EXIT_CODES.usage;
    }
    if (error instanceof Error && CREDENTIAL_ERROR_NAMES.has(error.name)) {
      log(`cannot get an ARM access token: ${error.message.split("\n")[0]} Sign in with az login, or set AMLGUARD_ARM_TOKEN.`);
      return EXIT_CODES.usage;
    }
    throw error;
  }

  for (const conflict of audited.conflicts) {
    log(`${conflict}; the run counts as incomplete.`);
  }
  return writeAuditReport(audited, scope, endpoint, options, loaded, startedAt);
}

/** Applies exemptions, writes every requested report and returns the exit code. */
async function writeAuditReport(
  { results: evaluated, conflicts }: UniqueResults,
  scope: AuditScope,
  endpoint: URL,
  options: AuditOptions,
  loaded: LoadedConfig,
  startedAt: Date,
): Promise<number> {
  const apiVersion = options.source === "resource-graph" ? RESOURCE_GRAPH_API_VERSION : options.apiVersion;
  const { run, written } = await completeRun({
    command: "audit",
    evaluated,
    options,
    limits: limitsEvidenceOf(loaded),
    limitsFileExemptions: loaded.config.exemptions,
    scope: scopeEvidence(scope, options.source, endpoint, apiVersion),
    startedAt,
    incomplete: conflicts,
  });
  if (!written) {
    return EXIT_CODES.usage;
  }
  const code = exitCodeFor(run.results, options.failOn);
  return code === EXIT_CODES.ok && conflicts.length > 0 ? EXIT_CODES.incomplete : code;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError("must be a whole number of 1 or more.");
  }
  return number;
}

function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) {
    throw new InvalidArgumentError("must be a whole number of 0 or more.");
  }
  return number;
}
