import type { OnlineDeployment } from "../../src/model/deployment";
import { readInputFile } from "../../src/sources/files";
import { parsePositioned } from "../../src/sources/locator";
import { useTemporaryDirectory } from "../support/temporary-directory";

/**
 * CLI YAML is read as YAML 1.1, as the Azure ML CLI v2 reads it with PyYAML's `yaml.safe_load`. Each expected
 * value below is what PyYAML 6.0.3 returns for `k: <scalar>`.
 */

function readScalar(scalar: string): unknown {
  const value = parsePositioned(`k: ${scalar}`, { yamlVersion: "1.1" }).value as Record<string, unknown>;
  return value.k;
}

describe("YAML 1.1 scalars as PyYAML reads them", () => {
  test.each([
    { scalar: "010", expected: 8 },
    { scalar: "-010", expected: -8 },
    { scalar: "0", expected: 0 },
    { scalar: "-0", expected: 0 },
    { scalar: "0_", expected: 0 },
    { scalar: "0x1F", expected: 31 },
    { scalar: "0b101", expected: 5 },
    { scalar: "30_000", expected: 30_000 },
    { scalar: "1__0", expected: 10 },
    { scalar: "1:30", expected: 90 },
    { scalar: "-1:30", expected: -90 },
    { scalar: "1:30:00", expected: 5400 },
    { scalar: "190:20:30", expected: 685_230 },
    { scalar: "1:30.5", expected: 90.5 },
    { scalar: "1_000.5", expected: 1000.5 },
    { scalar: "1.", expected: 1 },
    { scalar: ".5", expected: 0.5 },
    { scalar: "1.0e+3", expected: 1000 },
    { scalar: "-.inf", expected: Number.NEGATIVE_INFINITY },
    { scalar: ".NaN", expected: Number.NaN },
    { scalar: "yes", expected: true },
    { scalar: "On", expected: true },
    { scalar: "OFF", expected: false },
    { scalar: "no", expected: false },
    { scalar: "True", expected: true },
    { scalar: "~", expected: null },
  ])("$scalar reads as $expected", ({ scalar, expected }) => {
    expect(readScalar(scalar)).toEqual(expected);
  });

  // The yaml package's own YAML 1.1 schema reads each of these as a number or a boolean.
  test.each(["08", "09", "0o10", "0:30", "12:60", "1e3", "1e+3", "1.0e3", ".", "._", "y", "Y", "n", "yEs", "tRUE", "2001-1-14"])("%s stays a string", (scalar) => {
    expect(readScalar(scalar)).toBe(scalar);
  });

  test.each([
    { scalar: "2001-12-14", expected: "2001-12-14T00:00:00.000Z" },
    { scalar: "2001-12-14 21:59:43.10 -5", expected: "2001-12-15T02:59:43.100Z" },
    { scalar: "2001-12-14t21:59:43.10-05:00", expected: "2001-12-15T02:59:43.100Z" },
    { scalar: "0050-03-04", expected: "0050-03-04T00:00:00.000Z" },
  ])("$scalar is a timestamp", ({ scalar, expected }) => {
    expect((readScalar(scalar) as Date).toISOString()).toBe(expected);
  });

  test.each([
    ["0b_", "an integer without digits"],
    ["2001-02-30", "not a date and time that exists"],
    ["2001-12-14 25:00:00", "not a date and time that exists"],
  ])("%s cannot be parsed", (scalar, reason) => {
    expect(() => readScalar(scalar)).toThrow(reason);
  });

  test("quoted scalar stays a string", () => {
    expect(readScalar('"010"')).toBe("010");
  });

  test("YAML 1.2 directive is read as 1.1", () => {
    const value = parsePositioned("%YAML 1.2\n---\nk: 010\n", { yamlVersion: "1.1" }).value;

    expect(value).toEqual({ k: 8 });
  });

  test("YAML 1.2 stays the default", () => {
    expect(parsePositioned("k: 010\nm: {<<: {a: 1}}\n").value).toEqual({ k: 10, m: { "<<": { a: 1 } } });
  });
});

