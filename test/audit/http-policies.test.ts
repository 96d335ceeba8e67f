import { RestError, createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { armRetryStrategy, concurrencyLimitPolicy, retryAfterMs } from "../../src/audit/http-policies";

function response(status: number, headers: Record<string, string>) {
  return { status, headers: createHttpHeaders(headers), request: createPipelineRequest({ url: "https://management.azure.com/subscriptions/s?api-version=2025-06-01" }) };
}

const OPTIONS = { maxRetries: 4, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 60_000 };

describe("retryAfterMs", () => {
  test.each<{ name: string; headers: Record<string, string>; expected: number | undefined }>([
    { name: "seconds", headers: { "retry-after": "7" }, expected: 7_000 },
    { name: "retry-after-ms", headers: { "retry-after-ms": "250" }, expected: 250 },
    { name: "x-ms-retry-after-ms", headers: { "x-ms-retry-after-ms": "40" }, expected: 40 },
    { name: "milliseconds header first", headers: { "retry-after-ms": "250", "retry-after": "7" }, expected: 250 },
    { name: "absent", headers: {}, expected: undefined },
    { name: "not a number or date", headers: { "retry-after": "soon" }, expected: undefined },
  ])("$name", ({ headers, expected }) => {
    expect(retryAfterMs(response(429, headers))).toBe(expected);
  });

  test("HTTP date", () => {
    const date = new Date(Date.now() + 30_000).toUTCString();

    const wait = retryAfterMs(response(503, { "retry-after": date })) ?? 0;

    expect(wait).toBeGreaterThan(28_000);
    expect(wait).toBeLessThanOrEqual(30_000);
  });
});

describe("armRetryStrategy", () => {
  const log: string[] = [];
  const strategy = armRetryStrategy(OPTIONS, (message) => log.push(message));

  test("429 waits for Retry-After", () => {
    expect(strategy.retry({ retryCount: 0, response: response(429, { "retry-after": "2", "x-ms-request-id": "r-1" }) })).toEqual({ retryAfterInMs: 2_000 });
  });

  test("Retry-After above the cap throws", () => {
    const modifiers = strategy.retry({ retryCount: 0, response: response(503, { "retry-after": "120" }) });

    expect(modifiers.errorToThrow?.code).toBe("AMLGUARD_RETRY_AFTER_TOO_LONG");
  });

  test("500 backs off exponentially", () => {
    const wait = strategy.retry({ retryCount: 2, response: response(500, {}) }).retryAfterInMs ?? 0;

    expect(wait).toBeGreaterThanOrEqual(400);
    expect(wait).toBeLessThanOrEqual(480);
  });

  test("backoff stops at the maximum delay", () => {
    expect(strategy.retry({ retryCount: 10, response: response(502, {}) }).retryAfterInMs).toBe(1_000);
  });

  test.each(["AMLGUARD_NO_TOKEN", "AMLGUARD_FOREIGN_ORIGIN"])("local refusal %s is not retried", (code) => {
    const responseError = new RestError("refused before sending", { code, request: createPipelineRequest({ url: "https://management.azure.com/x", method: "POST" }) });

    expect(strategy.retry({ retryCount: 0, responseError })).toEqual({ skipStrategy: true });
  });

  test("network error log names the method", () => {
    const responseError = new RestError("socket hang up", { request: createPipelineRequest({ url: "https://management.azure.com/x?api-version=1", method: "POST" }) });

    strategy.retry({ retryCount: 0, responseError });

    expect(log.at(-1)).toMatch(/^POST \/x failed \(socket hang up\)/);
  });

  test.each([400, 401, 403, 404, 409])("%i is not retried", (status) => {
    expect(strategy.retry({ retryCount: 0, response: response(status, {}) })).toEqual({ skipStrategy: true });
  });

  test("retry log names status and request id", () => {
    strategy.retry({ retryCount: 0, response: response(429, { "retry-after": "1", "x-ms-request-id": "req-42" }) });

    expect(log.at(-1)).toBe("GET /subscriptions/s returned 429 (x-ms-request-id req-42); retry 1 of 4 in 1000 ms (Retry-After)");
  });
});

describe("concurrencyLimitPolicy", () => {
  test("serves waiters in order", async () => {
    const policy = concurrencyLimitPolicy(1);
    const started: string[] = [];
    let finishFirst = (): void => undefined;
    const send = (name: string) =>
      policy.sendRequest(createPipelineRequest({ url: `https://management.azure.com/${name}` }), async (request) => {
        started.push(name);
        if (name === "first") {
          await new Promise<void>((resolve) => (finishFirst = resolve));
        }
        return { status: 200, headers: createHttpHeaders(), request };
      });

    const all = ["first", "older", "newer"].map(send);
    await new Promise((resolve) => setImmediate(resolve));
    finishFirst();
    await Promise.all(all);

    expect(started).toEqual(["first", "older", "newer"]);
  });
});
