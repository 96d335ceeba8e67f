import { defaultConfig } from "../../src/config/limits";
import { evaluateItems } from "../../src/engine/evaluate";
import type { OnlineDeployment } from "../../src/model/deployment";
import type { Field } from "../../src/model/field";
import { RULES } from "../../src/rules/index";
import { readArmResource } from "../../src/sources/arm-json";
import { CLI_DEPLOYMENT_KEYS } from "../../src/sources/cli-key-schema";
import { readDeploymentYaml } from "../../src/sources/deployment-yaml";
import { readInputFile } from "../../src/sources/files";
import { parsePositioned } from "../../src/sources/locator";
import { readPulumiDeployment } from "../../src/sources/pulumi-inputs";
import type { SourceItem } from "../../src/sources/source-item";
import { useTemporaryDirectory } from "../support/temporary-directory";

/** Keys that Azure or the Azure ML CLI may apply but that amlguard does not read where they are make the field they were meant for invalid. */

const DEPLOYMENT_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";
const CLI_HEAD = "name: blue\nendpoint_name: fraud\ninstance_type: Standard_DS3_v2\ninstance_count: 3\n";

function only(items: readonly SourceItem[]): OnlineDeployment {
  const [item] = items;
  if (items.length !== 1 || item.kind !== "deployment") {
    throw new Error(`expected one deployment, got: ${JSON.stringify(items)}`);
  }
  return item.deployment;
}

function cli(text: string): OnlineDeployment {
  return only(readDeploymentYaml(parsePositioned(CLI_HEAD + text, { yamlVersion: "1.1" }), "deployment.yml"));
}

function arm(resource: Record<string, unknown>): OnlineDeployment {
  return only([readArmResource({ type: DEPLOYMENT_TYPE, name: "blue", ...resource }, undefined, [])]);
}

/** Returns every field of a deployment, for checks that no field is invalid. */
function allFields(deployment: OnlineDeployment): Field<unknown>[] {
  const probes = Object.values(deployment.probes).flatMap((probe) => [probe.declared, probe.failureThreshold, probe.successThreshold, probe.initialDelayMs, probe.periodMs, probe.timeoutMs]);
  return [
    deployment.computeType,
    deployment.instanceType,
    deployment.instanceCount,
    deployment.egressPublicNetworkAccess,
    ...Object.values(deployment.requestSettings),
    ...probes,
    ...Object.values(deployment.scaleSettings),
    ...Object.values(deployment.containerRequests),
    ...Object.values(deployment.containerLimits),
  ];
}

