import type { OnlineDeployment } from "../../src/model/deployment";
import type { SourceItem } from "../../src/sources/source-item";
import { deploymentResource, readTemplate as read, template } from "../support/arm-templates";

const TIMEOUT_PATH = "properties.requestSettings.requestTimeout";

function deployments(items: SourceItem[]): OnlineDeployment[] {
  return items.map((item) => {
    if (item.kind !== "deployment") {
      throw new Error(`expected a deployment, got: ${item.reason}`);
    }
    return item.deployment;
  });
}

function reasons(items: SourceItem[]): string[] {
  return items.map((item) => (item.kind === "not-evaluated" ? item.reason : "deployment"));
}

/** Builds a deployment resource with a copy loop. `timeout` and `name` may use copyIndex(). */
function looped(copy: unknown, timeout: string, name = "[format('ws1/ep1/d{0}', copyIndex())]"): Record<string, unknown> {
  return { ...deploymentResource(timeout, name), copy };
}

const TIMEOUTS = { timeouts: ["PT30S", "PT30S", "PT3M"] };

describe("template copy loop", () => {
  test("one deployment per copy", () => {
    const items = read(template([looped({ name: "d", count: 3 }, "[variables('timeouts')[copyIndex()]]")], { variables: TIMEOUTS }));

    const refs = deployments(items).map((deployment) => [deployment.ref.workspaceName, deployment.ref.endpointName, deployment.ref.name]);

    expect(refs).toEqual([
      ["ws1", "ep1", "d0"],
      ["ws1", "ep1", "d1"],
      ["ws1", "ep1", "d2"],
    ]);
  });

  test("each copy reads its own values", () => {
    const items = read(template([looped({ name: "d", count: 3 }, "[variables('timeouts')[copyIndex()]]")], { variables: TIMEOUTS }));

    const timeouts = deployments(items).map((deployment) => deployment.requestSettings.requestTimeoutMs);

    expect(timeouts).toEqual([
      { state: "set", value: 30_000, path: TIMEOUT_PATH },
      { state: "set", value: 30_000, path: TIMEOUT_PATH },
      { state: "set", value: 180_000, path: TIMEOUT_PATH },
    ]);
  });

  test("each copy is located at the resource", () => {
    const items = read(template([looped({ name: "d", count: 3 }, "[variables('timeouts')[copyIndex()]]")], { variables: TIMEOUTS }));

    const lines = deployments(items).map((deployment) => deployment.locate?.(TIMEOUT_PATH)?.line);

    expect(lines).toEqual([23, 23, 23]);
  });

  test.each([
    { name: "offset", index: "copyIndex(1)", expected: ["d1", "d2"] },
    { name: "negative offset", index: "copyIndex(-1)", expected: ["d-1", "d0"] },
    { name: "loop name", index: "copyIndex('d')", expected: ["d0", "d1"] },
    { name: "loop name and offset", index: "copyIndex('d', 10)", expected: ["d10", "d11"] },
    { name: "loop name in another case", index: "copyIndex('D', 1)", expected: ["d1", "d2"] },
  ])("copyIndex with $name", ({ index, expected }) => {
    const items = read(template([looped({ name: "d", count: 2 }, "PT30S", `[concat('ws1/ep1/d', ${index})]`)]));

    expect(deployments(items).map((deployment) => deployment.ref.name)).toEqual(expected);
  });

  test.each([
    { name: "another loop", expression: "[variables('timeouts')[copyIndex('other')]]", reason: "copyIndex('other') names a loop other than the resource's copy loop, 'd'" },
    { name: "a string offset", expression: "[variables('timeouts')[copyIndex('d', 'x')]]", reason: "copyIndex() needs an integer offset" },
    { name: "a variable", expression: "[variables('current')]", reason: "copyIndex() is used outside a resource copy loop" },
  ])("copyIndex naming $name is unknown", ({ expression, reason }) => {
    const value = template([looped({ name: "d", count: 1 }, expression)], { variables: { ...TIMEOUTS, current: "[variables('timeouts')[copyIndex()]]" } });

    const [deployment] = deployments(read(value));

    expect(deployment.requestSettings.requestTimeoutMs).toMatchObject({ state: "unknown", reason: expect.stringContaining(reason) });
  });

  test("copyIndex outside a loop is unknown", () => {
    const value = template([deploymentResource("[variables('timeouts')[copyIndex()]]", "ws1/ep1/blue")], { variables: TIMEOUTS });

    const [deployment] = deployments(read(value));

    expect(deployment.requestSettings.requestTimeoutMs).toMatchObject({ state: "unknown", reason: expect.stringContaining("outside a resource copy loop") });
  });

  test("count from a parameter default", () => {
    const value = template([looped({ name: "d", count: "[parameters('replicas')]" }, "PT30S")], { parameters: { replicas: { type: "int", defaultValue: 2 } } });

    expect(deployments(read(value)).map((deployment) => deployment.ref.name)).toEqual(["d0", "d1"]);
  });

  test("count from a parameters file", () => {
    const value = template([looped({ name: "d", count: "[parameters('replicas')]" }, "PT30S")], { parameters: { replicas: { type: "int" } } });

    expect(deployments(read(value, new Map([["replicas", 4]]))).map((deployment) => deployment.ref.name)).toEqual(["d0", "d1", "d2", "d3"]);
  });

  test("count from a variable", () => {
    const value = template([looped({ name: "d", count: "[variables('sizes').prod]" }, "PT30S")], { variables: { sizes: { prod: 3 } } });

    expect(read(value)).toHaveLength(3);
  });

  test("mode and batchSize keep every copy", () => {
    const value = template([looped({ name: "d", count: 3, mode: "serial", batchSize: 1 }, "PT30S")]);

    expect(deployments(read(value)).map((deployment) => deployment.ref.name)).toEqual(["d0", "d1", "d2"]);
  });

  test("count of 800 is expanded", () => {
    const value = template([looped({ name: "d", count: 800 }, "PT30S")]);

    const items = read(value);

    expect(items).toHaveLength(800);
    expect(items.every((item) => item.kind === "deployment")).toBe(true);
  });

  const NO_INSTANCE = "has a copy loop whose count is 0, so the template deploys no instance of it";

  test.each([
    { name: "0", count: 0, expected: NO_INSTANCE },
    { name: "a parameter of 0", count: "[parameters('zero')]", expected: NO_INSTANCE },
    { name: "an unknown expression", count: "[length(parameters('regions'))]", expected: "has a copy loop whose count cannot be evaluated (template expression [length(parameters('regions'))]" },
    { name: "a parameter without a value", count: "[parameters('regions')]", expected: "parameter 'regions' has no defaultValue, and no parameters file gives it a value" },
    { name: "above 800", count: 801, expected: "has a copy loop whose count is 801, above the maximum of 800 that Resource Manager accepts" },
    { name: "negative", count: -1, expected: "has a copy loop whose count is -1, and Resource Manager rejects a negative count" },
    { name: "a string", count: "3", expected: 'has a copy loop whose count "3" is not an integer' },
    { name: "a fraction", count: 1.5, expected: "has a copy loop whose count 1.5 is not an integer" },
  ])("count $name is one not-evaluated entry", ({ count, expected }) => {
    const value = template([looped({ name: "d", count }, "PT30S")], { parameters: { zero: { type: "int", defaultValue: 0 }, regions: { type: "array" } } });

    const items = read(value);

    expect(reasons(items)).toEqual([expect.stringContaining(expected)]);
  });

  test("unevaluated count entry names the resource", () => {
    const value = template([looped({ name: "d", count: "[length(parameters('regions'))]" }, "PT30S", "[concat('ws1/ep1/', parameters('prefix'))]")], {
      parameters: { regions: { type: "array" }, prefix: { type: "string", defaultValue: "blue" } },
    });

    const [item] = read(value);

    expect(item.kind).toBe("not-evaluated");
    expect(item.kind === "not-evaluated" ? item.ref : undefined).toMatchObject({ name: "blue", endpointName: "ep1", workspaceName: "ws1", file: "template.json" });
  });

  test.each([
    { name: "without a count", copy: { name: "d" }, expected: "has a copy loop without a count" },
    { name: "that is an array", copy: [{ name: "d", count: 2 }], expected: "has a copy element that is not an object" },
    { name: "with Count", copy: { name: "d", Count: 2 }, expected: 'spells copy.Count, which Resource Manager may read in either case; spell it "count"' },
  ])("copy $name is not evaluated", ({ copy, expected }) => {
    const items = read(template([looped(copy, "PT30S")]));

    expect(reasons(items)).toEqual([expect.stringContaining(expected)]);
  });

  test("copy key in another case is not evaluated", () => {
    const { copy, ...resource } = looped({ name: "d", count: 2 }, "PT30S");

    const items = read(template([{ ...resource, Copy: copy }]));

    expect(reasons(items)).toEqual([expect.stringContaining('spells its copy key "Copy"')]);
  });

  test("name without a value is told apart by copy", () => {
    const value = template([looped({ name: "d", count: 2 }, "PT30S", "[concat('ws1/ep1/', parameters('prefix'), copyIndex())]")], { parameters: { prefix: { type: "string" } } });

    const names = deployments(read(value)).map((deployment) => deployment.ref.name);

    expect(names).toEqual(["[concat('ws1/ep1/', parameters('prefix'), copyIndex())] (copy 0)", "[concat('ws1/ep1/', parameters('prefix'), copyIndex())] (copy 1)"]);
  });

  test("copies of one name are not evaluated", () => {
    const items = read(template([looped({ name: "d", count: 3 }, "PT5M", "ws1/ep1/blue")]));

    expect(reasons(items)).toEqual([expect.stringContaining("copies share the name ws1/ep1/blue")]);
  });

  test("condition is read per copy", () => {
    const value = template([{ ...looped({ name: "d", count: 2 }, "PT30S"), condition: "[variables('enabled')[copyIndex()]]" }], { variables: { enabled: [true, false] } });

    expect(reasons(read(value))).toEqual(["deployment", "has a condition that is false, so the template does not deploy it"]);
  });

  test("child deployment with a copy loop is not evaluated", () => {
    const child = { ...looped({ name: "d", count: 2 }, "PT30S", "[format('d{0}', copyIndex())]"), type: "deployments" };
    const value = template([{ type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints", apiVersion: "2025-06-01", name: "ws1/ep1", resources: [child] }]);

    expect(reasons(read(value))).toEqual([expect.stringContaining("has a copy loop, which Resource Manager accepts only on a top-level resource")]);
  });

  test("child of a copied endpoint is not evaluated", () => {
    const child = { ...deploymentResource("PT30S", "blue"), type: "deployments" };
    const endpoint = { type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints", name: "[format('ws1/ep{0}', copyIndex())]", copy: { name: "e", count: 2 }, resources: [child] };

    expect(reasons(read(template([endpoint])))).toEqual([expect.stringContaining("is a child resource of a resource with a copy loop")]);
  });
});

describe("template copy loop of a nested deployment", () => {
  function nestedLoop(scope: "inner" | "outer", inner: Record<string, unknown>, parameters: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      type: "Microsoft.Resources/deployments",
      apiVersion: "2022-09-01",
      name: "[format('nested{0}', copyIndex())]",
      copy: { name: "n", count: 3 },
      properties: { mode: "Incremental", expressionEvaluationOptions: { scope }, parameters, template: inner },
    };
  }

  test("inner scope reads each copy's parameters", () => {
    const inner = template([deploymentResource("[parameters('timeout')]", "[format('ws1/ep1/d{0}', parameters('index'))]")], {
      parameters: { timeout: { type: "string" }, index: { type: "int" } },
    });
    const value = template([nestedLoop("inner", inner, { timeout: { value: "[variables('timeouts')[copyIndex()]]" }, index: { value: "[copyIndex()]" } })], { variables: TIMEOUTS });

    const timeouts = deployments(read(value)).map((deployment) => [deployment.ref.name, deployment.requestSettings.requestTimeoutMs.state === "set" && deployment.requestSettings.requestTimeoutMs.value]);

    expect(timeouts).toEqual([
      ["d0", 30_000],
      ["d1", 30_000],
      ["d2", 180_000],
    ]);
  });

  test("outer scope reads the inner template once", () => {
    const inner = template([deploymentResource("[variables('timeouts')[copyIndex()]]", "ws1/ep1/blue")]);

    const items = deployments(read(template([nestedLoop("outer", inner)], { variables: TIMEOUTS })));

    expect(items.map((deployment) => deployment.ref.name)).toEqual(["blue"]);
    expect(items[0].requestSettings.requestTimeoutMs).toMatchObject({ state: "unknown", reason: expect.stringContaining("copyIndex() is used outside a resource copy loop") });
  });

  test("outer scope read by the first deployed copy", () => {
    const inner = template([deploymentResource("PT30S", "ws1/ep1/blue")]);
    const loop = { ...nestedLoop("outer", inner), condition: "[variables('enabled')[copyIndex()]]" };

    const items = read(template([loop], { variables: { enabled: [false, true, true] } }));

    expect(reasons(items)).toEqual(["has a condition that is false, so the template does not deploy it or its nested template", "deployment"]);
  });

  test("unknown count is one not-evaluated entry", () => {
    const loop = { ...nestedLoop("outer", template([])), copy: { name: "n", count: "[length(parameters('regions'))]" } };

    const items = read(template([loop], { parameters: { regions: { type: "array" } } }));

    expect(reasons(items)).toEqual([expect.stringContaining("has a copy loop whose count cannot be evaluated")]);
  });
});

describe("template that expands without bound", () => {
  test("reading stops after 10,000 deployments", () => {
    const inner = template([looped({ name: "d", count: 200 }, "PT30S", "[format('ws/ep/d{0}-{1}', parameters('outer'), copyIndex())]")], { parameters: { outer: { type: "int" } } });
    const nested = {
      type: "Microsoft.Resources/deployments",
      apiVersion: "2022-09-01",
      name: "[format('nested{0}', copyIndex())]",
      copy: { name: "n", count: 800 },
      properties: { mode: "Incremental", expressionEvaluationOptions: { scope: "inner" }, parameters: { outer: { value: "[copyIndex()]" } }, template: inner },
    };

    const items = read(template([nested]));

    // 50 nested deployments and 9,950 online deployments make the 10,000 instances read.
    expect(items).toHaveLength(9_951);
    expect(items.slice(0, 9_950).every((item) => item.kind === "deployment")).toBe(true);
    expect(reasons(items.slice(9_950))).toEqual([expect.stringContaining("stopped reading the template, after 10,000 deployments and nested deployments")]);
  });

  test("reading stops in nested loops without deployments", () => {
    const storage = { type: "Microsoft.Storage/storageAccounts", apiVersion: "2023-01-01", name: "[uniqueString('x')]" };
    const nest = (inner: Record<string, unknown>, level: number): Record<string, unknown> => ({
      type: "Microsoft.Resources/deployments",
      apiVersion: "2022-09-01",
      name: `[format('level${level}-{0}', copyIndex())]`,
      copy: { name: `n${level}`, count: 800 },
      properties: { mode: "Incremental", expressionEvaluationOptions: { scope: "inner" }, template: inner },
    });
    const bomb = template([nest(template([nest(template([nest(template([storage]), 3)]), 2)]), 1)]);

    const items = read(bomb);

    expect(reasons(items)).toEqual([expect.stringContaining("stopped reading the template")]);
  });
});

describe("template property copy loop", () => {
  test("loop building a judged property makes it invalid", () => {
    const resource = deploymentResource("PT30S", "ws1/ep1/blue");
    const properties = {
      endpointComputeType: "Managed",
      copy: [
        { name: "tags", count: 2, input: "x" },
        { name: "requestSettings", count: 1, input: { requestTimeout: "PT5M" } },
      ],
    };

    const [deployment] = deployments(read(template([{ ...resource, properties }])));

    expect(deployment.computeType.state).toBe("set");
    expect(deployment.requestSettings.requestTimeoutMs).toMatchObject({
      state: "invalid",
      path: "properties.copy[1]",
      reason: expect.stringContaining("is a property copy loop that builds properties.requestSettings as an array"),
    });
  });

  test("loop inside a judged object makes its field invalid", () => {
    const resource = deploymentResource("PT30S", "ws1/ep1/blue");
    const properties = { endpointComputeType: "Managed", requestSettings: { copy: [{ name: "RequestTimeout", count: 1, input: "PT5M" }] } };

    const [deployment] = deployments(read(template([{ ...resource, properties }])));

    expect(deployment.requestSettings.requestTimeoutMs).toMatchObject({ state: "invalid", path: "properties.requestSettings.copy[0]" });
    expect(deployment.requestSettings.maxQueueWaitMs.state).toBe("unset");
  });

  test("loop without a readable name makes its object invalid", () => {
    const resource = deploymentResource("PT30S", "ws1/ep1/blue");
    const properties = { endpointComputeType: "Managed", requestSettings: { requestTimeout: "PT30S", copy: [{ name: "[reference('x').name]", count: 1, input: "PT5M" }] } };

    const [deployment] = deployments(read(template([{ ...resource, properties }])));

    expect(deployment.requestSettings.maxQueueWaitMs).toMatchObject({ state: "invalid", reason: expect.stringContaining("without a name amlguard can read") });
  });
});
