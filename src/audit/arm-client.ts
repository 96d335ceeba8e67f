import type { TokenCredential } from "@azure/core-auth";
import {
  type Pipeline,
  type PipelineResponse,
  RestError,
  createDefaultHttpClient,
  createEmptyPipeline,
  createPipelineRequest,
  isRestError,
  retryPolicy,
} from "@azure/core-rest-pipeline";
import { setMaxListeners } from "node:events";
import * as z from "zod";
import { isLoopback } from "./arm-endpoint";
import { ArmAuthenticationError } from "./errors";
import {
  RETRY_AFTER_TOO_LONG_CODE,
  type RetryOptions,
  TIMEOUT_ERROR_CODE,
  armBearerTokenPolicy,
  armRetryStrategy,
  attemptTimeoutPolicy,
  concurrencyLimitPolicy,
  describeRequest,
  unauthorizedPolicy,
} from "./http-policies";
import { type PageStop, PageGuard } from "./page-guard";
import { NOT_EVALUATED_REASONS, type NotEvaluatedReason } from "./reasons";

export interface ArmClientOptions {
  /** Origin of Resource Manager, already validated by parseArmEndpoint. */
  readonly endpoint: URL;
  readonly credential: TokenCredential;
  /** Attempts in flight at once, across all listings. */
  readonly concurrency: number;
  /** Maximum time one attempt may take, from sending to the last byte of the body. */
  readonly timeoutMs: number;
  readonly retry: RetryOptions;
  /** Writes one line to the log (stderr). Never receives a token, a header other than ids, or a body. */
  readonly log: (message: string) => void;
}

/** Reason a request produced no usable body, with the status and request id for the log. */
export interface ArmFailure {
  readonly reason: NotEvaluatedReason;
  readonly status?: number;
  readonly requestId?: string;
}

export type ArmResult = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly failure: ArmFailure };

export { ArmAuthenticationError };

// Listings are GET requests and Resource Graph queries are POST requests, and the log names the one that failed.
type HttpMethod = "GET" | "POST";

const ListPageSchema = z.looseObject({
  value: z.array(z.unknown()),
  nextLink: z.string().nullish(),
});

/**
 * Maximum pages the audit reads of one listing. ARM pages contain 100 items or more, so 1,000 pages are far more
 * workspaces, endpoints or deployments than one scope has, and a longer listing is a run-away.
 */
export const MAX_LISTING_PAGES = 1_000;

/** Items of a listing and, when the listing stopped early, why. Items read before the failure are kept. */
export interface ArmListing {
  readonly items: readonly unknown[];
  readonly failure?: ArmFailure;
}

/** Reads Resource Manager with retries, a per-attempt timeout, bounded concurrency and a token bound to one origin. */
export class ArmClient {
  // Aborted on the first HTTP 401, because every later request would be rejected the same way. Requests still
  // waiting are then not sent, and each request fails with the 401's error.
  private readonly tokenRejected = new AbortController();
  private authFailure: ArmAuthenticationError | undefined;
  private readonly pipeline: Pipeline;
  private readonly httpClient = createDefaultHttpClient();
  private readonly origin: string;
  private readonly allowInsecure: boolean;

  constructor(private readonly options: ArmClientOptions) {
    // Every request in flight listens to the signal, and Node.js warns above ten listeners by default.
    setMaxListeners(0, this.tokenRejected.signal);
    this.origin = options.endpoint.origin;
    this.allowInsecure = options.endpoint.protocol === "http:" && isLoopback(options.endpoint.hostname);

    // Policies without a phase run in the order they are added: each retry goes through the concurrency
    // limit, the timeout and the token policy again.
    this.pipeline = createEmptyPipeline();
    this.pipeline.addPolicy(retryPolicy([armRetryStrategy(options.retry, options.log)], { maxRetries: options.retry.maxRetries }));
    this.pipeline.addPolicy(concurrencyLimitPolicy(options.concurrency));
    this.pipeline.addPolicy(unauthorizedPolicy((response) => this.stopAfterUnauthorized(response)));
    this.pipeline.addPolicy(attemptTimeoutPolicy(options.timeoutMs));
    this.pipeline.addPolicy(armBearerTokenPolicy(options.credential, `${this.origin}/.default`, this.origin));
  }

