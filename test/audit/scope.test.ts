import type { ResourceResult } from "../../src/findings/finding";
import { type AuditScopeOptions, auditScopeOf, scopeEvidence, scopeUsageError, uniqueResults } from "../../src/audit/scope";

const SUBSCRIPTION = "6f1c2a4e-8d3b-4c55-9e21-0a7b3c9d4e10";
const DEPLOYMENT = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep/deployments/blue`;

function options(overrides: Partial<AuditScopeOptions>): AuditScopeOptions {
  return { subscription: [], id: [], apiVersion: "2025-06-01", source: "arm", ...overrides };
}

function result(id: string | undefined, status: ResourceResult["status"]): ResourceResult {
  return { resource: { ...(id === undefined ? {} : { id }), name: "blue", source: "arm" }, status, findings: [], rules: [] };
}

describe("scopeUsageError", () => {
  test.each([
    { name: "subscription not a GUID", given: { subscription: ["not-a-guid"] }, message: '--subscription "not-a-guid" is not a subscription id; expected a GUID' },
    { name: "subscription GUID without dashes", given: { subscription: [SUBSCRIPTION.replace(/-/g, "")] }, message: "is not a subscription id" },
    { name: "id with a subscription not a GUID", given: { id: [DEPLOYMENT.replace(SUBSCRIPTION, "prod")] }, message: "is not an online deployment id; expected /subscriptions/{subscription GUID}" },
    { name: "id of a workspace", given: { id: [DEPLOYMENT.replace(/\/onlineEndpoints\/.*$/, "")] }, message: "is not an online deployment id" },
    { name: "id with a malformed escape", given: { id: [`${DEPLOYMENT}%zz`] }, message: "Each % must start an escape of two hex digits, and no escape may spell a slash (%2F)." },
    { name: "empty api-version", given: { subscription: [SUBSCRIPTION], apiVersion: "" }, message: '--api-version "" is not an api-version; expected a date such as 2025-06-01' },
    { name: "api-version not a date", given: { subscription: [SUBSCRIPTION], apiVersion: "latest" }, message: '--api-version "latest" is not an api-version' },
    { name: "api-version month 13", given: { subscription: [SUBSCRIPTION], apiVersion: "2025-13-01" }, message: '--api-version "2025-13-01" is not an api-version' },
    { name: "empty resource group", given: { subscription: [SUBSCRIPTION], resourceGroup: "" }, message: "--resource-group is empty" },
    { name: "blank workspace", given: { subscription: [SUBSCRIPTION], resourceGroup: "rg", workspace: " " }, message: "--workspace is empty" },
    { name: "no scope", given: {}, message: "audit needs a scope" },
  ])("rejects $name", ({ given, message }) => {
    expect(scopeUsageError(options(given))).toContain(message);
  });

  test.each([
    { name: "subscription in upper case", given: { subscription: [SUBSCRIPTION.toUpperCase()] } },
    { name: "preview api-version", given: { subscription: [SUBSCRIPTION], apiVersion: "2025-07-01-preview" } },
    { name: "deployment id", given: { id: [DEPLOYMENT] } },
  ])("accepts $name", ({ given }) => {
    expect(scopeUsageError(options(given))).toBeUndefined();
  });
});

describe("auditScopeOf", () => {
  test("subscriptions once, ignoring case", () => {
    const scope = auditScopeOf(options({ subscription: [SUBSCRIPTION, SUBSCRIPTION.toUpperCase(), SUBSCRIPTION] }));

    expect(scope.subscriptions).toEqual([SUBSCRIPTION]);
  });

  test("deployment ids once, ignoring case", () => {
    const scope = auditScopeOf(options({ id: [DEPLOYMENT.toUpperCase(), DEPLOYMENT] }));

    expect(scope.deploymentIds).toEqual([DEPLOYMENT.toUpperCase()]);
  });

  test("deployment id without trailing slash", () => {
    const scope = auditScopeOf(options({ id: [`${DEPLOYMENT}/`, DEPLOYMENT] }));

    expect(scope.deploymentIds).toEqual([DEPLOYMENT]);
  });
});

describe("scopeEvidence", () => {
  test("records every option, source and endpoint", () => {
    const scope = auditScopeOf(options({ subscription: [SUBSCRIPTION], resourceGroup: "rg-ml-prod", workspace: "ws", endpoint: "ep", id: [DEPLOYMENT] }));

    expect(scopeEvidence(scope, "arm", new URL("https://management.usgovcloudapi.net"), "2025-06-01")).toEqual({
      subscriptions: [SUBSCRIPTION],
      resourceGroup: "rg-ml-prod",
      workspace: "ws",
      endpoint: "ep",
      deploymentIds: [DEPLOYMENT],
      source: "arm",
      armEndpoint: "https://management.usgovcloudapi.net/",
      apiVersion: "2025-06-01",
    });
  });

  test("ids alone name no subscription", () => {
    const evidence = scopeEvidence(auditScopeOf(options({ id: [DEPLOYMENT] })), "arm", new URL("https://management.azure.com"), "2025-06-01");

    expect(evidence.subscriptions).toBeUndefined();
    expect(evidence.deploymentIds).toEqual([DEPLOYMENT]);
  });
});

describe("uniqueResults", () => {
  test("same id in another case is one result", () => {
    const { results: unique } = uniqueResults([result(DEPLOYMENT, "evaluated"), result(DEPLOYMENT.toUpperCase(), "evaluated")]);

    expect(unique).toHaveLength(1);
    expect(unique[0].resource.id).toBe(DEPLOYMENT);
  });

  test("percent-encoded id is one result", () => {
    const { results: unique } = uniqueResults([result(DEPLOYMENT, "evaluated"), result(DEPLOYMENT.replace(/blue$/, "bl%75e"), "not-evaluated")]);

    expect(unique.map((entry) => [entry.resource.id, entry.status])).toEqual([[DEPLOYMENT, "evaluated"]]);
  });

  test("evaluated read replaces a failed one", () => {
    const { results: unique } = uniqueResults([result(DEPLOYMENT, "not-evaluated"), result(DEPLOYMENT, "evaluated")]);

    expect(unique.map((entry) => entry.status)).toEqual(["evaluated"]);
  });

  test("two reads keep every rule of both", () => {
    const resource = { id: DEPLOYMENT, name: "blue", source: "arm" } as const;
    const finding = { ruleId: "request-timeout", severity: "high", enforcementLevel: "mandatory", kind: "violation", resource, path: "p", actual: "PT5M", actualIsDefault: false, limit: "PT1M", message: "m" } as const;
    const first: ResourceResult = { ...result(DEPLOYMENT, "evaluated"), findings: [finding], rules: [{ ruleId: "request-timeout", outcome: "failed" }] };
    const second: ResourceResult = { ...result(DEPLOYMENT, "evaluated"), rules: [{ ruleId: "request-timeout", outcome: "passed" }, { ruleId: "probe-period", outcome: "passed" }] };

    const { results, conflicts } = uniqueResults([first, second]);

    expect(results[0].rules).toEqual([{ ruleId: "request-timeout", outcome: "failed" }, { ruleId: "probe-period", outcome: "passed" }]);
    expect(results[0].findings).toEqual([finding]);
    expect(conflicts).toHaveLength(1);
  });

  test("results without an id are all unique", () => {
    expect(uniqueResults([result(undefined, "not-evaluated"), result(undefined, "not-evaluated")]).results).toHaveLength(2);
  });
});
