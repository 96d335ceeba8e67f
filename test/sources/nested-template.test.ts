import type { OnlineDeployment } from "../../src/model/deployment";
import type { SourceItem } from "../../src/sources/source-item";
import { deploymentResource, readTemplate as read, template } from "../support/arm-templates";

/** Wraps an inline template in a `Microsoft.Resources/deployments` resource. */
function nested(inner: Record<string, unknown>, properties: Record<string, unknown> = {}, name = "nested"): Record<string, unknown> {
  return { type: "Microsoft.Resources/deployments", apiVersion: "2022-09-01", name, properties: { mode: "Incremental", ...properties, template: inner } };
}

function only(items: SourceItem[]): OnlineDeployment {
  expect(items).toHaveLength(1);
  const [item] = items;
  if (item.kind !== "deployment") {
    throw new Error(`expected a deployment, got: ${item.reason}`);
  }
  return item.deployment;
}

function reasonOf(items: SourceItem[]): string {
  expect(items).toHaveLength(1);
  return items[0].kind === "not-evaluated" ? items[0].reason : "deployment";
}

describe("nested template", () => {
  test("inline deployment is read", () => {
    const deployment = only(read(template([nested(template([deploymentResource("PT10M")]))])));

    expect(deployment.requestSettings.requestTimeoutMs).toMatchObject({ state: "set", value: 600_000 });
  });

  test("inline deployment names come from its name", () => {
    const deployment = only(read(template([nested(template([deploymentResource("PT10S")]))])));

    expect([deployment.ref.workspaceName, deployment.ref.endpointName, deployment.ref.name]).toEqual(["ws", "fraud", "blue"]);
  });

  test("short child type is read", () => {
    const endpoint = {
      type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
      name: "ws/fraud",
      resources: [{ ...deploymentResource("PT10M", "blue"), type: "deployments" }],
    };

    const deployment = only(read(template([nested(template([endpoint]))])));

    expect(deployment.requestSettings.requestTimeoutMs).toMatchObject({ state: "set", value: 600_000 });
  });

  test("location points into the nested template", () => {
    const value = template([nested(template([deploymentResource("PT10M")]))]);
    const line = JSON.stringify(value, null, 2).split("\n").findIndex((text) => text.includes('"requestTimeout"')) + 1;

    const deployment = only(read(value));

    expect(deployment.locate?.("properties.requestSettings.requestTimeout")?.line).toBe(line);
  });

  test("two levels deep is read", () => {
    const deployment = only(read(template([nested(template([nested(template([deploymentResource("PT10M")]))]))])));

    expect(deployment.requestSettings.requestTimeoutMs).toMatchObject({ state: "set", value: 600_000 });
  });

  test("deeper than ten levels is not evaluated", () => {
    let inner = template([deploymentResource("PT10M")]);
    for (let level = 0; level < 11; level++) {
      inner = template([nested(inner, {}, `level${level}`)]);
    }

    expect(reasonOf(read(inner))).toBe("nests templates more than 10 levels deep, so amlguard does not read its template");
  });

  test("ten levels deep is read", () => {
    let inner = template([deploymentResource("PT10M")]);
    for (let level = 0; level < 10; level++) {
      inner = template([nested(inner, {}, `level${level}`)]);
    }

    expect(only(read(inner)).requestSettings.requestTimeoutMs).toMatchObject({ state: "set", value: 600_000 });
  });
});