  /** Builds the URL of an ARM path with its api-version. */
  url(path: string, apiVersion: string): string {
    // Concatenated, not resolved: resolving `//host/...` from a hostile resource id would leave the ARM origin.
    const url = new URL(`${this.origin}${path}`);
    url.searchParams.set("api-version", apiVersion);
    return url.toString();
  }

  /** Sends GET to a URL on the ARM origin and parses the JSON body. A URL on any other origin is never contacted. */
  get(url: string): Promise<ArmResult> {
    return this.send(url, "GET");
  }

  /**
   * Sends POST with a JSON body to a URL on the ARM origin and parses the JSON response, with the same retries,
   * limits and origin check as GET. Resource Graph queries are POST requests that only read.
   */
  post(url: string, body: unknown): Promise<ArmResult> {
    return this.send(url, "POST", JSON.stringify(body));
  }

  private async send(url: string, method: HttpMethod, body?: string): Promise<ArmResult> {
    if (!this.isArmUrl(url)) {
      this.options.log(`${describeRequest(url, method)} was not sent: ${safeOrigin(url)} is not the ARM endpoint ${this.origin}`);
      return { ok: false, failure: { reason: NOT_EVALUATED_REASONS.foreignNextLink } };
    }

    const request = createPipelineRequest({
      url,
      method,
      allowInsecureConnection: this.allowInsecure,
      abortSignal: this.tokenRejected.signal,
      ...(body === undefined ? {} : { body }),
    });
    request.headers.set("Accept", "application/json");
    if (body !== undefined) {
      request.headers.set("Content-Type", "application/json");
    }

    let response: PipelineResponse;
    try {
      response = await this.pipeline.sendRequest(this.httpClient, request);
    } catch (error) {
      // After a 401 the retry policy raises an abort error for every request, the 401's own included.
      if (this.authFailure !== undefined) {
        throw this.authFailure;
      }
      return { ok: false, failure: this.failureFromError(url, method, error) };
    }
    return this.readResponse(url, method, response);
  }

  /**
   * Reads every page of a listing, following `nextLink` only while it stays on the ARM origin. A nextLink that
   * returns to a page already read, or a listing longer than MAX_LISTING_PAGES, stops the listing: without the
   * check, a faulty or hostile endpoint keeps the audit running forever. `onPage` receives each page's items
   * as it arrives, so the caller can start on them while the next page is read.
   */
  async list(url: string, onPage?: (items: readonly unknown[]) => void): Promise<ArmListing> {
    const items: unknown[] = [];
    const guard = new PageGuard(MAX_LISTING_PAGES);
    let next: string | undefined = url;

    while (next !== undefined) {
      const stop = guard.admit(next);
      if (stop !== undefined) {
        this.options.log(`${describeRequest(next)} was not sent: ${pageStopDetail(stop)}`);
        return { items, failure: { reason: stop } };
      }
      const result = await this.get(next);
      if (!result.ok) {
        return { items, failure: result.failure };
      }
      const page = ListPageSchema.safeParse(result.body);
      if (!page.success) {
        this.options.log(`${describeRequest(next)} returned a listing without a value array`);
        return { items, failure: { reason: NOT_EVALUATED_REASONS.malformedBody } };
      }
      items.push(...page.data.value);
      onPage?.(page.data.value);
      next = resolveNextLink(page.data.nextLink, next);
    }
    return { items };
  }

  private isArmUrl(url: string): boolean {
    try {
      return new URL(url).origin === this.origin;
    } catch {
      return false;
    }
  }

