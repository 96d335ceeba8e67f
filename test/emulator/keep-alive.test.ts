import { ArmClient } from "../../src/audit/arm-client";
import { SAMPLE_TENANT, SAMPLE_TOKEN } from "../../src/emulator/sample-tenant";
import { type ArmEmulator, startArmEmulator } from "../../src/emulator/server";

const WORKSPACES = `/subscriptions/${SAMPLE_TENANT.subscriptions[0].id}/providers/Microsoft.MachineLearningServices/workspaces`;

let emulator: ArmEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function clientFor(url: string): ArmClient {
  return new ArmClient({
    endpoint: new URL(url),
    credential: { getToken: async () => ({ token: SAMPLE_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) },
    concurrency: 1,
    timeoutMs: 10_000,
    retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 },
    log: () => undefined,
  });
}

describe("emulator keep-alive", () => {
  test("audit client reuses one connection", async () => {
    emulator = await startArmEmulator({ tenant: SAMPLE_TENANT, token: SAMPLE_TOKEN, pageSize: 1 });
    const client = clientFor(emulator.url);

    const listing = await client.list(client.url(WORKSPACES, "2025-06-01"));

    expect(listing.failure).toBeUndefined();
    expect(emulator.requests.length).toBeGreaterThan(1);
    expect(emulator.connections()).toBe(1);
  });

});