describe("CLI YAML keys", () => {
  test.each([
    {
      name: "misspelled request key",
      text: "request_settings: {request_timout_ms: 500000}\n",
      read: (d: OnlineDeployment) => d.requestSettings.requestTimeoutMs,
      path: "request_settings.request_timout_ms",
      raw: "500000",
      reason: "is not a key of request_settings in the Azure ML CLI deployment schema; did you mean request_timeout_ms?",
    },
    {
      name: "request key at the top level",
      text: "request_timeout_ms: 500000\n",
      read: (d: OnlineDeployment) => d.requestSettings.requestTimeoutMs,
      path: "request_timeout_ms",
      raw: "500000",
      reason: "is in the wrong place: it belongs at request_settings.request_timeout_ms",
    },
    {
      name: "ARM spelling of the object",
      text: "requestSettings: {requestTimeout: PT10M}\n",
      read: (d: OnlineDeployment) => d.requestSettings.requestTimeoutMs,
      path: "requestSettings",
      raw: "an object",
      reason: "is not a key of the deployment in the Azure ML CLI deployment schema; did you mean request_settings?",
    },
    {
      name: "object in another case",
      text: "Request_Settings: {request_timeout_ms: 500000}\n",
      read: (d: OnlineDeployment) => d.requestSettings.maxQueueWaitMs,
      path: "Request_Settings",
      raw: "an object",
      reason: "is not a key of the deployment in the Azure ML CLI deployment schema; did you mean request_settings?",
    },
    {
      name: "ARM key inside the CLI object",
      text: "request_settings: {requestTimeout: 500000}\n",
      read: (d: OnlineDeployment) => d.requestSettings.requestTimeoutMs,
      path: "request_settings.requestTimeout",
      raw: "500000",
      reason: "is not a key of request_settings in the Azure ML CLI deployment schema; did you mean request_timeout_ms?",
    },
    {
      name: "misspelled probe key",
      text: "liveness_probe: {failure_treshold: 100}\n",
      read: (d: OnlineDeployment) => d.probes.liveness.failureThreshold,
      path: "liveness_probe.failure_treshold",
      raw: "100",
      reason: "is not a key of liveness_probe in the Azure ML CLI deployment schema; did you mean failure_threshold?",
    },
    {
      name: "probe key at the top level",
      text: "failure_threshold: 100\n",
      read: (d: OnlineDeployment) => d.probes.readiness.failureThreshold,
      path: "failure_threshold",
      raw: "100",
      reason: "is in the wrong place: it belongs at liveness_probe.failure_threshold, readiness_probe.failure_threshold or startup_probe.failure_threshold",
    },
    {
      name: "unknown request key",
      text: "request_settings: {timeout_budget: 1}\n",
      read: (d: OnlineDeployment) => d.requestSettings.maxConcurrentRequestsPerInstance,
      path: "request_settings.timeout_budget",
      raw: null,
      reason:
        "is not a key of request_settings in the Azure ML CLI deployment schema, whose keys there are request_timeout_ms, max_queue_wait_ms and max_concurrent_requests_per_instance",
    },
    {
      name: "2021 scale type key",
      text: "scale_settings: {scale_type: target_utilization, max_instances: 30}\n",
      read: (d: OnlineDeployment) => d.scaleSettings.scaleType,
      path: "scale_settings.scale_type",
      raw: '"target_utilization"',
      reason: "is not a key of scale_settings in the Azure ML CLI deployment schema; did you mean type?",
    },
    {
      name: "ARM instance count",
      text: "capacity: 30\n",
      read: (d: OnlineDeployment) => d.instanceCount,
      path: "capacity",
      raw: "30",
      reason: "is not a key of the deployment in the Azure ML CLI deployment schema; did you mean instance_count?",
    },
    {
      name: "GPU in another case",
      text: "type: kubernetes\nresources: {requests: {GPU: 4}}\n",
      read: (d: OnlineDeployment) => d.containerRequests.gpuCount,
      path: "resources.requests.GPU",
      raw: "4",
      reason: "is not a key of resources.requests in the Azure ML CLI deployment schema; did you mean gpu?",
    },
    {
      name: "misspelled compute type key",
      text: "typ: kubernetes\n",
      read: (d: OnlineDeployment) => d.computeType,
      path: "typ",
      raw: '"kubernetes"',
      reason: "is not a key of the deployment in the Azure ML CLI deployment schema; did you mean type?",
    },
  ])("$name is invalid", ({ text, read, path, raw, reason }) => {
    expect(read(cli(text))).toEqual(raw === null ? { state: "invalid", raw, path, reason } : { state: "invalid", raw, path, reason, rawOf: "key" });
  });

  test("misspelled object makes each field invalid", () => {
    const deployment = cli("Request_Settings: {request_timeout_ms: 500000}\n");

    expect(Object.values(deployment.requestSettings).map((field) => field.state)).toEqual(["invalid", "invalid", "invalid"]);
  });

  test("misspelled probe makes it invalid", () => {
    expect(cli("Liveness_Probe: {period: 5}\n").probes.liveness.declared).toMatchObject({ state: "invalid", path: "Liveness_Probe" });
  });

  test("legitimate keys are not flagged", () => {
    const others = (CLI_DEPLOYMENT_KEYS.others ?? []).filter((key) => !CLI_HEAD.includes(`${key}:`)).map((key) => `${key}: x\n`);
    // A key that contains anchors for merge keys is not in the schema, and no judged key is near it.
    const deployment = cli(`${others.join("")}defaults: &d {request_timeout_ms: 3000}\nrequest_settings: {<<: *d}\n`);

    expect(allFields(deployment).filter((field) => field.state === "invalid")).toEqual([]);
  });

  test("short unknown key is not a typo", () => {
    expect(allFields(cli("xYe: 1\n")).filter((field) => field.state === "invalid")).toEqual([]);
  });

  test("free text is not searched", () => {
    const deployment = cli("environment_variables: {request_timeout_ms: s3cr3t, Request_Settings: s3cr3t}\ntags: {instance_typ: s3cr3t}\n");

    expect(allFields(deployment).filter((field) => field.state === "invalid")).toEqual([]);
  });

  test("value of an unknown key is not echoed", () => {
    const [result] = evaluateItems([{ kind: "deployment", deployment: cli("request_settings: {api_token: s3cr3t}\n") }], RULES, defaultConfig(RULES));

    expect(result.findings.map((finding) => finding.path)).toContain("request_settings.api_token");
    expect(JSON.stringify(result)).not.toContain("s3cr3t");
  });

  test("value of a misspelled key is shown", () => {
    const [result] = evaluateItems([{ kind: "deployment", deployment: cli("request_settings: {request_timout_ms: 300000}\n") }], RULES, defaultConfig(RULES));
    const finding = result.findings.find((candidate) => candidate.ruleId === "request-timeout");

    expect(finding?.actual).toBe("300000");
    expect(finding?.message).toBe(
      "request_settings.request_timout_ms (300000) is not a key of request_settings in the Azure ML CLI deployment schema; did you mean request_timeout_ms? " +
        "Set a valid value: amlguard does not pass a value it cannot read.",
    );
  });

  test("parent that is not a mapping is shown", () => {
    const [result] = evaluateItems([{ kind: "deployment", deployment: cli('request_settings: "PT5M"\n') }], RULES, defaultConfig(RULES));
    const finding = result.findings.find((candidate) => candidate.ruleId === "request-timeout");

    expect(finding?.actual).toBe('"PT5M"');
    expect(finding?.message).toBe(
      'request_settings.request_timeout_ms cannot be read because its parent is "PT5M", not a mapping. Set a valid value: amlguard does not pass a value it cannot read.',
    );
  });

  test.each([
    ["gpu", "resources: {requests: {gpu: 2}}\n", { state: "set", value: 2, path: "resources.requests.gpu" }],
    ["nvidia.com/gpu", "resources: {requests: {nvidia.com/gpu: 2}}\n", { state: "set", value: 2, path: "resources.requests.nvidia.com/gpu" }],
    ["both", "resources: {requests: {gpu: 2, nvidia.com/gpu: 1}}\n", { state: "invalid", raw: null, path: "resources.requests.gpu", reason: "is given twice, as gpu and as nvidia.com/gpu; keep one of them" }],
  ])("GPU count from %s", (_name, text, expected) => {
    expect(cli(`type: kubernetes\n${text}`).containerRequests.gpuCount).toEqual(expected);
  });
});

