import { BlockList, isIP } from "node:net";

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
    `--arm-endpoint ${url.origin} is rejected: the bearer token is sent only over HTTPS, or over HTTP to a loopback address (127.0.0.0/8, [::1], localhost, 0.0.0.0, [::]).`,
  );
}

// Addresses whose connections stay on this machine: Linux and macOS connect 0.0.0.0 and :: to the local host.
// Node's BlockList also matches each IPv4 rule against the IPv4-mapped IPv6 form, such as ::ffff:127.0.0.1.
const LOCAL_ADDRESSES = new BlockList();
LOCAL_ADDRESSES.addSubnet("127.0.0.0", 8, "ipv4");
LOCAL_ADDRESSES.addAddress("0.0.0.0", "ipv4");
LOCAL_ADDRESSES.addAddress("::1", "ipv6");
LOCAL_ADDRESSES.addAddress("::", "ipv6");

/**
 * Returns whether a URL host reaches the local machine: localhost (also with the trailing root dot), 127.0.0.0/8,
 * ::1, 0.0.0.0, ::, and the IPv4-mapped IPv6 forms of the IPv4 ones.
 */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host === "localhost.") {
    return true;
  }
  const family = isIP(host);
  if (family === 0) {
    return false;
  }
  return LOCAL_ADDRESSES.check(host, family === 4 ? "ipv4" : "ipv6");
}
