import type { OnlineDeployment } from "../../src/model/deployment";
import { readDeploymentYaml } from "../../src/sources/deployment-yaml";
import { readInputFile } from "../../src/sources/files";
import { parsePositioned } from "../../src/sources/locator";
import type { SourceItem } from "../../src/sources/source-item";
import { useTemporaryDirectory } from "../support/temporary-directory";

function readYaml(text: string): SourceItem[] {
  return readDeploymentYaml(parsePositioned(text), "deployment.yml");
}

function deployment(text: string): OnlineDeployment {
  const [item] = readYaml(text);
  if (item.kind !== "deployment") {
    throw new Error(`expected a deployment, got: ${item.reason}`);
  }
  return item.deployment;
}

const MANAGED = `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json
name: blue
endpoint_name: fraud
instance_type: Standard_DS3_v2
instance_count: 3
egress_public_network_access: disabled
request_settings:
  request_timeout_ms: 3000
  max_queue_wait_ms: 400
  max_concurrent_requests_per_instance: 2
liveness_probe:
  initial_delay: 5
  period: 7
  timeout: 3
  failure_threshold: 4
  success_threshold: 1
`;

const KUBERNETES = `name: green
type: kubernetes
endpoint_name: my-endpoint
instance_count: 2
scale_settings:
  type: target_utilization
  min_instances: 1
  max_instances: 3
  polling_interval: 10
resources:
  requests:
    cpu: "0.1"
    memory: "200Mi"
  limits:
    cpu: 2
    nvidia.com/gpu: "1"
`;