describe("2021 preview keys", () => {
  const preview = (deployment: string): OnlineDeployment =>
    only(readDeploymentYaml(parsePositioned(`name: ep\ntype: online\ntraffic: {blue: 100}\ndeployments:\n  - ${deployment}\n`, { yamlVersion: "1.1" }), "endpoint.yml"));

  test("v2 scale type key is invalid", () => {
    expect(preview("{name: blue, scale_settings: {type: auto}}").scaleSettings.scaleType).toMatchObject({
      state: "invalid",
      path: "scale_settings.type",
      reason: "is not a key of scale_settings in the Azure ML CLI deployment schema; did you mean scale_type?",
    });
  });

  test.each([
    ["cpu limit", "{name: blue, resource_requirements: {cpu_cores_limit: 2}}", (d: OnlineDeployment) => d.containerLimits.cpuCores, { state: "set", value: 2, path: "resource_requirements.cpu_cores_limit" }],
    ["memory limit", "{name: blue, resource_requirements: {memory_in_gb_limit: 2}}", (d: OnlineDeployment) => d.containerLimits.memoryBytes, { state: "set", value: 2e9, path: "resource_requirements.memory_in_gb_limit" }],
  ])("%s is read", (_name, deployment, read, expected) => {
    expect(read(preview(deployment))).toEqual(expected);
  });
});

