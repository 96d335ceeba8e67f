import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { cachingCredential, staticTokenCredential } from "../../src/audit/credential";

function countingCredential(lifetimeMs: number): { credential: TokenCredential; calls: () => number } {
  let calls = 0;
  return {
    credential: {
      getToken: async (): Promise<AccessToken> => {
        calls++;
        return { token: `token-${calls}`, expiresOnTimestamp: Date.now() + lifetimeMs };
      },
    },
    calls: () => calls,
  };
}

describe("cachingCredential", () => {
  test("concurrent requests share one token", async () => {
    const inner = countingCredential(60 * 60 * 1000);
    const credential = cachingCredential(inner.credential);

    const tokens = await Promise.all([1, 2, 3].map(() => credential.getToken("https://management.azure.com/.default")));

    expect(tokens.map((token) => token?.token)).toEqual(["token-1", "token-1", "token-1"]);
    expect(inner.calls()).toBe(1);
  });

  test("token close to expiry is refreshed", async () => {
    const inner = countingCredential(60 * 1000);
    const credential = cachingCredential(inner.credential);

    await credential.getToken("https://management.azure.com/.default");
    const second = await credential.getToken("https://management.azure.com/.default");

    expect(second?.token).toBe("token-2");
  });
});

describe("staticTokenCredential", () => {
  test("returns the given token", async () => {
    expect((await staticTokenCredential("abc").getToken("scope"))?.token).toBe("abc");
  });
});
