import { InputError, readInputFile } from "../../src/sources/files";
import type { OnlineDeployment } from "../../src/model/deployment";
import { useTemporaryDirectory } from "../support/temporary-directory";

/** Hostile bytes through the file reader, as `amlguard check` reads them: each case is an input error or a reported field. */

const { write } = useTemporaryDirectory("amlguard-hostile-");

async function readOne(file: string): Promise<OnlineDeployment> {
  const [item] = await readInputFile(file);
  if (item.kind !== "deployment") {
    throw new Error(`expected a deployment, got: ${item.reason}`);
  }
  return item.deployment;
}

const YAML_HEAD = "name: blue\nendpoint_name: ep\ninstance_type: Standard_DS3_v2\ninstance_count: 1\n";

describe("invalid UTF-8", () => {
  test.each([
    ["in a key", Buffer.concat([Buffer.from(`${YAML_HEAD}request_settings:\n  request_timeout_m`), Buffer.from([0xc3]), Buffer.from("s: 900000\n")])],
    ["in a value", Buffer.concat([Buffer.from(`${YAML_HEAD}request_settings:\n  request_timeout_ms: 5`), Buffer.from([0xff, 0xfe]), Buffer.from("\n")])],
    ["in a JSON string", Buffer.concat([Buffer.from('{"properties":{"endpointComputeType":"Man'), Buffer.from([0x80]), Buffer.from('aged"}}')])],
    ["as an overlong encoding", Buffer.concat([Buffer.from(`${YAML_HEAD}type: `), Buffer.from([0xc1, 0xad]), Buffer.from("managed\n")])],
  ])("%s is an input error", async (_name, bytes) => {
    const file = write("invalid-utf8.yml", bytes);

    await expect(readInputFile(file)).rejects.toThrow(new InputError(`Cannot read ${file}: it is not valid UTF-8 text; save it as UTF-8.`));
  });

  test("valid UTF-8 with a BOM is read", async () => {
    const file = write("bom.yml", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${YAML_HEAD}request_settings:\n  request_timeout_ms: 900000\n`)]));

    const deployment = await readOne(file);

    expect(deployment.requestSettings.requestTimeoutMs).toEqual({ state: "set", value: 900_000, path: "request_settings.request_timeout_ms" });
  });
});

describe("negative CLI YAML durations", () => {
  test.each([
    ["request_settings:\n  request_timeout_ms: -5\n", "requestSettings", "requestTimeoutMs", "request_settings.request_timeout_ms"],
    ["request_settings:\n  max_queue_wait_ms: -1\n", "requestSettings", "maxQueueWaitMs", "request_settings.max_queue_wait_ms"],
    ["scale_settings:\n  type: target_utilization\n  polling_interval: -1\n", "scaleSettings", "pollingIntervalMs", "scale_settings.polling_interval"],
  ] as const)("%#: negative value is invalid", async (yaml, group, key, fieldPath) => {
    const deployment = await readOne(write("negative.yml", `${YAML_HEAD}${yaml}`));

    const field = (deployment[group] as unknown as Record<string, unknown>)[key];
    expect(field).toEqual({ state: "invalid", raw: expect.stringMatching(/^-\d/), reason: "is negative; a duration must be zero or more", path: fieldPath });
  });

  test("negative probe period is invalid", async () => {
    const deployment = await readOne(write("negative-probe.yml", `${YAML_HEAD}liveness_probe:\n  period: -10\n`));

    expect(deployment.probes.liveness.periodMs.state).toBe("invalid");
  });
});

describe("structure", () => {
  test.each([
    ["JSON arrays", (depth: number) => `{"properties":{"endpointComputeType":"Managed","x":${"[".repeat(depth)}${"]".repeat(depth)}}}`],
    ["YAML flow maps", (depth: number) => `type: managed\nx: ${"{a: ".repeat(depth)}1${"}".repeat(depth)}\n`],
  ])("%s nested 20,000 deep are an input error", async (_name, build) => {
    const file = write("deep.yml", build(20_000));

    await expect(readInputFile(file)).rejects.toBeInstanceOf(InputError);
  });

  test("alias bomb is an input error", async () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let level = 1; level < 12; level++) {
      lines.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(10).fill(`*${String.fromCharCode(96 + level)}`).join(", ")}]`);
    }
    const file = write("aliases.yml", `type: managed\n${lines.join("\n")}\n`);

    await expect(readInputFile(file)).rejects.toBeInstanceOf(InputError);
  });

  test("__proto__ and constructor keys pollute nothing", async () => {
    const yaml = `${YAML_HEAD}__proto__:\n  polluted: yes\nconstructor:\n  prototype:\n    polluted: yes\nrequest_settings:\n  __proto__:\n    request_timeout_ms: 900000\n`;

    const deployment = await readOne(write("proto.yml", yaml));

    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // request_settings defines no __proto__ key, so the request settings are invalid, and 900000 is never read.
    expect(deployment.requestSettings.requestTimeoutMs).toMatchObject({ state: "invalid", raw: null, path: "request_settings.__proto__" });
  });
});
