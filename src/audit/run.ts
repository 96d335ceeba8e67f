import type { TokenCredential } from "@azure/core-auth";
import type { ResolvedConfig } from "../config/limits";
import { evaluateItems } from "../engine/evaluate";
import type { ResourceResult } from "../findings/finding";
import type { Rule } from "../rules/rule";
import type { SourceItem } from "../sources/source-item";
import { type AuditScope, DeploymentCollector } from "./collect";
import type { RetryOptions } from "./http-policies";
import type { AuditProgress } from "./progress";
import { ResourceGraphCollector } from "./resource-graph";
import { ResultPool } from "./result-pool";
import { type UniqueResults, uniqueResults } from "./scope";

/** Default api-version of Microsoft.MachineLearningServices that the audit reads. */
export const DEFAULT_API_VERSION = "2025-06-01";

/**
 * Default attempts in flight. Resource Manager throttles reads per subscription and principal with a token
 * bucket of 250 requests refilled at 25 per second ("Request limits and throttling", Azure Resource Manager
 * documentation, limits in force since 2024). Five requests in flight at an ARM latency of about 200 ms (an estimate)
 * stay near the refill rate, so a long audit does not drain the bucket other tools of the same principal share.
 */
export const DEFAULT_CONCURRENCY = 5;

export const DEFAULT_RETRY: RetryOptions = {
  maxRetries: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface AuditRunOptions {
  readonly scope: AuditScope;
  readonly endpoint: URL;
  readonly credential: TokenCredential;
  readonly apiVersion: string;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly retry: RetryOptions;
  readonly config: ResolvedConfig;
  readonly rules: readonly Rule[];
  readonly log: (message: string) => void;
  readonly progress: AuditProgress;
  /** Listing source: ARM listings of workspaces and endpoints (default), or one Resource Graph query. */
  readonly source?: AuditSource;
}

export const AUDIT_SOURCES = ["arm", "resource-graph"] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];

/**
 * Reads every deployment in scope from ARM and judges it; scopes and deployments that could not be read stay in the
 * result. A deployment read twice with different findings is returned once, with the conflict.
 */
export async function runAudit(options: AuditRunOptions): Promise<UniqueResults> {
  // Loaded on first use: the HTTP pipeline library is the slowest module of the CLI to load.
  const { ArmClient } = await import("./arm-client");
  const client = new ArmClient({
    endpoint: options.endpoint,
    credential: options.credential,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    log: options.log,
  });
  const pool = new ResultPool();
  const judge = (item: SourceItem): ResourceResult => {
    const [result] = evaluateItems([item], options.rules, options.config);
    return pool.compact(result);
  };
  const results =
    options.source === "resource-graph"
      ? await new ResourceGraphCollector(client, options.progress, options.log, judge).collect(options.scope.subscriptions, options.scope.resourceGroup)
      : await new DeploymentCollector(client, options.apiVersion, options.progress, judge).collect(options.scope);
  options.progress.finish();
  return uniqueResults(results);
}