describe("YAML 1.1 merge keys", () => {
  const read = (text: string): unknown => parsePositioned(text, { yamlVersion: "1.1" }).value;

  test("own key wins over merged", () => {
    expect(read("a: &a {t: 1, u: 2}\nb: {t: 3, <<: *a}\n")).toEqual({ a: { t: 1, u: 2 }, b: { t: 3, u: 2 } });
  });

  test("earlier merge source wins", () => {
    expect(read("a: &a {t: 1}\nb: &b {t: 2, u: 2}\nc: {<<: [*a, *b]}\n")).toMatchObject({ c: { t: 1, u: 2 } });
  });

  test("merge is shallow", () => {
    expect(read("a: &a {r: {t: 1, u: 2}}\nc: {<<: *a, r: {t: 3}}\n")).toMatchObject({ c: { r: { t: 3 } } });
  });

  test.each([
    ["a number", "a: {<<: 5}\n"],
    ["null", "a: {<<: ~}\n"],
    ["a list of numbers", "a: {<<: [1, 2]}\n"],
    ["an alias to a list", "x: &x [1]\na: {<<: *x}\n"],
  ])("merge of %s cannot be parsed", (_case, text) => {
    expect(() => read(text)).toThrow('has a merge key "<<" at line');
  });

  test("two merge keys are a duplicate", () => {
    expect(() => read("a: &a {t: 1}\nb: {<<: *a, <<: *a}\n")).toThrow('has the key "<<" twice');
  });

  test("keys equal only in 1.1 are a duplicate", () => {
    expect(() => read("a: {on: 1, true: 2}\n")).toThrow('has the key "true" twice');
  });
});