describe("ARM JSON keys", () => {
  const BODY = { endpointComputeType: "Managed" };

  test.each([
    {
      name: "request key in another case",
      resource: { properties: { ...BODY, requestSettings: { RequestTimeout: "PT10M" } } },
      read: (d: OnlineDeployment) => d.requestSettings.requestTimeoutMs,
      path: "properties.requestSettings.RequestTimeout",
      raw: '"PT10M"',
      reason: "differs from requestTimeout only in case, and Azure may read it as requestTimeout; rename it to requestTimeout",
    },
    {
      // .NET's OrdinalIgnoreCase upper-cases both sides, and the dotless ı upper-cases to I.
      name: "request key with a dotless i",
      resource: { properties: { ...BODY, requestSettings: { requestT\u0131meout: "PT10M" } } },
      read: (d: OnlineDeployment) => d.requestSettings.requestTimeoutMs,
      path: "properties.requestSettings.requestT\u0131meout",
      raw: '"PT10M"',
      reason: "differs from requestTimeout only in case, and Azure may read it as requestTimeout; rename it to requestTimeout",
    },
    {
      name: "scale key with a long s",
      resource: { properties: { ...BODY, \u017FcaleSettings: { scaleType: "Default" } } },
      read: (d: OnlineDeployment) => d.scaleSettings.scaleType,
      path: "properties.\u017FcaleSettings",
      raw: "an object",
      reason: "differs from scaleSettings only in case, and Azure may read it as scaleSettings; rename it to scaleSettings",
    },
    {
      name: "body in another case",
      resource: { Properties: BODY },
      read: (d: OnlineDeployment) => d.egressPublicNetworkAccess,
      path: "Properties",
      raw: "an object",
      reason: "differs from properties only in case, and Azure may read it as properties; rename it to properties",
    },
    {
      name: "sku in another case",
      resource: { properties: BODY, SKU: { capacity: 10 } },
      read: (d: OnlineDeployment) => d.instanceCount,
      path: "SKU",
      raw: "an object",
      reason: "differs from sku only in case, and Azure may read it as sku; rename it to sku",
    },
    {
      name: "capacity in another case",
      resource: { properties: BODY, sku: { Capacity: 10 } },
      read: (d: OnlineDeployment) => d.instanceCount,
      path: "sku.Capacity",
      raw: "10",
      reason: "differs from capacity only in case, and Azure may read it as capacity; rename it to capacity",
    },
    {
      name: "request key in the body",
      resource: { properties: { ...BODY, requestTimeout: "PT10M" } },
      read: (d: OnlineDeployment) => d.requestSettings.requestTimeoutMs,
      path: "properties.requestTimeout",
      raw: '"PT10M"',
      reason: "is in the wrong place: it belongs at properties.requestSettings.requestTimeout",
    },
    {
      name: "request settings beside the body",
      resource: { properties: BODY, requestSettings: { requestTimeout: "PT10M" } },
      read: (d: OnlineDeployment) => d.requestSettings.requestTimeoutMs,
      path: "requestSettings",
      raw: "an object",
      reason: "is in the wrong place: it belongs at properties.requestSettings",
    },
    {
      name: "capacity in the body",
      resource: { properties: { ...BODY, capacity: 10 } },
      read: (d: OnlineDeployment) => d.instanceCount,
      path: "properties.capacity",
      raw: "10",
      reason: "is in the wrong place: it belongs at sku.capacity",
    },
  ])("$name is invalid", ({ resource, read, path, raw, reason }) => {
    expect(read(arm(resource))).toEqual({ state: "invalid", raw, path, reason, rawOf: "key" });
  });

  // Azure ignores a property it does not know, so the field takes its default, as amlguard judges it.
  test("misspelled key keeps the default", () => {
    expect(arm({ properties: { ...BODY, requestSettings: { requestTimout: "PT10M" } } }).requestSettings.requestTimeoutMs).toEqual({
      state: "unset",
      defaultValue: 5_000,
      path: "properties.requestSettings.requestTimeout",
    });
  });

  test("resource keys are not flagged", () => {
    const resource = {
      id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep/deployments/blue",
      location: "westeurope",
      kind: "Managed",
      tags: { RequestTimeout: "x" },
      identity: { type: "None" },
      systemData: {},
      sku: { name: "Default", tier: "Standard", size: "x", family: "x", capacity: 3 },
      properties: { ...BODY, description: "x", properties: { requestTimeout: "x" }, environmentVariables: { RequestSettings: "x" }, model: "x", appInsightsEnabled: true },
    };

    expect(allFields(arm(resource)).filter((field) => field.state === "invalid")).toEqual([]);
  });

  // The key check remembers the keys it found sound, so a second deployment is checked partly from memory. The
  // spellings here are in no other test, so the first check meets them first.
  test("second check finds the same", () => {
    const resource = { properties: { ...BODY, scoringNote: "x", requestSettings: { requestTIMEOUT: "PT10M", requestNote: "x" } } };

    expect(allFields(arm(resource))).toEqual(allFields(arm(resource)));
  });

  test("misspelling among many sound keys", () => {
    const notes = Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`note${index}`, index]));

    for (let round = 0; round < 2; round++) {
      expect(arm({ properties: { ...BODY, ...notes, requestSettings: { RequestTimeout: "PT10M" } } }).requestSettings.requestTimeoutMs).toMatchObject({
        state: "invalid",
        path: "properties.requestSettings.RequestTimeout",
      });
    }
  });

  test("Pulumi inputs are checked", () => {
    const props = { endpointName: "ep", workspaceName: "ws", properties: { ...BODY, requestSettings: { RequestTimeout: "PT10M" } } };
    const deployment = only([readPulumiDeployment({ type: "azure-native:machinelearningservices:OnlineDeployment", name: "blue", urn: "urn:pulumi:dev::p::t::blue", props })]);

    expect(deployment.requestSettings.requestTimeoutMs).toMatchObject({ state: "invalid", path: "properties.requestSettings.RequestTimeout" });
  });
});

describe("key problems in files", () => {
  const { write } = useTemporaryDirectory("amlguard-keys-");

  test("template resource is checked", async () => {
    const template = {
      $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      contentVersion: "1.0.0.0",
      resources: [{ type: DEPLOYMENT_TYPE, apiVersion: "2025-06-01", name: "ws/ep/blue", properties: { endpointComputeType: "Managed", requestSettings: { RequestTimeout: "PT10M" } } }],
    };
    const deployment = only(await readInputFile(write("template.json", JSON.stringify(template))));

    expect(deployment.requestSettings.requestTimeoutMs).toMatchObject({ state: "invalid", path: "properties.requestSettings.RequestTimeout" });
  });

  test("finding points at the key", async () => {
    const file = write("misspelled.yml", `${CLI_HEAD}request_settings:\n  request_timout_ms: 500000\n`);
    const [result] = evaluateItems(await readInputFile(file), RULES, defaultConfig(RULES));

    expect(result.findings.find((finding) => finding.ruleId === "request-timeout")?.location).toEqual({ line: 6, column: 3 });
  });
});