describe("CLI v2 deployment YAML", () => {
  test.each([
    { name: "request timeout in ms", read: (d: OnlineDeployment) => d.requestSettings.requestTimeoutMs, expected: { state: "set", value: 3000, path: "request_settings.request_timeout_ms" } },
    { name: "max queue wait in ms", read: (d: OnlineDeployment) => d.requestSettings.maxQueueWaitMs, expected: { state: "set", value: 400, path: "request_settings.max_queue_wait_ms" } },
    { name: "concurrency", read: (d: OnlineDeployment) => d.requestSettings.maxConcurrentRequestsPerInstance, expected: { state: "set", value: 2, path: "request_settings.max_concurrent_requests_per_instance" } },
    { name: "probe period in seconds", read: (d: OnlineDeployment) => d.probes.liveness.periodMs, expected: { state: "set", value: 7000, path: "liveness_probe.period" } },
    { name: "probe initial delay in seconds", read: (d: OnlineDeployment) => d.probes.liveness.initialDelayMs, expected: { state: "set", value: 5000, path: "liveness_probe.initial_delay" } },
    { name: "probe timeout in seconds", read: (d: OnlineDeployment) => d.probes.liveness.timeoutMs, expected: { state: "set", value: 3000, path: "liveness_probe.timeout" } },
    { name: "probe failure threshold", read: (d: OnlineDeployment) => d.probes.liveness.failureThreshold, expected: { state: "set", value: 4, path: "liveness_probe.failure_threshold" } },
    { name: "readiness probe not declared", read: (d: OnlineDeployment) => d.probes.readiness.declared, expected: { state: "unset", defaultValue: false, path: "readiness_probe" } },
    { name: "readiness period default", read: (d: OnlineDeployment) => d.probes.readiness.periodMs, expected: { state: "unset", defaultValue: 10_000, path: "readiness_probe.period" } },
    { name: "egress lower case", read: (d: OnlineDeployment) => d.egressPublicNetworkAccess, expected: { state: "set", value: "Disabled", path: "egress_public_network_access" } },
    { name: "instance count", read: (d: OnlineDeployment) => d.instanceCount, expected: { state: "set", value: 3, path: "instance_count" } },
    { name: "instance type", read: (d: OnlineDeployment) => d.instanceType, expected: { state: "set", value: "Standard_DS3_v2", path: "instance_type" } },
    { name: "managed by default", read: (d: OnlineDeployment) => d.computeType, expected: { state: "set", value: "Managed", path: "type" } },
    { name: "managed scale type default", read: (d: OnlineDeployment) => d.scaleSettings.scaleType, expected: { state: "unset", defaultValue: "Default", path: "scale_settings.type" } },
  ])("managed: $name", ({ read, expected }) => {
    expect(read(deployment(MANAGED))).toEqual(expected);
  });

  test.each([
    { name: "compute type", read: (d: OnlineDeployment) => d.computeType, expected: { state: "set", value: "Kubernetes", path: "type" } },
    { name: "scale type", read: (d: OnlineDeployment) => d.scaleSettings.scaleType, expected: { state: "set", value: "TargetUtilization", path: "scale_settings.type" } },
    { name: "polling interval in seconds", read: (d: OnlineDeployment) => d.scaleSettings.pollingIntervalMs, expected: { state: "set", value: 10_000, path: "scale_settings.polling_interval" } },
    { name: "target utilization default", read: (d: OnlineDeployment) => d.scaleSettings.targetUtilizationPercentage, expected: { state: "unset", defaultValue: 70, path: "scale_settings.target_utilization_percentage" } },
    { name: "cpu request", read: (d: OnlineDeployment) => d.containerRequests.cpuCores, expected: { state: "set", value: 0.1, path: "resources.requests.cpu" } },
    { name: "memory request", read: (d: OnlineDeployment) => d.containerRequests.memoryBytes, expected: { state: "set", value: 200 * 2 ** 20, path: "resources.requests.memory" } },
    { name: "cpu limit as a number", read: (d: OnlineDeployment) => d.containerLimits.cpuCores, expected: { state: "set", value: 2, path: "resources.limits.cpu" } },
    { name: "gpu limit", read: (d: OnlineDeployment) => d.containerLimits.gpuCount, expected: { state: "set", value: 1, path: "resources.limits.nvidia.com/gpu" } },
    { name: "default instance type", read: (d: OnlineDeployment) => d.instanceType, expected: { state: "unset", defaultValue: "defaultinstancetype", path: "instance_type" } },
  ])("kubernetes: $name", ({ read, expected }) => {
    expect(read(deployment(KUBERNETES))).toEqual(expected);
  });

  test("kubernetes $schema without type is invalid", () => {
    const text = "$schema: https://azuremlschemas.azureedge.net/latest/kubernetesOnlineDeployment.schema.json\nname: blue\ninstance_count: 1\n";

    expect(deployment(text).computeType).toMatchObject({ state: "invalid", path: "type", reason: expect.stringContaining("names the Kubernetes deployment schema") });
  });

  test("kubernetes $schema without type: the fix", () => {
    const text = "$schema: https://azuremlschemas.azureedge.net/latest/kubernetesOnlineDeployment.schema.json\nname: blue\ninstance_count: 1\n";

    expect(deployment(text).computeType).toMatchObject({ fix: "Add type: kubernetes, or type: managed for a Managed deployment" });
  });

  test("managed $schema without type is Managed", () => {
    const text = "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nname: blue\ninstance_count: 1\n";

    expect(deployment(text).computeType).toEqual({ state: "set", value: "Managed", path: "type" });
  });

  test.each([
    ['"300000"', 300_000],
    ['" +1_000 "', 1_000],
    ["'0030000'", 30_000],
  ])("quoted whole number %s is read as marshmallow reads it", (text, milliseconds) => {
    expect(deployment(`name: blue\nrequest_settings:\n  request_timeout_ms: ${text}\n`).requestSettings.requestTimeoutMs).toEqual({
      state: "set",
      value: milliseconds,
      path: "request_settings.request_timeout_ms",
    });
  });

  test("Python whitespace U+0085 accepted", () => {
    expect(deployment('name: blue\nrequest_settings:\n  request_timeout_ms: "\\x85120000"\n').requestSettings.requestTimeoutMs).toMatchObject({ state: "set", value: 120_000 });
  });

  test.each(['"3e5"', '"2.5"', '"1__000"', '"0x10"', '"30s"', '"\\uFEFF120000"', '"\\x1c120000"', '"１２００００"'])("quoted %s is not a whole number", (text) => {
    const field = deployment(`name: blue\nrequest_settings:\n  request_timeout_ms: ${text}\n`).requestSettings.requestTimeoutMs;

    expect(field).toMatchObject({ state: "invalid", reason: expect.stringContaining("whole number, not a string") });
  });

  test("quoted probe threshold is a number", () => {
    expect(deployment('name: blue\nliveness_probe:\n  failure_threshold: "5"\n').probes.liveness.failureThreshold).toMatchObject({ state: "set", value: 5 });
  });

  test("unknown type is invalid", () => {
    expect(deployment("name: blue\ntype: serverless\ninstance_count: 1\n").computeType.state).toBe("invalid");
  });

  test("upper-case egress is invalid", () => {
    expect(deployment("name: blue\negress_public_network_access: DISABLED\n").egressPublicNetworkAccess.state).toBe("invalid");
  });

  test("invalid scale type names YAML spellings", () => {
    const scaleType = deployment("name: green\ntype: kubernetes\nscale_settings:\n  type: TargetUtilization\n").scaleSettings.scaleType;

    expect(scaleType.state).toBe("invalid");
    expect(scaleType).toMatchObject({ reason: "is not a value Azure defines; expected one of default, target_utilization" });
  });

  test("request settings not a mapping", () => {
    expect(deployment("name: blue\nrequest_settings: fast\n").requestSettings.requestTimeoutMs.state).toBe("invalid");
  });

  test("locator points at the key", () => {
    expect(deployment(MANAGED).locate?.("request_settings.request_timeout_ms")).toEqual({ line: 8, column: 3 });
  });

  test("ref names deployment, endpoint and source", () => {
    expect(deployment(MANAGED).ref).toEqual({ name: "blue", endpointName: "fraud", source: "cli-yaml", file: "deployment.yml" });
  });
});

