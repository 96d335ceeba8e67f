import { defaultConfig } from "../../src/config/limits";
import { evaluateItems } from "../../src/engine/evaluate";
import { RULES } from "../../src/rules/index";
import { readArmJson, readArmResource } from "../../src/sources/arm-json";
import { parsePositioned } from "../../src/sources/locator";
import type { SourceItem } from "../../src/sources/source-item";
import { armDeployment, deployment } from "../support/deployment-builder";

const DEPLOYMENT_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";

function readText(value: unknown): SourceItem[] {
  return readArmJson(parsePositioned(JSON.stringify(value, null, 2)), "input.json");
}

function kinds(items: readonly SourceItem[]): string[] {
  return items.map((item) => item.kind);
}

describe("readArmJson shapes", () => {
  test("single resource", () => {
    expect(kinds(readText(armDeployment()))).toEqual(["deployment"]);
  });

  test("list with empty properties", () => {
    expect(kinds(readText({ value: [armDeployment({ name: "a" })], properties: {} }))).toEqual(["deployment"]);
  });

  test("list beside a deployment", () => {
    expect(kinds(readText({ ...armDeployment({ name: "b" }), value: [armDeployment({ name: "a" })] }))).toEqual(["deployment", "deployment"]);
  });

  test("list response", () => {
    expect(kinds(readText({ value: [armDeployment({ name: "a" }), armDeployment({ name: "b" })] }))).toEqual(["deployment", "deployment"]);
  });

  test("list page with a nextLink", () => {
    expect(kinds(readText({ value: [armDeployment({ name: "a" })], nextLink: "https://example.invalid/next" }))).toEqual(["deployment", "not-evaluated"]);
  });

  test("array of resources", () => {
    expect(kinds(readText([armDeployment(), { type: "Microsoft.Storage/storageAccounts", name: "data" }]))).toEqual(["deployment", "not-evaluated"]);
  });

  test("OpenAPI example reads the 200 body", () => {
    const example = { parameters: { "api-version": "2025-06-01" }, responses: { "200": { body: armDeployment({ name: "ok" }) }, "202": {} } };
    const [item] = readText(example);
    expect(item.kind === "deployment" ? item.deployment.ref.name : item.reason).toBe("ok");
  });

  test("OpenAPI example reads the 201 body", () => {
    const example = { parameters: {}, responses: { "201": { body: armDeployment({ name: "created" }) } } };
    const [item] = readText(example);
    expect(item.kind === "deployment" ? item.deployment.ref.name : item.reason).toBe("created");
  });

  test("unnamed item is named by file and position", () => {
    const [, item] = readText([armDeployment(), 42]);
    expect(item.kind === "not-evaluated" ? item.ref.name : "deployment").toBe("input.json#/1");
  });
});

