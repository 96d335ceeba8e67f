import { ARM_ENDPOINTS, ArmEndpointError, isLoopback, parseArmEndpoint } from "../../src/audit/arm-endpoint";

describe("parseArmEndpoint", () => {
  test.each([
    { name: "public cloud", input: ARM_ENDPOINTS.AzureCloud, expected: "https://management.azure.com" },
    { name: "China cloud", input: ARM_ENDPOINTS.AzureChinaCloud, expected: "https://management.chinacloudapi.cn" },
    { name: "US Government cloud", input: ARM_ENDPOINTS.AzureUSGovernment, expected: "https://management.usgovcloudapi.net" },
    { name: "trailing slash", input: "https://management.azure.com/", expected: "https://management.azure.com" },
    { name: "http to 127.0.0.1", input: "http://127.0.0.1:41234", expected: "http://127.0.0.1:41234" },
    { name: "http to localhost", input: "http://localhost:8080", expected: "http://localhost:8080" },
    { name: "http to [::1]", input: "http://[::1]:8080", expected: "http://[::1]:8080" },
  ])("accepts $name", ({ input, expected }) => {
    expect(parseArmEndpoint(input).origin).toBe(expected);
  });

  test.each([
    { name: "http to a remote host", input: "http://management.azure.com" },
    { name: "http to a private address", input: "http://10.0.0.4" },
    { name: "a look-alike loopback name", input: "http://127.0.0.1.example.com" },
    { name: "credentials in the URL", input: "https://user:secret@management.azure.com" },
    { name: "a path", input: "https://management.azure.com/subscriptions" },
    { name: "a query", input: "https://management.azure.com/?x=1" },
    { name: "another scheme", input: "ftp://127.0.0.1" },
    { name: "not a URL", input: "management.azure.com" },
  ])("rejects $name", ({ input }) => {
    expect(() => parseArmEndpoint(input)).toThrow(ArmEndpointError);
  });
});

describe("isLoopback", () => {
  test.each([
    { host: "127.0.0.2", expected: true },
    { host: "127.255.255.254", expected: true },
    { host: "128.0.0.1", expected: false },
    { host: "127.0.0.256", expected: false },
    { host: "[::1]", expected: true },
    { host: "localhost", expected: true },
    { host: "localhost.", expected: true },
    { host: "LocalHost.", expected: true },
    { host: "localhost..", expected: false },
    { host: "localhost.example.com", expected: false },
    { host: "0.0.0.0", expected: true },
    { host: "0.0.0.1", expected: false },
    { host: "[::]", expected: true },
    { host: "[::ffff:127.0.0.1]", expected: true },
    { host: "[::ffff:7f00:1]", expected: true },
    { host: "[::ffff:0:0]", expected: true },
    { host: "[::ffff:128.0.0.1]", expected: false },
    { host: "[::2]", expected: false },
  ])("$host", ({ host, expected }) => {
    expect(isLoopback(host)).toBe(expected);
  });

  // The credential rule and the HTTP exception receive URL.hostname, which WHATWG URL parsing has normalized.
  test.each([
    { url: "https://localhost.:8443" },
    { url: "https://LOCALHOST.:8443" },
    { url: "https://[::ffff:127.0.0.1]:8443" },
    { url: "https://0.0.0.0:8443" },
    { url: "https://[::]:8443" },
    { url: "https://0:8443" },
    { url: "https://0x7f.1:8443" },
    { url: "https://[0:0:0:0:0:0:0:1]:8443" },
  ])("URL host of $url", ({ url }) => {
    expect(isLoopback(new URL(url).hostname)).toBe(true);
  });
});