describe("2021 preview endpoint YAML", () => {
  const PREVIEW = `$schema: https://azuremlsdk2.blob.core.windows.net/latest/managedOnlineEndpoint.schema.json
name: tfserving-endpoint
type: online
traffic:
  blue: 100
deployments:
  - name: blue
    instance_type: Standard_F2s_v2
    scale_settings:
      scale_type: manual
      instance_count: 2
  - name: green
    scale_settings:
      scale_type: auto
      min_instances: 1
      max_instances: 3
    resource_requirements:
      cpu: 1.5
      memory_in_gb: 1.0
`;

  test("each inline deployment is read", () => {
    expect(readYaml(PREVIEW).map((item) => (item.kind === "deployment" ? item.deployment.ref.name : item.reason))).toEqual(["blue", "green"]);
  });

  test("endpoint name from the endpoint", () => {
    expect(deployment(PREVIEW).ref.endpointName).toBe("tfserving-endpoint");
  });

  test("manual scale is Default with instance count", () => {
    const blue = deployment(PREVIEW);

    expect([blue.scaleSettings.scaleType, blue.instanceCount]).toEqual([
      { state: "set", value: "Default", path: "scale_settings.scale_type" },
      { state: "set", value: 2, path: "scale_settings.instance_count" },
    ]);
  });

  test("auto scale is TargetUtilization", () => {
    const green = readYaml(PREVIEW)[1];

    expect(green.kind === "deployment" && green.deployment.scaleSettings.scaleType).toEqual({ state: "set", value: "TargetUtilization", path: "scale_settings.scale_type" });
  });

  test("memory_in_gb in bytes", () => {
    const green = readYaml(PREVIEW)[1];

    expect(green.kind === "deployment" && green.deployment.containerRequests.memoryBytes).toEqual({ state: "set", value: 1e9, path: "resource_requirements.memory_in_gb" });
  });

  test("target makes it Kubernetes", () => {
    const text = "name: my-aks-endpoint\ntype: online\ntarget: azureml:aks-test\ntraffic:\n  blue: 100\ndeployments:\n  - name: blue\n";

    expect(deployment(text).computeType).toEqual({ state: "set", value: "Kubernetes", path: "$schema" });
  });

  test("locator points into the list", () => {
    expect(deployment(PREVIEW).locate?.("instance_type")).toEqual({ line: 8, column: 5 });
  });
});

