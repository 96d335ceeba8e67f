import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { isLoopback } from "./arm-endpoint";

/** Environment variable through which a pipeline that already has an ARM access token passes it. */
export const ARM_TOKEN_VARIABLE = "AMLGUARD_ARM_TOKEN";

// A pipeline token's expiry is unknown; ARM rejects an expired one with 401, which stops the audit.
const ASSUMED_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/** Raised when no credential may be used for the ARM endpoint; the CLI reports it as a usage error (exit 2). */
export class ArmCredentialError extends Error {}

/**
 * Chooses the credential for ARM before any request is sent:
 * - AMLGUARD_ARM_TOKEN set to a token: that token, and @azure/identity is not loaded;
 * - AMLGUARD_ARM_TOKEN set but empty or white space: ArmCredentialError, because the value is most likely a
 *   pipeline variable that did not expand, and a fallback would sign in as another identity;
 * - AMLGUARD_ARM_TOKEN unset and a loopback `endpoint`: ArmCredentialError, because only a local emulator listens
 *   there, and DefaultAzureCredential would call the managed identity endpoint or Azure sign-in for a token;
 * - otherwise DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI, Azure
 *   PowerShell, Azure Developer CLI).
 */
export async function armCredential(env: NodeJS.ProcessEnv, endpoint: URL): Promise<TokenCredential> {
  const token = env[ARM_TOKEN_VARIABLE];
  if (token !== undefined && token.trim() === "") {
    throw new ArmCredentialError(
      `${ARM_TOKEN_VARIABLE} is set but empty or white space. Set it to an ARM access token, or unset it to sign in with DefaultAzureCredential (az login, managed identity).`,
    );
  }
  if (token !== undefined) {
    return staticTokenCredential(token);
  }
  if (isLoopback(endpoint.hostname)) {
    throw new ArmCredentialError(
      `--arm-endpoint ${endpoint.origin} is a loopback address, so the audit sends no Azure credential to it. Set ${ARM_TOKEN_VARIABLE} to the token the local endpoint accepts.`,
    );
  }
  // Loaded only when needed: requiring @azure/identity 4.13 with MSAL took about 0.3 s on the 2-core build machine.
  const { DefaultAzureCredential } = await import("@azure/identity");
  return cachingCredential(new DefaultAzureCredential());
}

// Refresh this long before expiry, so a token does not expire between the check and ARM's receipt of it.
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * Wraps a credential so concurrent requests share one token until shortly before it expires. Without it, the
 * Azure CLI credential starts `az account get-access-token` once per request.
 */
export function cachingCredential(inner: TokenCredential): TokenCredential {
  let cached: AccessToken | null = null;
  let pending: Promise<AccessToken | null> | undefined;

  return {
    getToken: async (scopes, options) => {
      if (cached !== null && cached.expiresOnTimestamp - REFRESH_MARGIN_MS > Date.now()) {
        return cached;
      }
      pending ??= inner.getToken(scopes, options).finally(() => {
        pending = undefined;
      });
      cached = await pending;
      return cached;
    },
  };
}

/** Names of the errors @azure/identity raises when no credential in the chain can produce a token. */
export const CREDENTIAL_ERROR_NAMES: ReadonlySet<string> = new Set(["CredentialUnavailableError", "AggregateAuthenticationError", "AuthenticationError"]);

/** A credential that returns one fixed token. */
export function staticTokenCredential(token: string): TokenCredential {
  return {
    getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + ASSUMED_TOKEN_LIFETIME_MS }),
  };
}
