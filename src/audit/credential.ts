import type { AccessToken, TokenCredential } from "@azure/core-auth";

/** Environment variable through which a pipeline that already has an ARM access token passes it. */
export const ARM_TOKEN_VARIABLE = "AMLGUARD_ARM_TOKEN";

// A pipeline token's expiry is unknown; ARM rejects an expired one with 401, which stops the audit.
const ASSUMED_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/**
 * Returns the credential for ARM: the token in AMLGUARD_ARM_TOKEN when it is set, else DefaultAzureCredential
 * (environment, workload identity, managed identity, Azure CLI, Azure PowerShell, Azure Developer CLI).
 */
export async function armCredential(env: NodeJS.ProcessEnv): Promise<TokenCredential> {
  const token = env[ARM_TOKEN_VARIABLE];
  if (token !== undefined && token !== "") {
    return staticTokenCredential(token);
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
