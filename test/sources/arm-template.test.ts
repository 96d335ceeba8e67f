import type { OnlineDeployment } from "../../src/model/deployment";
import { ParametersFileError, isArmTemplate, readParametersFile } from "../../src/sources/arm-template";
import { readInputFile, readTemplateParameters } from "../../src/sources/files";
import type { SourceItem } from "../../src/sources/source-item";
import { DEPLOYMENT_TYPE, TEMPLATE_SCHEMA as SCHEMA, readTemplate as read, template } from "../support/arm-templates";
import { useTemporaryDirectory } from "../support/temporary-directory";


function only(items: SourceItem[]): OnlineDeployment {
  expect(items).toHaveLength(1);
  const [item] = items;
  if (item.kind !== "deployment") {
    throw new Error(`expected a deployment, got: ${item.reason}`);
  }
  return item.deployment;
}

const literalDeployment = {
  type: DEPLOYMENT_TYPE,
  apiVersion: "2025-06-01",
  name: "ws/fraud/blue",
  sku: { name: "Default", capacity: 3 },
  properties: { endpointComputeType: "Managed", requestSettings: { requestTimeout: "PT30S" }, egressPublicNetworkAccess: "Disabled" },
};

describe("ARM template", () => {
  test("literal values are read", () => {
    const deployment = only(read(template([literalDeployment])));

    expect(deployment.requestSettings.requestTimeoutMs).toEqual({ state: "set", value: 30_000, path: "properties.requestSettings.requestTimeout" });
  });

  test("ref names workspace, endpoint and deployment", () => {
    const deployment = only(read(template([literalDeployment])));

    expect(deployment.ref).toEqual({ name: "blue", endpointName: "fraud", workspaceName: "ws", source: "arm-template", type: DEPLOYMENT_TYPE, file: "template.json" });
  });

  test("parameter default is used", () => {
    const value = template([{ ...literalDeployment, properties: { endpointComputeType: "Managed", requestSettings: { requestTimeout: "[parameters('timeout')]" } } }], {
      parameters: { timeout: { type: "string", defaultValue: "PT2M" } },
    });

    expect(only(read(value)).requestSettings.requestTimeoutMs).toEqual({ state: "set", value: 120_000, path: "properties.requestSettings.requestTimeout" });
  });

  test("parameters file overrides the default", () => {
    const value = template([{ ...literalDeployment, sku: { capacity: "[parameters('capacity')]" } }], { parameters: { capacity: { type: "int", defaultValue: 1 } } });

    expect(only(read(value, new Map([["capacity", 5]]))).instanceCount).toEqual({ state: "set", value: 5, path: "sku.capacity" });
  });

  test("parameter without a value is unknown, naming the expression", () => {
    const value = template([{ ...literalDeployment, properties: { endpointComputeType: "[parameters('computeType')]" } }], { parameters: { computeType: { type: "string" } } });

    expect(only(read(value)).computeType).toEqual({
      state: "unknown",
      path: "properties.endpointComputeType",
      reason: "template expression [parameters('computeType')]: parameter 'computeType' has no defaultValue, and no parameters file gives it a value",
    });
  });

  test("unsupported function is unknown, naming it", () => {
    const value = template([{ ...literalDeployment, properties: { endpointComputeType: "Managed", instanceType: "[reference('x').sku]" } }]);

    const field = only(read(value)).instanceType;

    expect(field.state === "unknown" && field.reason).toContain("[reference('x').sku]");
  });

  test("variables, concat and format are evaluated", () => {
    const value = template(
      [{ ...literalDeployment, name: "[format('{0}/{1}/{2}', 'ws', variables('endpoint'), concat('bl', 'ue'))]" }],
      { variables: { endpoint: "[concat('fr', 'aud')]" } },
    );

    expect(only(read(value)).ref.endpointName).toBe("fraud");
  });

  test.each([
    { name: "dot on a parameter", expression: "[parameters('settings').timeout]" },
    { name: "string index on a parameter", expression: "[parameters('settings')['timeout']]" },
    { name: "property in another case", expression: "[parameters('settings').Timeout]" },
    { name: "array index", expression: "[variables('timeouts')[1]]" },
    { name: "index chosen by a parameter", expression: "[variables('environments')[parameters('environment')].timeout]" },
    { name: "nested expression in a variable", expression: "[variables('environments').prod.timeout]" },
  ])("property access: $name", ({ expression }) => {
    const value = template([{ ...literalDeployment, properties: { endpointComputeType: "Managed", requestSettings: { requestTimeout: expression } } }], {
      parameters: { settings: { type: "object", defaultValue: { timeout: "PT5M" } }, environment: { type: "string", defaultValue: "prod" } },
      variables: { timeouts: ["PT1S", "PT5M"], environments: { dev: { timeout: "PT1S" }, prod: { timeout: "[parameters('settings').timeout]" } } },
    });

    expect(only(read(value)).requestSettings.requestTimeoutMs).toEqual({ state: "set", value: 300_000, path: "properties.requestSettings.requestTimeout" });
  });

  test("parameters file object is read by property", () => {
    const value = template([{ ...literalDeployment, properties: { endpointComputeType: "Managed", requestSettings: { requestTimeout: "[parameters('settings').timeout]" } } }], {
      parameters: { settings: { type: "object", defaultValue: { timeout: "PT1S" } } },
    });

    expect(only(read(value, new Map([["settings", { timeout: "PT5M" }]]))).requestSettings.requestTimeoutMs).toEqual({
      state: "set",
      value: 300_000,
      path: "properties.requestSettings.requestTimeout",
    });
  });

  test.each([
    { name: "missing property", expression: "[parameters('settings').timeoutMs]", reason: "the object has no property 'timeoutMs'" },
    { name: "properties differing in case", expression: "[parameters('settings').limit]", reason: "several properties named 'limit' in different cases (limit, Limit)" },
    { name: "index past the end", expression: "[variables('timeouts')[2]]", reason: "index 2 is outside an array of 2 items" },
    { name: "property of a string", expression: "[variables('timeouts')[0].value]", reason: "property 'value' cannot be read from a value of type string" },
  ])("property access unknown: $name", ({ expression, reason }) => {
    const value = template([{ ...literalDeployment, properties: { endpointComputeType: "Managed", requestSettings: { requestTimeout: expression } } }], {
      parameters: { settings: { type: "object", defaultValue: { timeout: "PT5M", limit: "PT1S", Limit: "PT5M" } } },
      variables: { timeouts: ["PT1S", "PT5M"] },
    });

    const field = only(read(value)).requestSettings.requestTimeoutMs;

    expect(field.state).toBe("unknown");
    expect(field).toMatchObject({ reason: expect.stringContaining(reason) });
  });

  test("escaped bracket is a literal", () => {
    const value = template([{ ...literalDeployment, properties: { endpointComputeType: "Managed", instanceType: "[[Standard_DS3_v2]" } }]);

    expect(only(read(value)).instanceType).toEqual({ state: "set", value: "[Standard_DS3_v2]", path: "properties.instanceType" });
  });

  test("escaped bracket without a closing bracket", () => {
    const value = template([{ ...literalDeployment, properties: { endpointComputeType: "Managed", requestSettings: { requestTimeout: "[[PT5M" } } }]);

    expect(only(read(value)).requestSettings.requestTimeoutMs).toMatchObject({ state: "invalid", raw: '"[PT5M"' });
  });

  test("variable cycle is unknown", () => {
    const value = template([{ ...literalDeployment, properties: { endpointComputeType: "[variables('a')]" } }], { variables: { a: "[variables('b')]", b: "[variables('a')]" } });

    expect(only(read(value)).computeType.state).toBe("unknown");
  });

  test("nested children with short types", () => {
    const value = template([
      {
        type: "Microsoft.MachineLearningServices/workspaces",
        name: "ws",
        resources: [{ type: "onlineEndpoints", name: "fraud", resources: [{ type: "deployments", name: "blue", properties: { endpointComputeType: "Kubernetes" } }] }],
      },
    ]);

    expect(only(read(value)).ref).toMatchObject({ name: "blue", endpointName: "fraud", workspaceName: "ws", type: DEPLOYMENT_TYPE });
  });

  test("nested child with a two-segment type", () => {
    const value = template([
      { type: "Microsoft.MachineLearningServices/workspaces", name: "ws", resources: [{ type: "onlineEndpoints/deployments", name: "fraud/blue", properties: { endpointComputeType: "Managed" } }] },
    ]);

    expect(only(read(value)).ref).toMatchObject({ name: "blue", endpointName: "fraud", workspaceName: "ws" });
  });

  test("nested child with a full type", () => {
    const value = template([{ type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints", name: "ws/fraud", resources: [{ ...literalDeployment, name: "blue" }] }]);

    expect(only(read(value)).ref).toMatchObject({ name: "blue", endpointName: "fraud" });
  });

  test("symbolic-name resources", () => {
    const value = { $schema: SCHEMA, languageVersion: "2.0", contentVersion: "1.0.0.0", resources: { blue: literalDeployment } };

    expect(only(read(value)).ref.name).toBe("blue");
  });

  test.each([
    { name: "false", condition: false, expected: "not-evaluated" },
    { name: "a false parameter", condition: "[parameters('deploy')]", expected: "not-evaluated" },
    { name: "true", condition: true, expected: "deployment" },
    { name: "an unknown expression", condition: "[equals(parameters('env'), 'prod')]", expected: "deployment" },
  ])("condition $name", ({ condition, expected }) => {
    const value = template([{ ...literalDeployment, condition }], { parameters: { deploy: { type: "bool", defaultValue: false }, env: { type: "string" } } });

    expect(read(value).map((item) => item.kind)).toEqual([expected]);
  });

  test("other resource types are skipped", () => {
    const value = template([{ type: "Microsoft.Storage/storageAccounts", name: "sa" }, literalDeployment]);

    expect(read(value)).toHaveLength(1);
  });

  test.each([
    { name: "no type", resource: { name: "x", properties: {} }, reason: "has no type, so amlguard cannot tell whether it is an online deployment" },
    { name: "type in another case", resource: { ...literalDeployment, type: undefined, Type: DEPLOYMENT_TYPE }, reason: 'spells its type key "Type"' },
    { name: "children in another case", resource: { type: "Microsoft.MachineLearningServices/workspaces", name: "w", Resources: [literalDeployment] }, reason: 'keeps child resources under "Resources"' },
  ])("resource with $name is not evaluated", ({ resource, reason }) => {
    const items = read(template([resource]));

    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: "not-evaluated", reason: expect.stringContaining(reason) });
  });

  test("locator points into the resource", () => {
    const deployment = only(read(template([literalDeployment])));

    expect(deployment.locate?.("properties.requestSettings.requestTimeout")?.line).toBe(16);
  });

  test.each([
    { name: "deploymentTemplate schema", value: { $schema: SCHEMA, resources: [] }, expected: true },
    { name: "resources with contentVersion", value: { contentVersion: "1.0.0.0", resources: [] }, expected: true },
    { name: "ARM resource", value: { type: DEPLOYMENT_TYPE, properties: {} }, expected: false },
    { name: "template schema without resources", value: { $schema: SCHEMA, name: "blue", request_settings: { request_timeout_ms: 120000 } }, expected: false },
    { name: "parameters file", value: { $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", parameters: {} }, expected: false },
  ])("isArmTemplate: $name", ({ value, expected }) => {
    expect(isArmTemplate(value)).toBe(expected);
  });
});

describe("parameters file", () => {
  const { write } = useTemporaryDirectory("amlguard-template-");

  test("values by lower-cased name", () => {
    const values = readParametersFile({ parameters: { Capacity: { value: 4 }, secret: { reference: { keyVault: { id: "/x" }, secretName: "s" } } } }, "p.json");

    expect([...values.entries()]).toEqual([["capacity", 4]]);
  });

  test("value key in another case is rejected", () => {
    expect(() => readParametersFile({ parameters: { timeout: { Value: "PT150S" } } }, "p.json")).toThrow('parameters.timeout has the key "Value"; spell it "value"');
  });

  test("missing parameters object is rejected", () => {
    expect(() => readParametersFile({ value: 1 }, "p.json")).toThrow(ParametersFileError);
  });

  test.each(["p.json", "p.yaml", "p"])("JSON comments in %s are comments", async (name) => {
    const values = await readTemplateParameters(write(name, '{"parameters": {"timeout": {/* agreed */ "value": "PT5M"}}}\n'));

    expect([...values.entries()]).toEqual([["timeout", "PT5M"]]);
  });

  test("--parameters resolves a template through readInputFile", async () => {
    const templateFile = write("template.json", JSON.stringify(template([{ ...literalDeployment, properties: { endpointComputeType: "[parameters('computeType')]" } }], { parameters: { computeType: { type: "string" } } })));
    const parametersFile = write("template.parameters.json", JSON.stringify({ $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", parameters: { computeType: { value: "Kubernetes" } } }));

    const [item] = await readInputFile(templateFile, { templateParameters: await readTemplateParameters(parametersFile) });

    expect(item.kind === "deployment" && item.deployment.computeType).toEqual({ state: "set", value: "Kubernetes", path: "properties.endpointComputeType" });
  });
});
