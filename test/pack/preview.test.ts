import { isStackPolicy } from "../../bench/responses";
import { PULUMI_UNKNOWN_VALUES } from "../../src/sources/pulumi-inputs";
import { DEPLOYMENT_TYPE, type PackHarness, secret, startPack } from "../support/pack-harness";

const UNKNOWN_STRING = PULUMI_UNKNOWN_VALUES.string;
const UNKNOWN_NUMBER = PULUMI_UNKNOWN_VALUES.number;

function managedProps(requestTimeout: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceGroupName: "rg",
    workspaceName: "ws",
    endpointName: "ep",
    sku: { name: "Default", capacity: 3 },
    properties: { endpointComputeType: "Managed", instanceType: "Standard_DS3_v2", egressPublicNetworkAccess: "Disabled", requestSettings: { requestTimeout }, ...extra },
  };
}

/** Names of the pack's resource policies, which Analyze runs on every resource: all but the stack-only ones. */
function resourcePolicyNames(pack: PackHarness): string[] {
  return pack.policies.filter((policy) => !isStackPolicy(policy)).map((policy) => policy.name).sort();
}

describe("pack in preview", () => {
  let pack: PackHarness;

  beforeAll(async () => {
    pack = await startPack();
  });

  afterAll(async () => {
    await pack.stop();
  });

  test("violation stays mandatory beside unknown field", async () => {
    const props = managedProps("PT5M", { readinessProbe: { failureThreshold: UNKNOWN_NUMBER } });

    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "blue", props });

    const timeout = diagnostics.filter((diagnostic) => diagnostic.policyName === "request-timeout");
    expect(timeout).toEqual([expect.objectContaining({ enforcementLevel: "mandatory" })]);
    expect(timeout[0].message).toContain("PT5M");
  });

  test("unknown field gives one advisory", async () => {
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "blue", props: managedProps(UNKNOWN_STRING) });

    const timeout = diagnostics.filter((diagnostic) => diagnostic.policyName === "request-timeout");
    expect(timeout).toHaveLength(1);
    expect(timeout[0].enforcementLevel).toBe("advisory");
    expect(timeout[0].message).toContain("properties.requestSettings.requestTimeout");
    expect(timeout[0].message).toContain("cannot be verified until the value is known");
  });

  test("unknown body gives one advisory per rule", async () => {
    const props = { ...managedProps("PT30S"), properties: PULUMI_UNKNOWN_VALUES.object };

    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "blue", props });

    const policies = diagnostics.map((diagnostic) => diagnostic.policyName);
    expect(new Set(policies).size).toBe(policies.length);
    expect(diagnostics.filter((diagnostic) => diagnostic.enforcementLevel !== "advisory")).toEqual([]);
    expect(diagnostics.find((diagnostic) => diagnostic.policyName === "request-timeout")?.message).toContain("properties.endpointComputeType");
  });

  test.each([
    "azure-native:machinelearningservices:OnlineDeployment",
    "azure-native:machinelearningservices/v20230401:OnlineDeployment",
    "azure-native:machinelearningservices/v20241001preview:OnlineDeployment",
    "azure-native_machinelearningservices_v20250601:machinelearningservices:OnlineDeployment",
    "azure-native_machinelearningservices_v20250601:machinelearningservices/v20250601:OnlineDeployment",
  ])("token %s is matched", async (type) => {
    const { diagnostics, notApplicable } = await pack.analyze({ type, name: "blue", props: managedProps("PT5M") });

    expect(diagnostics.map((diagnostic) => diagnostic.policyName)).toContain("request-timeout");
    expect(notApplicable.map((entry) => entry.policyName)).not.toContain("request-timeout");
  });

  test("v2 body is read from onlineDeploymentProperties", async () => {
    const { properties, ...rest } = managedProps("PT5M");

    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "blue", props: { ...rest, onlineDeploymentProperties: properties } });

    const timeout = diagnostics.find((diagnostic) => diagnostic.policyName === "request-timeout");
    expect(timeout?.message).toContain("onlineDeploymentProperties.requestSettings.requestTimeout");
  });

  test("both bodies fail every rule", async () => {
    const { properties, ...rest } = managedProps("PT30S");
    const violating = { ...(managedProps("PT5M").properties as Record<string, unknown>), egressPublicNetworkAccess: "Enabled" };

    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "blue", props: { ...rest, properties, onlineDeploymentProperties: violating } });

    const policies = diagnostics.map((diagnostic) => diagnostic.policyName);
    expect(policies).toContain("request-timeout");
    expect(policies).toContain("egress-public-network-access");
    const timeout = diagnostics.find((diagnostic) => diagnostic.policyName === "request-timeout");
    expect(timeout?.enforcementLevel).toBe("mandatory");
    expect(timeout?.message).toContain("sets both properties, the body that azure-native v3 deploys, and onlineDeploymentProperties");
    expect(timeout?.message).toContain("Remove the body that your azure-native version does not deploy");
  });

  test("other types are not applicable", async () => {
    const result = await pack.analyze({ type: "azure-native:machinelearningservices:Workspace", name: "ws", props: { workspaceName: "ws" } });

    expect(result.diagnostics).toEqual([]);
    expect(result.notApplicable).toContainEqual({
      policyName: "request-timeout",
      reason: `Policy only applies to resources of type '${DEPLOYMENT_TYPE}'`,
    });
    expect(result.notApplicable.map((entry) => entry.policyName).sort()).toEqual(resourcePolicyNames(pack));
  });

  test.each([
    ["Managed", DEPLOYMENT_TYPE, "container-resources", "Kubernetes"],
    ["Kubernetes", "azure-native:machinelearningservices/v20230401:OnlineDeployment", "egress-public-network-access", "Managed"],
  ])("%s deployment skips rules of other compute", async (computeType, type, skipped, judged) => {
    const props = { ...managedProps("PT30S"), properties: { endpointComputeType: computeType, instanceType: "Standard_DS3_v2" } };

    const { notApplicable } = await pack.analyze({ type, name: "blue", props });

    expect(notApplicable).toEqual([
      { policyName: skipped, reason: `Policy only applies to resources of type '${DEPLOYMENT_TYPE} with endpointComputeType ${judged}'` },
    ]);
  });

  test("unreadable properties error names policy", async () => {
    const props = managedProps("PT30S", { blob: { "4dabf18193072939515e22adb298388d": "not-a-signature" } });

    const analyzed = pack.analyze({ type: DEPLOYMENT_TYPE, name: "blue", props });

    await expect(analyzed).rejects.toThrow(/Error validating resource with policy '[a-z-]+' from policy pack 'amlguard@v/);
  });

  test("unknown compute type skips no rule", async () => {
    const props = managedProps("PT30S", { endpointComputeType: UNKNOWN_STRING });

    const { diagnostics, notApplicable } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "blue", props });

    expect(notApplicable).toEqual([]);
    expect(diagnostics.map((diagnostic) => diagnostic.policyName)).toContain("container-resources");
  });

  test("secret value stays out of messages", async () => {
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "blue", props: managedProps(secret("PT7M")) });

    const timeout = diagnostics.find((diagnostic) => diagnostic.policyName === "request-timeout");
    expect(timeout?.enforcementLevel).toBe("mandatory");
    for (const diagnostic of diagnostics) {
      expect(diagnostic.message).not.toMatch(/PT7M|PT420S|420/);
    }
  });

  test.each([
    ["probe period", managedProps("PT30S", { livenessProbe: { period: secret("PT7S"), timeout: "PT8S" } }), "probe-timeout", /PT7S|7 s/],
    [
      "container limit",
      { ...managedProps("PT30S"), properties: { endpointComputeType: "Kubernetes", containerResourceRequirements: { containerResourceRequests: { cpu: "7" }, containerResourceLimits: { cpu: secret("3.777") } } } },
      "container-resources",
      /3\.777/,
    ],
    ["maximum instances", managedProps("PT30S", { scaleSettings: { scaleType: "TargetUtilization", minInstances: 9, maxInstances: secret(7) } }), "scale-instance-bounds", /count of 7|\b7\b/],
  ])("secret %s stays out of other findings", async (_name, props, policyName, secretValue) => {
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "blue", props });

    const judged = diagnostics.filter((diagnostic) => diagnostic.policyName === policyName);
    expect(judged.length).toBeGreaterThan(0);
    for (const diagnostic of judged) {
      expect(diagnostic.message).not.toMatch(secretValue);
    }
  });

  test("value under a miscased key is shown", async () => {
    const props = managedProps(undefined, { requestSettings: { RequestTimeout: "PT7M" } });

    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "blue", props });

    const timeout = diagnostics.find((diagnostic) => diagnostic.policyName === "request-timeout");
    expect(timeout?.message).toContain('properties.requestSettings.RequestTimeout ("PT7M") differs from requestTimeout only in case');
  });

  test.each([
    ["a miscased key", { requestSettings: { RequestTimeout: secret("PT7M") } }],
    ["a parent that is not an object", { requestSettings: secret("PT7M") }],
  ])("secret under %s stays out of messages", async (_name, extra) => {
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "blue", props: managedProps(undefined, extra) });

    expect(diagnostics.map((diagnostic) => diagnostic.policyName)).toContain("request-timeout");
    for (const diagnostic of diagnostics) {
      expect(diagnostic.message).not.toContain("PT7M");
    }
  });

  test("stack check reports autoscale bounds", async () => {
    const deployment = { type: DEPLOYMENT_TYPE, name: "blue", props: managedProps("PT30S") };
    const deploymentUrn = pack.urnOf(deployment);
    const setting = {
      type: "azure-native:monitor:AutoscaleSetting",
      name: "blue-autoscale",
      props: { enabled: true, targetResourceUri: UNKNOWN_STRING, profiles: [{ name: "day", capacity: { minimum: "2", maximum: "30", default: "3" }, rules: [] }] },
      propertyDependencies: { targetResourceUri: [deploymentUrn] },
    };

    const { diagnostics } = await pack.analyzeStack([deployment, setting]);

    const bounds = diagnostics.filter((diagnostic) => diagnostic.policyName === "scale-instance-bounds");
    expect(bounds).toHaveLength(1);
    expect(bounds[0].urn).toBe(deploymentUrn);
    expect(bounds[0].enforcementLevel).toBe("mandatory");
    expect(bounds[0].message).toContain("profiles[0].capacity.maximum");
  });

  test("stack check reports core budget", async () => {
    const big = { type: DEPLOYMENT_TYPE, name: "big", props: { ...managedProps("PT30S"), sku: { capacity: 30 } } };

    const { diagnostics } = await pack.analyzeStack([big]);

    const quota = diagnostics.filter((diagnostic) => diagnostic.policyName === "quota-core-budget");
    expect(quota).toHaveLength(1);
    expect(quota[0].enforcementLevel).toBe("mandatory");
    expect(quota[0].message).toContain("reserve 144 vCPU cores");
  });

  test("secret deployment name stays out of the core budget", async () => {
    const big = { type: DEPLOYMENT_TYPE, name: "big", props: { ...managedProps("PT30S"), deploymentName: secret("topsecret-name"), sku: { capacity: 30 } } };

    const { diagnostics } = await pack.analyzeStack([big]);

    const quota = diagnostics.filter((diagnostic) => diagnostic.policyName === "quota-core-budget");
    expect(quota).toHaveLength(1);
    expect(quota[0].message).not.toContain("topsecret-name");
  });

  test("unlisted instance type is reported", async () => {
    const odd = { type: DEPLOYMENT_TYPE, name: "odd", props: managedProps("PT30S", { instanceType: "Standard_X9_v9" }) };

    const { diagnostics } = await pack.analyzeStack([odd]);

    const quota = diagnostics.filter((diagnostic) => diagnostic.policyName === "quota-core-budget");
    expect(quota).toEqual([expect.objectContaining({ enforcementLevel: "mandatory", urn: pack.urnOf(odd) })]);
    expect(quota[0].message).toContain("Standard_X9_v9 is not in amlguard's table");
  });
});
