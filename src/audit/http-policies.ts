import type { TokenCredential } from "@azure/core-auth";
import { type PipelinePolicy, type PipelineResponse, RestError, type RetryStrategy } from "@azure/core-rest-pipeline";

/** Error codes this module sets on a RestError, so the client can name the reason a request failed. */
export const TIMEOUT_ERROR_CODE = "AMLGUARD_REQUEST_TIMEOUT";
export const RETRY_AFTER_TOO_LONG_CODE = "AMLGUARD_RETRY_AFTER_TOO_LONG";

/** Log sink for retries: each line names the attempt, the status or error, the wait and the `x-ms-request-id`. */
export type RetryLogger = (message: string) => void;

export interface RetryOptions {
  readonly maxRetries: number;
  /** First backoff delay in milliseconds; each further retry doubles it, with jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The longest `Retry-After` the audit waits; a longer one fails the request, which is reported. */
  readonly maxRetryAfterMs: number;
}

// ARM and resource providers return 429 when they throttle and 503 when a backend is unavailable, and both may
// send Retry-After. 408, 500, 502 and 504 are transient gateway or server failures worth another attempt.
const THROTTLE_STATUSES = new Set([429, 503]);
const TRANSIENT_STATUSES = new Set([408, 500, 502, 504]);

// Codes of the requests the bearer-token policy refuses to send.
const FOREIGN_ORIGIN_CODE = "AMLGUARD_FOREIGN_ORIGIN";
const NO_TOKEN_CODE = "AMLGUARD_NO_TOKEN";
const LOCAL_REFUSAL_CODES: ReadonlySet<string> = new Set([FOREIGN_ORIGIN_CODE, NO_TOKEN_CODE]);

/**
 * Retries throttled, transient and network failures with exponential backoff, and honours `Retry-After` on
 * 429 and 503 up to `maxRetryAfterMs`.
 */
export function armRetryStrategy(options: RetryOptions, log: RetryLogger): RetryStrategy {
  return {
    name: "amlguardArmRetry",
    retry({ retryCount, response, responseError }) {
      const attempt = `retry ${retryCount + 1} of ${options.maxRetries}`;

      if (response === undefined) {
        // The bearer-token policy's own refusals cannot succeed on a retry, so they fail at once.
        if (responseError === undefined || LOCAL_REFUSAL_CODES.has(responseError.code ?? "")) {
          return { skipStrategy: true };
        }
        const wait = backoffMs(retryCount, options);
        log(`${describeRequest(responseError.request?.url, responseError.request?.method)} failed (${responseError.message}); ${attempt} in ${wait} ms`);
        return { retryAfterInMs: wait };
      }

      const status = response.status;
      const requestId = response.headers.get("x-ms-request-id") ?? "none";
      if (THROTTLE_STATUSES.has(status)) {
        const retryAfter = retryAfterMs(response);
        if (retryAfter !== undefined && retryAfter > options.maxRetryAfterMs) {
          const message =
            `Retry-After of ${retryAfter} ms on HTTP ${status} is above the ${options.maxRetryAfterMs} ms the audit waits`;
          return { errorToThrow: new RestError(message, { code: RETRY_AFTER_TOO_LONG_CODE, statusCode: status, response, request: response.request }) };
        }
        const wait = retryAfter ?? backoffMs(retryCount, options);
        const source = retryAfter === undefined ? "backoff" : "Retry-After";
        log(`${describeRequest(response.request.url, response.request.method)} returned ${status} (x-ms-request-id ${requestId}); ${attempt} in ${wait} ms (${source})`);
        return { retryAfterInMs: wait };
      }
      if (TRANSIENT_STATUSES.has(status)) {
        const wait = backoffMs(retryCount, options);
        log(`${describeRequest(response.request.url, response.request.method)} returned ${status} (x-ms-request-id ${requestId}); ${attempt} in ${wait} ms`);
        return { retryAfterInMs: wait };
      }
      return { skipStrategy: true };
    },
  };
}

function backoffMs(retryCount: number, options: RetryOptions): number {
  const exponential = options.baseDelayMs * 2 ** retryCount;
  // Up to 20 % jitter spreads the retries of many concurrent requests.
  const jitter = exponential * 0.2 * Math.random();
  return Math.round(Math.min(options.maxDelayMs, exponential + jitter));
}