describe("readInputFile dispatch", () => {
  const { write } = useTemporaryDirectory("amlguard-yaml-");

  test("placeholder that breaks parsing is not evaluated", async () => {
    const file = write("templated.yml", "name: blue\nendpoint_name: {{ENDPOINT_NAME}}\ninstance_type: Standard_DS3_v2\n  bad: indent\n");

    const items = await readInputFile(file);

    expect(items).toEqual([expect.objectContaining({ kind: "not-evaluated", reason: expect.stringContaining("{{ENDPOINT_NAME}}") })]);
  });

  test("placeholder that parses is not evaluated", async () => {
    const file = write("templated-ok.yml", "name: blue\nendpoint_name: '{{ENDPOINT_NAME}}'\ninstance_type: Standard_DS3_v2\n");

    const items = await readInputFile(file);

    expect(items).toEqual([expect.objectContaining({ kind: "not-evaluated", ref: expect.objectContaining({ source: "cli-yaml" }) })]);
  });

  test.each([
    ["comment line", "# Replace {{ENDPOINT_NAME}} before you deploy.\nname: blue\nendpoint_name: fraud\ninstance_type: Standard_DS3_v2\n"],
    ["trailing comment", "name: blue\nendpoint_name: fraud # was {{ENDPOINT_NAME}}\ninstance_type: Standard_DS3_v2\n"],
    ["comment after an apostrophe", "name: blue\ndescription: it's the blue one # {{NOTE}}\nendpoint_name: fraud\ninstance_type: Standard_DS3_v2\n"],
    ["comment after a quote mark", 'name: blue\ndescription: a 5 "inch model # {{NOTE}}\nendpoint_name: fraud\ninstance_type: Standard_DS3_v2\n'],
  ])("placeholder in a %s is read", async (_case, text) => {
    const file = write("commented.yml", text);

    const [item] = await readInputFile(file);

    expect(item.kind).toBe("deployment");
  });

  test.each([
    ["quoted hash", 'name: blue\nendpoint_name: "fraud #{{ENDPOINT_NAME}}"\ninstance_type: Standard_DS3_v2\n', "{{ENDPOINT_NAME}}"],
    ["value before a comment", "name: blue\nendpoint_name: '{{ENDPOINT_NAME}}' # set by the pipeline\ninstance_type: Standard_DS3_v2\n", "{{ENDPOINT_NAME}}"],
    ["block scalar", "name: blue\nendpoint_name: fraud\ninstance_type: >-\n  # {{SIZE}}\n", "{{SIZE}}"],
    ["multi-line quoted value", 'name: blue\nendpoint_name: fraud\ninstance_type: "Standard_DS3_v2\n  #{{SIZE}}"\n', "{{SIZE}}"],
  ])("placeholder in a %s is not evaluated", async (_case, text, placeholder) => {
    const file = write("templated-value.yml", text);

    const items = await readInputFile(file);

    expect(items).toEqual([expect.objectContaining({ kind: "not-evaluated", reason: expect.stringContaining(placeholder) })]);
  });

  test("CLI YAML goes to the YAML reader", async () => {
    const file = write("managed.yml", MANAGED);

    const [item] = await readInputFile(file);

    expect(item.kind === "deployment" && item.deployment.ref.source).toBe("cli-yaml");
  });

  test("ARM JSON still goes to the ARM reader", async () => {
    const file = write("arm.json", JSON.stringify({ name: "blue", type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments", properties: { endpointComputeType: "Managed" } }));

    const [item] = await readInputFile(file);

    expect(item.kind === "deployment" && item.deployment.ref.source).toBe("arm");
  });
});

describe("CLI YAML startup probe", () => {
  test("undeclared startup probe has no defaults", () => {
    expect(deployment("name: blue\nendpoint_name: scoring\n").probes.startup.periodMs).toMatchObject({ state: "unset", defaultValue: undefined });
  });

  test("declared startup probe takes defaults", () => {
    const probe = deployment("name: blue\nendpoint_name: scoring\nstartup_probe:\n  initial_delay: 30\n").probes.startup;

    expect(probe.periodMs).toMatchObject({ state: "unset", defaultValue: 10_000 });
    expect(probe.failureThreshold).toMatchObject({ state: "unset", defaultValue: 30 });
  });
});