describe("objects without a type", () => {
  // A listSkus item, a PATCH body with only a sku, a JSON schema file and objects that only share a key with a resource.
  test.each([
    ["id and title", { id: "x", title: "y" }],
    ["listSkus item", { resourceType: "Microsoft.MachineLearning.Services/endpoints/deployments", sku: { name: "Default", tier: "Free" }, capacity: { minimum: 1, maximum: 1, default: 1 } }],
    ["sku only", { tags: {}, sku: { name: "Default", capacity: 3 } }],
    ["empty properties", { properties: {} }],
    ["schema-like properties", { id: "https://example.invalid/schema", properties: { description: { type: "string" }, model: { type: "string" } } }],
    ["properties not an object", { properties: "Managed" }],
    ["non-string type", { type: 3, id: "x" }],
  ])("%s is no deployment", (_name, value) => {
    const item = readArmResource(value, undefined, []);

    expect(item.kind === "not-evaluated" ? item.reason : "deployment").toBe("contains no Azure Machine Learning online deployment");
  });

  test.each([
    ["REST request body", { properties: { endpointComputeType: "Managed" }, sku: { name: "Default", capacity: 1 } }],
    ["body without compute type", { properties: { requestSettings: { requestTimeout: "PT10M" } } }],
    ["properties in another case", { Properties: { endpointComputeType: "Managed" } }],
    ["key in another case", { properties: { InstanceType: "Standard_DS3_v2" } }],
  ])("%s is a deployment", (_name, value) => {
    expect(readArmResource(value, undefined, []).kind).toBe("deployment");
  });

  test("online body with shared keys is a deployment", () => {
    const value = { properties: { codeConfiguration: { scoringScript: "score.py" }, environmentId: "azureml:env:1", instanceType: "Standard_DS3_v2" } };

    expect(readArmResource(value, undefined, []).kind).toBe("deployment");
  });

  test("keys shared with batch are no deployment", () => {
    const item = readArmResource({ properties: { codeConfiguration: { scoringScript: "score.py" }, environmentId: "azureml:env:1" } }, undefined, []);

    expect(item.kind === "not-evaluated" ? item.reason : "deployment").toBe("contains no Azure Machine Learning online deployment");
  });

  // The properties of a batch deployment body (BatchDeploymentProperties, api-version 2025-06-01).
  const batchBody = {
    properties: {
      codeConfiguration: { codeId: "azureml:code:1", scoringScript: "batch_driver.py" },
      environmentId: "azureml:sklearn-env:1",
      compute: "azureml:cpu-cluster",
      miniBatchSize: 10,
      maxConcurrencyPerInstance: 2,
      errorThreshold: -1,
      loggingLevel: "Info",
      outputAction: "AppendRow",
      outputFileName: "predictions.csv",
      retrySettings: { maxRetries: 3, timeout: "PT30S" },
      resources: { instanceCount: 2 },
    },
  };

  test("batch deployment body is not evaluated", () => {
    const item = readArmResource(batchBody, undefined, []);

    expect(item.kind === "not-evaluated" ? item.reason : "deployment").toMatch(/^is the body of a batch deployment \(properties\.compute, .*\), not an online deployment$/);
  });

  test.each(["compute", "deploymentConfiguration", "errorThreshold", "LoggingLevel", "maxConcurrencyPerInstance", "miniBatchSize", "outputAction", "outputFileName", "retrySettings"])(
    "batch key %s with online keys is not evaluated",
    (key) => {
      const item = readArmResource({ properties: { instanceType: "Standard_DS3_v2", [key]: 1 } }, undefined, []);

      expect(item.kind === "not-evaluated" ? item.reason : "deployment").toBe(`is the body of a batch deployment (properties.${key}), not an online deployment`);
    },
  );

  test("batch body in a file has no findings", () => {
    const [result] = evaluateItems(readText(batchBody), RULES, defaultConfig(RULES));

    expect(result.status).toBe("not-evaluated");
    expect(result.findings).toEqual([]);
  });

  test("typed resource without properties is a deployment", () => {
    expect(readArmResource({ type: DEPLOYMENT_TYPE }, undefined, []).kind).toBe("deployment");
  });
});

describe("readArmResource not evaluated", () => {
  test.each([
    ["a number", 42, "is not a JSON object"],
    ["another type", { type: "Microsoft.Storage/storageAccounts" }, "is of type Microsoft.Storage/storageAccounts"],
    ["AzureMLCompute", armDeployment({ computeType: "AzureMLCompute" }), "endpointComputeType AzureMLCompute"],
  ])("%s", (_name, value, reason) => {
    const item = readArmResource(value, undefined, []);
    expect(item.kind === "not-evaluated" ? item.reason : "deployment").toContain(reason);
  });
});