describe("nested template scope", () => {
  const parameterised = (parameters: Record<string, unknown>) =>
    template([{ ...deploymentResource("[parameters('timeout')]"), name: "ws/fraud/blue" }], { parameters });

  test("outer scope uses the parent parameters", () => {
    const outer = template([nested(parameterised({ timeout: { type: "string", defaultValue: "PT1S" } }))], {
      parameters: { timeout: { type: "string", defaultValue: "PT10M" } },
    });

    expect(only(read(outer)).requestSettings.requestTimeoutMs).toMatchObject({ state: "set", value: 600_000 });
  });

  test("inner scope uses the passed value", () => {
    const outer = template([
      nested(parameterised({ timeout: { type: "string", defaultValue: "PT1S" } }), {
        expressionEvaluationOptions: { scope: "inner" },
        parameters: { timeout: { value: "PT10M" } },
      }),
    ]);

    expect(only(read(outer)).requestSettings.requestTimeoutMs).toMatchObject({ state: "set", value: 600_000 });
  });

  test("inner scope evaluates a passed expression outside", () => {
    const outer = template(
      [
        nested(parameterised({ timeout: { type: "string" } }), {
          expressionEvaluationOptions: { scope: "inner" },
          parameters: { timeout: { value: "[parameters('outerTimeout')]" } },
        }),
      ],
      { parameters: { outerTimeout: { type: "string", defaultValue: "PT10M" } } },
    );

    expect(only(read(outer)).requestSettings.requestTimeoutMs).toMatchObject({ state: "set", value: 600_000 });
  });

  test("inner scope passed expression can be unknown", () => {
    const outer = template([
      nested(parameterised({ timeout: { type: "string", defaultValue: "PT1S" } }), {
        expressionEvaluationOptions: { scope: "inner" },
        parameters: { timeout: { value: "[reference('other').outputs.timeout.value]" } },
      }),
    ]);

    expect(only(read(outer)).requestSettings.requestTimeoutMs.state).toBe("unknown");
  });

  test("inner scope falls back to defaultValue", () => {
    const outer = template([nested(parameterised({ timeout: { type: "string", defaultValue: "PT10M" } }), { expressionEvaluationOptions: { scope: "inner" } })], {
      parameters: { timeout: { type: "string", defaultValue: "PT1S" } },
    });

    expect(only(read(outer)).requestSettings.requestTimeoutMs).toMatchObject({ state: "set", value: 600_000 });
  });

  test("inner scope Key Vault reference is unknown", () => {
    const outer = template([
      nested(parameterised({ timeout: { type: "string", defaultValue: "PT1S" } }), {
        expressionEvaluationOptions: { scope: "inner" },
        parameters: { timeout: { reference: { keyVault: { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" }, secretName: "t" } } },
      }),
    ]);

    expect(only(read(outer)).requestSettings.requestTimeoutMs.state).toBe("unknown");
  });
});

describe("nested deployment not read", () => {
  test.each([
    ["uri", { uri: "https://example.invalid/templates/deployment.json" }, "https://example.invalid/templates/deployment.json"],
    ["id", { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Resources/templateSpecs/aml/versions/1" }, "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Resources/templateSpecs/aml/versions/1"],
  ])("by %s is not evaluated", (_name, templateLink, shown) => {
    const linked = { type: "Microsoft.Resources/deployments", apiVersion: "2022-09-01", name: "linked", properties: { mode: "Incremental", templateLink } };

    expect(reasonOf(read(template([linked])))).toBe(`links to the template ${shown}, which amlguard cannot read offline; check that template file on its own`);
  });

  test("item names the nested deployment", () => {
    const linked = { type: "Microsoft.Resources/deployments", name: "linked", properties: { templateLink: { uri: "https://example.invalid/t.json" } } };

    const [item] = read(template([linked]));

    expect(item.kind === "not-evaluated" ? item.ref.name : "deployment").toBe("linked");
  });

  test("false condition is not evaluated", () => {
    const skipped = { ...nested(template([deploymentResource("PT10M")])), condition: false };

    expect(reasonOf(read(template([skipped])))).toBe("has a condition that is false, so the template does not deploy it or its nested template");
  });

  test("template expression is not evaluated", () => {
    const indirect = { type: "Microsoft.Resources/deployments", name: "indirect", properties: { template: "[variables('t')]" } };

    expect(reasonOf(read(template([indirect])))).toBe("has no inline properties.template object and no templateLink, so its resources cannot be read");
  });
});

describe("nested deployment keys in another case", () => {
  test.each([
    { name: "scope", properties: { expressionEvaluationOptions: { Scope: "inner" } }, key: "properties.expressionEvaluationOptions.Scope" },
    { name: "evaluation options", properties: { ExpressionEvaluationOptions: { scope: "inner" } }, key: "properties.ExpressionEvaluationOptions" },
    { name: "parameter value", properties: { parameters: { t: { Value: "PT150S" } } }, key: "properties.parameters.t.Value" },
  ])("$name is not evaluated", ({ properties, key }) => {
    expect(reasonOf(read(template([nested(template([deploymentResource("PT10S")]), properties)])))).toContain(`spells ${key}`);
  });
});
