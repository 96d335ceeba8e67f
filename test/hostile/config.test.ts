import { runCli } from "../cli/run-cli";
import { useTemporaryDirectory } from "../support/temporary-directory";

/** Hostile limits and exemptions files: each one exits 2 with the key named, or its effect is in the report. */

const { write } = useTemporaryDirectory("amlguard-config-");

let deployment: string;

beforeAll(() => {
  deployment = write(
    "deployment.json",
    JSON.stringify({
      id: "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep/deployments/blue",
      name: "blue",
      sku: { capacity: 3 },
      properties: {
        endpointComputeType: "Managed",
        instanceType: "Standard_DS3_v2",
        egressPublicNetworkAccess: "Disabled",
        livenessProbe: {},
        readinessProbe: {},
        requestSettings: { requestTimeout: "PT5M" },
      },
    }),
  );
});

describe("limits file", () => {
  test.each([
    ["wrong type", '{"request-timeout": {"maxRequestTimeout": 90}}', 'request-timeout.maxRequestTimeout: must be an ISO 8601 duration string such as "PT30S", not the number 90; write "PT90S"'],
    ["unknown rule", '{"request-timout": "mandatory"}', 'request-timout: unknown key; did you mean "request-timeout"?'],
    ["unknown limit", '{"request-timeout": {"maxTimeout": "PT1M"}}', "request-timeout.maxTimeout: unknown key"],
    ["huge number", '{"request-concurrency": {"maxConcurrentRequestsPerInstance": 1e308}}', "request-concurrency.maxConcurrentRequestsPerInstance: must be at most 1000000, not the number 1e+308"],
    ["fractional count", '{"request-concurrency": {"maxConcurrentRequestsPerInstance": 2.5}}', "request-concurrency.maxConcurrentRequestsPerInstance: must be a whole number, not the number 2.5"],
    ["negative duration", '{"request-timeout": {"maxRequestTimeout": "-PT5S"}}', 'request-timeout.maxRequestTimeout: is negative; a duration must be zero or more (got "-PT5S")'],
    ["huge duration", '{"request-timeout": {"maxRequestTimeout": "PT99999999999999999999S"}}', "request-timeout.maxRequestTimeout: is too large to be a duration Azure accepts (got \"PT99999999999999999999S\")"],
    ["month duration", '{"probe-period": {"maxPeriod": "P1M"}}', "probe-period.maxPeriod: uses years or months"],
    ["bad level", '{"all": "strict"}', 'all: "strict" is not a valid value; valid values: advisory, mandatory, remediate, disabled'],
    ["__proto__ key", '{"__proto__": {"enforcementLevel": "disabled"}}', "__proto__: unknown key"],
    ["constructor key", '{"constructor": "disabled"}', "constructor: unknown key"],
    ["array", "[]", "(top level): must be an object, not a list of 0 items"],
    ["null", "null", "(top level): expected an object of rule ids, got null"],
    ["not JSON", "{", "not valid JSON"],
    ["trailing comma", '{"request-timeout": "mandatory",\n}', "not valid JSON (property name expected at line 2, column 1). Fix the JSON syntax there."],
    ["comment", '{\n  // longer for the batch model\n  "request-timeout": "mandatory"}', "not valid JSON (invalid comment token at line 2, column 3)"],
    ["tab in a string", '{"all": "adv\tisory"}', "not valid JSON (invalid character at line 1, column 13)"],
    ["bad escape", '{"all": "adv\\qisory"}', "not valid JSON (invalid escape character at line 1, column 13)"],
    ["limit twice", '{"request-timeout": {"maxRequestTimeout": "PT1M", "maxRequestTimeout": "PT9M"}}', 'has the key "maxRequestTimeout" twice (first at line 1'],
    ["rule twice", '{"request-timeout": "mandatory",\n "request-timeout": "disabled"}', 'has the key "request-timeout" twice (first at line 1, column 2, again at line 2'],
  ])("%s exits 2 naming it", async (_name, content, message) => {
    const limits = write("limits.json", content);

    const run = await runCli(["check", deployment, "--policy-pack-config", limits, "--format", "json"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe("");
  });

  test("invalid UTF-8 exits 2", async () => {
    // `{"request-timeout": "<0xC3>"}`: a lone lead byte that a lenient decoder would turn into U+FFFD.
    const limits = write("latin1.json", Buffer.concat([Buffer.from('{"request-timeout": "'), Buffer.from([0xc3]), Buffer.from('"}')]));

    const run = await runCli(["check", deployment, "--policy-pack-config", limits, "--format", "json"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Cannot read limits file ${limits}: it is not valid UTF-8 text`);
  });

  test("__proto__ key pollutes nothing", async () => {
    await runCli(["check", deployment, "--policy-pack-config", write("proto.json", '{"__proto__": {"polluted": true}}'), "--format", "json"]);

    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

interface JsonReport {
  readonly resources: readonly { readonly findings: readonly { readonly ruleId: string; readonly waiver?: unknown }[] }[];
  readonly exemptions: { readonly applied: readonly { index: number; waivedFindings: number }[]; readonly expired: readonly { index: number }[] };
}

describe("exemptions file", () => {
  const ENTRY = 'resource: "**", reason: tuning, owner: team-a';

  test.each([
    ["every resource and rule", `exemptions: [{${ENTRY}, rules: "*", expires: "2099-01-01"}]`, 'exemptions.0: resource "**" matches deployments of subscriptions, stacks or files it does not name'],
    ["unknown key", `exemptions: [{${ENTRY}, rules: [request-timeout], expires: "2099-01-01", approvedBy: me}]`, "exemptions.0.approvedBy: unknown key; valid keys: resource, rules, reason, owner, expires"],
    ["wrong type", `exemptions: [{${ENTRY}, rules: [request-timeout], expires: 2099}]`, "exemptions.0.expires: must be a date in the form YYYY-MM-DD, written as a string (got 2099)"],
    ["huge year", `exemptions: [{${ENTRY}, rules: [request-timeout], expires: "99999-01-01"}]`, "exemptions.0.expires: must be a date in the form YYYY-MM-DD"],
    ["impossible date", `exemptions: [{${ENTRY}, rules: [request-timeout], expires: "2099-02-30"}]`, 'exemptions.0.expires: must be a real calendar date (got "2099-02-30")'],
    ["unknown rule", `exemptions: [{${ENTRY}, rules: [request-timout], expires: "2099-01-01"}]`, 'exemptions.0.rules: unknown rule id "request-timout"; did you mean "request-timeout"?'],
    ["blank reason", 'exemptions: [{resource: "**", reason: "  ", owner: o, rules: [request-timeout], expires: "2099-01-01"}]', "exemptions.0.reason: must say why the resource is exempt"],
    ["not a list", "exemptions: {}", "exemptions: must be a list, not an object"],
    ["__proto__ key", "__proto__: {exemptions: []}", "__proto__: unknown key; valid keys: exemptions"],
  ])("%s exits 2 naming it", async (_name, content, message) => {
    const exemptions = write("exemptions.yaml", content);

    const run = await runCli(["check", deployment, "--exemptions", exemptions, "--format", "json"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  test("expired entry is reported, not applied", async () => {
    const scoped = 'resource: "/subscriptions/00000000-0000-0000-0000-000000000001/**", reason: tuning, owner: team-a';
    const exemptions = write("expired.yaml", `exemptions: [{${scoped}, rules: [request-timeout], expires: "2020-01-01"}]`);

    const run = await runCli(["check", deployment, "--exemptions", exemptions, "--format", "json"]);

    const report = JSON.parse(run.stdout) as JsonReport;
    expect(run.code).toBe(1);
    expect(report.exemptions.expired).toEqual([expect.objectContaining({ index: 0 })]);
    expect(report.resources[0].findings.find((finding) => finding.ruleId === "request-timeout")?.waiver).toBeUndefined();
  });

  test("match-all pattern with one rule exits 2", async () => {
    const exemptions = write("all.yaml", `exemptions: [{${ENTRY}, rules: [request-timeout], expires: "2099-01-01"}]`);

    const run = await runCli(["check", deployment, "--exemptions", exemptions, "--format", "json"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('set the rules to "disabled" in the limits file');
  });
});
