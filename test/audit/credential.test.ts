import { parseArmEndpoint } from "../../src/audit/arm-endpoint";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { ArmCredentialError, armCredential, cachingCredential, staticTokenCredential } from "../../src/audit/credential";

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

// Only cases that end before DefaultAzureCredential could be created are run here, so no test requests a token
// from a real credential.
describe("armCredential", () => {
  const loopback = new URL("http://127.0.0.1:8080");
  const azure = new URL("https://management.azure.com");

  test.each([
    { name: "empty token", value: "" },
    { name: "white-space token", value: " \t" },
  ])("$name is rejected", async ({ value }) => {
    await expect(armCredential({ AMLGUARD_ARM_TOKEN: value }, azure)).rejects.toThrow("AMLGUARD_ARM_TOKEN is set but empty");
  });

  test("loopback without token is rejected", async () => {
    await expect(armCredential({}, loopback)).rejects.toThrow(/loopback address, so the audit sends no Azure credential to it\. Set AMLGUARD_ARM_TOKEN/);
  });

  test.each([
    { url: "https://localhost.:8443" },
    { url: "https://[::ffff:127.0.0.1]:8443" },
    { url: "https://0.0.0.0:8443" },
    { url: "https://[::]:8443" },
  ])("$url without token is rejected", async ({ url }) => {
    await expect(armCredential({}, parseArmEndpoint(url))).rejects.toBeInstanceOf(ArmCredentialError);
  });

  test("rejections are ArmCredentialError", async () => {
    await expect(armCredential({}, loopback)).rejects.toBeInstanceOf(ArmCredentialError);
  });

  test("loopback with token uses it", async () => {
    const credential = await armCredential({ AMLGUARD_ARM_TOKEN: "emulator-token" }, loopback);

    expect((await credential.getToken("scope"))?.token).toBe("emulator-token");
  });
});