/** Reads `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After` (seconds or an HTTP date) in milliseconds. */
export function retryAfterMs(response: PipelineResponse): number | undefined {
  for (const header of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = Number(response.headers.get(header));
    if (response.headers.has(header) && Number.isFinite(value) && value >= 0) {
      return value;
    }
  }

  const retryAfter = response.headers.get("retry-after");
  if (retryAfter === undefined) {
    return undefined;
  }
  const seconds = Number(retryAfter);
  if (retryAfter.trim() !== "" && Number.isFinite(seconds) && seconds >= 0) {
    return seconds * 1000;
  }
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Names a request in logs by its method and path, without the query string. */
export function describeRequest(url: string | undefined, method = "GET"): string {
  if (url === undefined) {
    return "request";
  }
  try {
    return `${method} ${new URL(url).pathname}`;
  } catch {
    return `${method} (unparsable URL)`;
  }
}

/**
 * Aborts an attempt that takes longer than `timeoutMs` from sending to the last byte of the body, and turns
 * the abort into a RestError so the retry policy retries it. The HTTP client's own timeout stops at the
 * headers, so a body that trickles in would otherwise hang the audit.
 */
export function attemptTimeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: "amlguardAttemptTimeout",
    async sendRequest(request, next) {
      const outer = request.abortSignal;
      const controller = new AbortController();
      const onOuterAbort = () => controller.abort();
      outer?.addEventListener("abort", onOuterAbort);
      // A request that waited for a slot while the caller gave up is not sent at all.
      if (outer?.aborted === true) {
        controller.abort();
      }
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);

      request.abortSignal = controller.signal;
      try {
        return await next(request);
      } catch (error) {
        if (timedOut) {
          throw new RestError(`no complete response within ${timeoutMs} ms`, { code: TIMEOUT_ERROR_CODE, request });
        }
        // The HTTP client raises a body that ends early without the request, which the retry log needs to name it.
        if (error instanceof RestError && error.request === undefined) {
          error.request = request;
        }
        throw error;
      } finally {
        clearTimeout(timer);
        outer?.removeEventListener("abort", onOuterAbort);
        // The retry policy checks the request's signal after each attempt, so it must see the caller's signal.
        request.abortSignal = outer;
      }
    },
  };
}

/**
 * Caps the number of attempts in flight. Retry waits happen outside the cap, because this policy runs inside the
 * retry policy.
 */
export function concurrencyLimitPolicy(limit: number): PipelinePolicy {
  let active = 0;
  // First in, first out, which spreads requests over the audited subscriptions and leaves room between the retries
  // of a throttled request. Serving the newest first sent more throttled requests (bench/method.md).
  const waiting: (() => void)[] = [];

  const acquire = async (): Promise<void> => {
    if (active < limit) {
      active++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const nextWaiter = waiting.shift();
    if (nextWaiter === undefined) {
      active--;
    } else {
      nextWaiter();
    }
  };

  return {
    name: "amlguardConcurrencyLimit",
    async sendRequest(request, next) {
      await acquire();
      try {
        return await next(request);
      } finally {
        release();
      }
    },
  };
}

/**
 * Calls `onUnauthorized` when Resource Manager returns HTTP 401, before the request's slot goes to a waiting request,
 * so the caller can stop the others: every later request would be rejected the same way.
 */
export function unauthorizedPolicy(onUnauthorized: (response: PipelineResponse) => void): PipelinePolicy {
  return {
    name: "amlguardUnauthorized",
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status === 401) {
        onUnauthorized(response);
      }
      return response;
    },
  };
}

/**
 * Adds the bearer token, and only to requests for the configured ARM origin. The client already rejects
 * other origins before sending; this check keeps the token safe if a request ever reaches the pipeline anyway.
 */
export function armBearerTokenPolicy(credential: TokenCredential, scope: string, armOrigin: string): PipelinePolicy {
  return {
    name: "amlguardArmBearerToken",
    async sendRequest(request, next) {
      if (new URL(request.url).origin !== armOrigin) {
        throw new RestError(`rejected a request to ${new URL(request.url).origin}: the ARM token is sent only to the ARM endpoint`, { code: FOREIGN_ORIGIN_CODE, request });
      }
      const token = await credential.getToken(scope, { abortSignal: request.abortSignal });
      if (token === null) {
        throw new RestError("the credential returned no access token", { code: NO_TOKEN_CODE, request });
      }
      request.headers.set("Authorization", `Bearer ${token.token}`);
      return next(request);
    },
  };
}
