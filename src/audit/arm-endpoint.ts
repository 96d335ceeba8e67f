/** Azure clouds and their Resource Manager endpoints, as `az cloud list` names them. */
export const ARM_ENDPOINTS = {
  AzureCloud: "https://management.azure.com",
  AzureChinaCloud: "https://management.chinacloudapi.cn",
  AzureUSGovernment: "https://management.usgovcloudapi.net",
} as const;

export type CloudName = keyof typeof ARM_ENDPOINTS;

export const CLOUD_NAMES = Object.keys(ARM_ENDPOINTS) as CloudName[];

/** Raised for an ARM endpoint the audit must not send a token to. */
export class ArmEndpointError extends Error {}

/**
 * Validates an ARM endpoint URL and returns its origin. HTTPS is required, except for loopback addresses, where
 * plain HTTP reaches a local emulator and the token never leaves the machine.
 */
export function parseArmEndpoint(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ArmEndpointError(`--arm-endpoint ${JSON.stringify(text)} is not a URL; give one such as https://management.azure.com.`);
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "" || (url.pathname !== "/" && url.pathname !== "")) {
    throw new ArmEndpointError(`--arm-endpoint ${url.origin} must be an origin only, without credentials, path, query or fragment.`);
  }
  if (url.protocol === "https:") {
    return new URL(url.origin);
  }
  if (url.protocol === "http:" && isLoopback(url.hostname)) {
    return new URL(url.origin);
  }
  throw new ArmEndpointError(
    `--arm-endpoint ${url.origin} is rejected: the bearer token is sent only over HTTPS, or over HTTP to a loopback address (127.0.0.0/8, [::1], localhost).`,
  );
}

/** Returns whether a URL host names the local machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host === "::1") {
    return true;
  }
  const octets = host.split(".");
  return octets.length === 4 && octets[0] === "127" && octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
}