describe("CLI YAML read as YAML 1.1", () => {
  const { write } = useTemporaryDirectory("amlguard-yaml11-");

  const BASE = "name: blue\nendpoint_name: fraud\ninstance_type: Standard_DS3_v2\ninstance_count: 3\n";

  async function readDeployment(name: string, text: string): Promise<OnlineDeployment> {
    const [item] = await readInputFile(write(name, text));
    if (item.kind !== "deployment") {
      throw new Error(`expected a deployment, got: ${item.reason}`);
    }
    return item.deployment;
  }

  test("merged request settings", async () => {
    const deployment = await readDeployment("merged.yml", `defaults: &d {request_timeout_ms: 500000}\n${BASE}request_settings: {<<: *d}\n`);

    expect(deployment.requestSettings.requestTimeoutMs).toEqual({ state: "set", value: 500_000, path: "request_settings.request_timeout_ms" });
  });

  test("top-level merge", async () => {
    const deployment = await readDeployment("top-merge.yml", `<<: {request_settings: {request_timeout_ms: 500000}}\n${BASE}`);

    expect(deployment.requestSettings.requestTimeoutMs).toEqual({ state: "set", value: 500_000, path: "request_settings.request_timeout_ms" });
  });

  test("merged value is located at its anchor", async () => {
    const deployment = await readDeployment("merged-line.yml", `${BASE}defaults: &d\n  request_timeout_ms: 500000\nrequest_settings:\n  <<: *d\n`);

    expect(deployment.locate?.("request_settings.request_timeout_ms")).toEqual({ line: 6, column: 3 });
  });

  test.each([
    { name: "octal failure threshold", text: "liveness_probe: {failure_threshold: 010}\n", read: (d: OnlineDeployment) => d.probes.liveness.failureThreshold, expected: 8 },
    { name: "underscored timeout", text: "request_settings: {request_timeout_ms: 30_000}\n", read: (d: OnlineDeployment) => d.requestSettings.requestTimeoutMs, expected: 30_000 },
    { name: "sexagesimal period", text: "readiness_probe: {period: 1:30}\n", read: (d: OnlineDeployment) => d.probes.readiness.periodMs, expected: 90_000 },
  ])("$name", async ({ text, read, expected }) => {
    const deployment = await readDeployment("scalar.yml", BASE + text);

    expect(read(deployment)).toMatchObject({ state: "set", value: expected });
  });

  test.each([
    { name: "exponent without sign", text: "request_settings: {request_timeout_ms: 1e3}\n", raw: '"1e3"' },
    { name: "base 60 from zero", text: "request_settings: {request_timeout_ms: 0:30}\n", raw: '"0:30"' },
    { name: "y as egress", text: "egress_public_network_access: y\n", raw: '"y"' },
  ])("$name is an invalid string", async ({ text, raw }) => {
    const deployment = await readDeployment("string.yml", BASE + text);
    const fields = [deployment.requestSettings.requestTimeoutMs, deployment.egressPublicNetworkAccess];

    expect(fields.find((field) => field.state === "invalid")).toMatchObject({ raw });
  });

  test("CLI document in JSON syntax", async () => {
    const text = '{"name": "blue", "endpoint_name": "fraud", "request_settings": {"request_timeout_ms": 1e5}}';
    const deployment = await readDeployment("cli.json", text);

    expect(deployment.requestSettings.requestTimeoutMs).toMatchObject({ state: "invalid", raw: '"1e5"' });
  });

  test("ARM resource in YAML stays YAML 1.2", async () => {
    const text = "type: Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments\nsku: {capacity: 010}\nproperties: {endpointComputeType: Managed}\n";
    const deployment = await readDeployment("arm.yml", text);

    expect(deployment.instanceCount).toMatchObject({ state: "set", value: 10 });
  });

  // PyYAML ends a line at each of these, so the key after it is outside the comment and the CLI applies it.
  test.each([
    { name: "carriage return alone", lineBreak: "\r" },
    { name: "next line U+0085", lineBreak: "\u0085" },
    { name: "line separator U+2028", lineBreak: "\u2028" },
    { name: "paragraph separator U+2029", lineBreak: "\u2029" },
  ])("key after $name in a comment", async ({ lineBreak }) => {
    const deployment = await readDeployment("hidden.yml", `${BASE}# note${lineBreak}request_settings: {request_timeout_ms: 120000}\n`);

    expect(deployment.requestSettings.requestTimeoutMs).toEqual({ state: "set", value: 120_000, path: "request_settings.request_timeout_ms" });
  });

  test("document split only PyYAML sees", async () => {
    const text = `${BASE}# note\u2028---\u2028name: green\nrequest_settings: {request_timeout_ms: 1000}\n`;

    await expect(readInputFile(write("split.yml", text))).rejects.toThrow("reads differently as the Azure ML CLI reads it and as YAML 1.2 reads it");
  });

  test.each([
    { name: "merge tag on another key", text: `${BASE}!!merge tags: {request_settings: {request_timeout_ms: 120000}}\n` },
    { name: "verbatim merge tag", text: `${BASE}!<tag:yaml.org,2002:merge> x: {request_settings: {request_timeout_ms: 120000}}\n` },
    { name: "string tag on <<", text: `${BASE}!!str <<: {egress_public_network_access: disabled}\n` },
  ])("$name is an input error", async ({ text }) => {
    await expect(readInputFile(write("tagged-merge.yml", text))).rejects.toThrow("has an explicitly tagged merge key at line 5");
  });

  test("template in YAML 1.2, CLI YAML in PyYAML", async () => {
    const cli = `${BASE}request_settings: {request_timeout_ms: 150000}\ndescription: '`.split("\n").join("\r");
    const template = `contentVersion: 1.0.0.0\nresources: [{type: Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments, name: x, properties: {endpointComputeType: Managed}}]`;
    const text = `# note\r${cli}\n${template}\n# end\r'\n`;

    // PyYAML reads a CLI deployment whose quoted description takes in the template lines. The yaml package rejects
    // those unindented lines, so the file is an input error, not a template judged without the CLI keys.
    await expect(readInputFile(write("disguised.yml", text))).rejects.toThrow("disguised.yml cannot be parsed");
  });

  test("invalid merge in CLI YAML is an input error", async () => {
    await expect(readInputFile(write("bad-merge.yml", `${BASE}request_settings: {<<: 500000}\n`))).rejects.toThrow('bad-merge.yml has a merge key "<<" at line 5');
  });

  test("1.1 duplicate in CLI YAML is an input error", async () => {
    await expect(readInputFile(write("dup11.yml", `${BASE}request_settings: {yes: 1, true: 2}\n`))).rejects.toThrow('has the key "true" twice');
  });

  test("merge bomb is an input error", async () => {
    const levels = ["l0: &l0 {x: 1}"];
    for (let level = 1; level <= 8; level += 1) {
      levels.push(`l${level}: &l${level} {<<: [${Array(9).fill(`*l${level - 1}`).join(", ")}]}`);
    }
    const text = `${BASE}${levels.join("\n")}\nrequest_settings: {<<: *l8}\n`;

    await expect(readInputFile(write("bomb.yml", text))).rejects.toThrow("aliases expand to too many nodes");
  });
});