  private readResponse(url: string, method: HttpMethod, response: PipelineResponse): ArmResult {
    const requestId = response.headers.get("x-ms-request-id");
    const status = response.status;

    if (status < 200 || status > 299) {
      const reason = reasonForStatus(status);
      this.options.log(`${describeRequest(url, method)} failed: HTTP ${status}${armErrorCode(response)} (x-ms-request-id ${requestId ?? "none"})`);
      return { ok: false, failure: { reason, status, requestId } };
    }

    try {
      return { ok: true, body: JSON.parse(response.bodyAsText ?? "") };
    } catch {
      this.options.log(`${describeRequest(url, method)} returned HTTP ${status} with a body that is not JSON (x-ms-request-id ${requestId ?? "none"})`);
      return { ok: false, failure: { reason: NOT_EVALUATED_REASONS.malformedBody, status, requestId } };
    }
  }

  /** Records the first 401 as the error of every request, and aborts the requests in flight and waiting. */
  private stopAfterUnauthorized(response: PipelineResponse): void {
    if (this.authFailure !== undefined) {
      return;
    }
    const requestId = response.headers.get("x-ms-request-id") ?? "none";
    this.options.log(`${describeRequest(response.request.url, response.request.method)} failed: HTTP 401 (x-ms-request-id ${requestId})`);
    this.authFailure = new ArmAuthenticationError(
      `ARM rejected the access token (HTTP 401, x-ms-request-id ${requestId}). Sign in again (az login) or refresh AMLGUARD_ARM_TOKEN.`,
    );
    this.tokenRejected.abort();
  }

  private failureFromError(url: string, method: HttpMethod, error: unknown): ArmFailure {
    if (!isRestError(error)) {
      throw error;
    }
    const requestId = error.response?.headers.get("x-ms-request-id");
    const reason = reasonForError(error);
    this.options.log(`${describeRequest(url, method)} failed: ${error.message}${requestId === undefined ? "" : ` (x-ms-request-id ${requestId})`}`);
    return { reason, status: error.statusCode, requestId };
  }
}

function reasonForStatus(status: number): NotEvaluatedReason {
  if (status === 403) {
    return NOT_EVALUATED_REASONS.forbidden;
  }
  if (status === 404) {
    return NOT_EVALUATED_REASONS.notFound;
  }
  if (status === 429) {
    return NOT_EVALUATED_REASONS.throttled;
  }
  if (status >= 500) {
    return NOT_EVALUATED_REASONS.serverError;
  }
  return NOT_EVALUATED_REASONS.httpError;
}

function reasonForError(error: RestError): NotEvaluatedReason {
  switch (error.code) {
    case TIMEOUT_ERROR_CODE:
      return NOT_EVALUATED_REASONS.timeout;
    case RETRY_AFTER_TOO_LONG_CODE:
      return NOT_EVALUATED_REASONS.retryAfterTooLong;
    // The HTTP client reports a body stream that ends early as a parse error.
    case RestError.PARSE_ERROR:
      return NOT_EVALUATED_REASONS.truncatedBody;
    default:
      return NOT_EVALUATED_REASONS.networkError;
  }
}

/** Returns ` code X` from an ARM error body (`{ "error": { "code": … } }`); the message is not logged, because it may echo input. */
function armErrorCode(response: PipelineResponse): string {
  try {
    const code = (JSON.parse(response.bodyAsText ?? "") as { error?: { code?: unknown } }).error?.code;
    return typeof code === "string" && /^[\w.]{1,80}$/.test(code) ? `, code ${code}` : "";
  } catch {
    return "";
  }
}

function pageStopDetail(stop: PageStop): string {
  return stop === NOT_EVALUATED_REASONS.nextLinkCycle ? "nextLink returned to a page already read" : `the listing has more than ${MAX_LISTING_PAGES} pages`;
}

/** Resolves a nextLink against the page that returned it: ARM sends absolute links, but a relative one is valid too. */
function resolveNextLink(nextLink: string | null | undefined, current: string): string | undefined {
  if (nextLink === undefined || nextLink === null || nextLink === "") {
    return undefined;
  }
  try {
    return new URL(nextLink, current).toString();
  } catch {
    return nextLink;
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "an unparsable URL";
  }
}