describe("readArmResource fields", () => {
  test("ref from the ARM id", () => {
    expect(deployment().ref).toMatchObject({ name: "blue", endpointName: "endpoint", workspaceName: "ws", resourceGroupName: "rg", source: "arm" });
  });

  test("type match ignores case", () => {
    const item = readArmResource({ ...armDeployment(), type: "microsoft.machinelearningservices/workspaces/onlineendpoints/deployments" }, undefined, []);
    expect(item.kind).toBe("deployment");
  });

  test("K8S is Kubernetes", () => {
    expect(deployment({ computeType: "K8S" }).computeType).toMatchObject({ state: "set", value: "Kubernetes" });
  });

  test("Auto is TargetUtilization", () => {
    expect(deployment({ properties: { scaleSettings: { scaleType: "Auto" } } }).scaleSettings.scaleType).toMatchObject({ state: "set", value: "TargetUtilization" });
  });

  test("null is unset", () => {
    expect(deployment({ properties: { requestSettings: { requestTimeout: null } } }).requestSettings.requestTimeoutMs).toEqual({
      state: "unset",
      defaultValue: 5_000,
      path: "properties.requestSettings.requestTimeout",
    });
  });

  test("missing compute type is invalid", () => {
    const item = readArmResource({ type: DEPLOYMENT_TYPE, properties: {} }, undefined, []);
    expect(item.kind === "deployment" ? item.deployment.computeType.state : item.reason).toBe("invalid");
  });

  test("missing compute type message", () => {
    const [result] = evaluateItems([readArmResource({ type: DEPLOYMENT_TYPE, properties: {} }, undefined, [])], RULES, defaultConfig(RULES));
    const finding = result.findings.find((candidate) => candidate.ruleId === "request-timeout");

    expect(finding?.message).toBe(
      "properties.endpointComputeType is missing; Azure requires Managed or Kubernetes. Set a valid value: amlguard does not pass a value it cannot read.",
    );
    expect(finding?.actual).toBeNull();
  });

  test("Managed defaults to Default scale", () => {
    expect(deployment().scaleSettings.scaleType).toMatchObject({ state: "unset", defaultValue: "Default" });
  });

  test("Kubernetes defaults to TargetUtilization", () => {
    expect(deployment({ computeType: "Kubernetes" }).scaleSettings.scaleType).toMatchObject({ state: "unset", defaultValue: "TargetUtilization" });
  });

  test("undeclared startup probe has no defaults", () => {
    expect(deployment().probes.startup.periodMs).toMatchObject({ state: "unset", defaultValue: undefined });
  });

  test("declared startup probe takes defaults", () => {
    expect(deployment({ properties: { startupProbe: {} } }).probes.startup.periodMs).toMatchObject({ state: "unset", defaultValue: 10_000 });
  });

  test("quoted quantity", () => {
    const target = deployment({ computeType: "Kubernetes", properties: { containerResourceRequirements: { containerResourceLimits: { memory: '"2Gi"' } } } });
    expect(target.containerLimits.memoryBytes).toMatchObject({ state: "set", value: 2 * 2 ** 30 });
  });

  test("legacy memoryInGB in bytes", () => {
    const target = deployment({ computeType: "K8S", properties: { containerResourceRequirements: { memoryInGB: 4 } } });
    expect(target.containerRequests.memoryBytes).toMatchObject({ state: "set", value: 4e9 });
  });

  test("both container layouts are invalid", () => {
    const target = deployment({
      computeType: "Kubernetes",
      properties: {
        containerResourceRequirements: { cpu: "1", containerResourceRequests: { cpu: "100", memory: "1000Gi" }, containerResourceLimits: { cpu: "200" } },
      },
    });

    const fields = [target.containerRequests, target.containerLimits].flatMap((resources) => [resources.cpuCores, resources.memoryBytes, resources.gpuCount]);
    expect(fields.map((field) => field.state)).toEqual(Array(6).fill("invalid"));
    expect(target.containerRequests.cpuCores).toMatchObject({
      path: "properties.containerResourceRequirements.containerResourceRequests.cpu",
      reason: expect.stringContaining("mixes cpu of api-version 2021-03-01-preview with containerResourceRequests and containerResourceLimits"),
    });
  });

  test("probe that is not an object", () => {
    expect(deployment({ properties: { livenessProbe: [] } }).probes.liveness.declared).toMatchObject({ state: "invalid" });
  });

  test("field under a non-object parent", () => {
    expect(deployment({ properties: { requestSettings: "fast" } }).requestSettings.requestTimeoutMs).toMatchObject({ state: "invalid" });
  });

  test("__proto__ key is ignored", () => {
    const json = JSON.parse('{"type":"Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments","properties":{"endpointComputeType":"Managed","__proto__":{"egressPublicNetworkAccess":"Disabled"}}}');
    const item = readArmResource(json, undefined, []);
    expect(item.kind === "deployment" ? item.deployment.egressPublicNetworkAccess.state : item.reason).toBe("unset");
  });

  test("free text is not in the model", () => {
    const target = deployment({ properties: { environmentVariables: { TOKEN: "s3cr3t" }, description: "s3cr3t" } });
    expect(JSON.stringify(target)).not.toContain("s3cr3t");
  });
});

describe("locator", () => {
  test("array of 300,000 items", () => {
    const text = JSON.stringify({ ...armDeployment({}), tags: Array.from({ length: 300_000 }, (_, index) => index) });

    expect(readArmJson(parsePositioned(text), "input.json").map((item) => item.kind)).toEqual(["deployment"]);
  });

  test("points at the field", () => {
    const text = JSON.stringify(armDeployment({ properties: { requestSettings: { requestTimeout: "PT5M" } } }), null, 2);
    const [item] = readArmJson(parsePositioned(text), "input.json");
    const line = text.split("\n").findIndex((row) => row.includes('"requestTimeout"')) + 1;
    expect(item.kind === "deployment" ? item.deployment.locate?.("properties.requestSettings.requestTimeout") : undefined).toEqual({ line, column: 7 });
  });

  test("absent field points at its parent", () => {
    const text = JSON.stringify(armDeployment(), null, 2);
    const [item] = readArmJson(parsePositioned(text), "input.json");
    const line = text.split("\n").findIndex((row) => row.includes('"properties"')) + 1;
    expect(item.kind === "deployment" ? item.deployment.locate?.("properties.requestSettings.requestTimeout") : undefined).toEqual({ line, column: 3 });
  });

  test("list item positions", () => {
    const text = JSON.stringify({ value: [armDeployment({ name: "a" }), armDeployment({ name: "b", properties: { instanceType: "Standard_DS3_v2" } })] }, null, 2);
    const items = readArmJson(parsePositioned(text), "input.json");
    const line = text.split("\n").findIndex((row) => row.includes('"instanceType"')) + 1;
    expect(items[1].kind === "deployment" ? items[1].deployment.locate?.("properties.instanceType")?.line : undefined).toBe(line);
  });
});
