import { runStackRule } from "../../src/engine/evaluate-stack";
import type { OnlineDeployment } from "../../src/model/deployment";
import { coresOf, reservedCores } from "../../src/model/instance-types";
import { quotaCoreBudget } from "../../src/rules/stack/quota-core-budget";
import type { StackRule } from "../../src/rules/stack/stack-rule";
import { PULUMI_UNKNOWN_VALUES, readPulumiDeployment } from "../../src/sources/pulumi-inputs";
import { type PulumiStackResource, readStackDeployments } from "../../src/sources/pulumi-stack";
import { isAutoscaleSettingType, isOnlineDeploymentType, isWorkspaceType } from "../../src/sources/pulumi-types";
import type { SourceItem } from "../../src/sources/source-item";

const DEPLOYMENT_TYPE = "azure-native:machinelearningservices:OnlineDeployment";

function deploymentResource(name: string, capacity: unknown, instanceType: unknown = "Standard_DS3_v2"): PulumiStackResource {
  return {
    type: DEPLOYMENT_TYPE,
    name,
    urn: `urn:pulumi:dev::p::${DEPLOYMENT_TYPE}::${name}`,
    props: { sku: { capacity }, properties: { endpointComputeType: "Managed", instanceType } },
    propertyDependencies: {},
  };
}

function settingFor(target: PulumiStackResource, props: Record<string, unknown>): PulumiStackResource {
  return {
    type: "azure-native:monitor:AutoscaleSetting",
    name: "scale",
    urn: "urn:pulumi:dev::p::azure-native:monitor:AutoscaleSetting::scale",
    props,
    propertyDependencies: { targetResourceUri: [target.urn] },
  };
}

function deploymentOf(item: SourceItem): OnlineDeployment {
  if (item.kind !== "deployment") {
    throw new Error(`expected a deployment, got not evaluated: ${item.reason}`);
  }
  return item.deployment;
}

function deploymentsOf(resources: readonly PulumiStackResource[]): OnlineDeployment[] {
  return readStackDeployments(resources).flatMap((item) => (item.kind === "deployment" ? [item.deployment] : []));
}

function quotaFindings(deployments: readonly OnlineDeployment[], maxCores: number) {
  const limits = quotaCoreBudget.limits.parse({ maxCores });
  return runStackRule(quotaCoreBudget as unknown as StackRule, deployments, limits, "mandatory", { name: "stack dev", source: "pulumi" });
}

describe("type tokens", () => {
  test.each([
    ["azure-native:machinelearningservices:OnlineDeployment", true],
    ["azure-native:machinelearningservices/v20210301preview:OnlineDeployment", true],
    ["azure-native:machinelearningservices/v20250601privatepreview:OnlineDeployment", true],
    ["azure-native_machinelearningservices_v20250601:machinelearningservices:OnlineDeployment", true],
    ["azure-native:machinelearningservices:BatchDeployment", false],
    ["azure-native:machinelearningservices/2025-06-01:OnlineDeployment", false],
    ["azure-native:machinelearningservices:OnlineDeploymentX", false],
    ["azure:machinelearning:OnlineDeployment", false],
  ])("%s is a deployment: %s", (type, expected) => {
    expect(isOnlineDeploymentType(type)).toBe(expected);
  });

  test.each([
    ["azure-native:monitor:AutoscaleSetting", true],
    ["azure-native:insights:AutoscaleSetting", true],
    ["azure-native:insights/v20221001:AutoscaleSetting", true],
    ["azure-native:machinelearningservices:AutoscaleSetting", false],
  ])("%s is an autoscale setting: %s", (type, expected) => {
    expect(isAutoscaleSettingType(type)).toBe(expected);
  });

  test("workspace token", () => {
    expect(isWorkspaceType("azure-native:machinelearningservices/v20250601:Workspace")).toBe(true);
  });
});

describe("pulumi inputs", () => {
  test("raw unknown sentinel is unknown", () => {
    const item = readPulumiDeployment({ ...deploymentResource("blue", PULUMI_UNKNOWN_VALUES.number) });

    expect(deploymentOf(item).instanceCount.state).toBe("unknown");
  });

  // Every sentinel is recognized, not only the one of the kind a field has, and the check compares lengths first.
  test.each(Object.entries(PULUMI_UNKNOWN_VALUES))("%s sentinel is unknown", (_, sentinel) => {
    const item = readPulumiDeployment({ ...deploymentResource("blue", sentinel) });

    expect(deploymentOf(item).instanceCount.state).toBe("unknown");
  });

  test("ref carries URN and deployment name", () => {
    const resource = deploymentResource("blue", 3);
    const item = readPulumiDeployment({ ...resource, props: { ...resource.props, deploymentName: "blue-azure" } });

    expect(deploymentOf(item).ref).toEqual(
      expect.objectContaining({ urn: resource.urn, name: "blue-azure", source: "pulumi", type: DEPLOYMENT_TYPE }),
    );
  });

  test("AzureMLCompute is not evaluated", () => {
    const resource = deploymentResource("blue", 3);
    const item = readPulumiDeployment({ ...resource, props: { properties: { endpointComputeType: "AzureMLCompute" } } });

    expect(item.kind).toBe("not-evaluated");
  });
});

describe("stack related resources", () => {
  test("capacity strings become counts", () => {
    const blue = deploymentResource("blue", 3);
    const setting = settingFor(blue, { enabled: true, profiles: [{ name: "day", capacity: { minimum: "1", maximum: "7", default: "2" } }] });

    const [deployment] = deploymentsOf([blue, setting]);

    expect(deployment.related?.autoscaleProfiles?.[0].maximum).toEqual({ state: "set", value: 7, path: "scale:profiles[0].capacity.maximum" });
  });

  test.each([
    ["absent", {}],
    ["false", { enabled: false }],
  ])("setting with enabled %s is skipped", (_label, enabled) => {
    const blue = deploymentResource("blue", 3);
    const setting = settingFor(blue, { ...enabled, profiles: [{ name: "day", capacity: { minimum: "1", maximum: "7", default: "2" } }] });

    const [deployment] = deploymentsOf([blue, setting]);

    expect(deployment.related?.autoscaleProfiles).toBeUndefined();
  });

  test("unknown profiles stay unknown", () => {
    const blue = deploymentResource("blue", 3);
    const setting = settingFor(blue, { enabled: true, profiles: PULUMI_UNKNOWN_VALUES.array });

    const [deployment] = deploymentsOf([blue, setting]);

    expect(deployment.related?.autoscaleProfiles?.[0].maximum.state).toBe("unknown");
  });

  test("non-numeric capacity is invalid", () => {
    const blue = deploymentResource("blue", 3);
    const setting = settingFor(blue, { enabled: true, profiles: [{ name: "day", capacity: { minimum: "one", maximum: "7", default: "2" } }] });

    const [deployment] = deploymentsOf([blue, setting]);

    expect(deployment.related?.autoscaleProfiles?.[0].minimum.state).toBe("invalid");
  });
});

describe("instance types", () => {
  test.each([
    [3, 4, 16],
    [5, 4, 24],
    [10, 4, 48],
    [1, 8, 16],
  ])("%i instances of %i cores reserve %i", (instances, cores, expected) => {
    expect(reservedCores(instances, cores)).toBe(expected);
  });

  test("lookup ignores case", () => {
    expect(coresOf("standard_ds3_v2")).toBe(4);
  });

  test("unlisted type has no cores", () => {
    expect(coresOf("Standard_X9_v9")).toBeUndefined();
  });

  test("added type has its cores, matched without regard to case", () => {
    expect(coresOf("standard_x9_v9", { Standard_X9_v9: 12 })).toBe(12);
  });

  test("sizes that differ only in case are rejected", () => {
    const parsed = quotaCoreBudget.limits.safeParse({ coresByInstanceType: { standard_e4s_v3: 1, Standard_E4s_v3: 100 } });

    expect(parsed.success ? [] : parsed.error.issues.map((issue) => issue.message)).toEqual([
      'names the same size as "standard_e4s_v3", because sizes match without regard to case; keep one of them',
    ]);
  });

  test("A100 size is listed", () => {
    expect(coresOf("Standard_NC24ads_A100_v4")).toBe(24);
  });
});

describe("quota-core-budget", () => {
  test("at the budget passes", () => {
    const findings = quotaFindings(deploymentsOf([deploymentResource("blue", 10)]), 48);

    expect(findings).toEqual([]);
  });

  test("one core over fails", () => {
    const findings = quotaFindings(deploymentsOf([deploymentResource("blue", 10)]), 47);

    expect(findings).toEqual([expect.objectContaining({ kind: "violation", actual: 48, limit: 47 })]);
  });

  test("autoscale maximum counts", () => {
    const blue = deploymentResource("blue", 2);
    const setting = settingFor(blue, { enabled: true, profiles: [{ name: "day", capacity: { minimum: "2", maximum: "10", default: "2" } }] });

    const findings = quotaFindings(deploymentsOf([blue, setting]), 47);

    expect(findings).toEqual([expect.objectContaining({ actual: 48 })]);
  });

  test("unknown capacity is unverified", () => {
    const findings = quotaFindings(deploymentsOf([deploymentResource("blue", PULUMI_UNKNOWN_VALUES.number)]), 47);

    expect(findings).toEqual([expect.objectContaining({ kind: "unknown", enforcementLevel: "advisory", path: "sku.capacity" })]);
  });

  test("kubernetes deployment not counted", () => {
    const kubernetes = deploymentResource("k8s", 50);
    const resource = { ...kubernetes, props: { sku: { capacity: 50 }, properties: { endpointComputeType: "Kubernetes" } } };

    const findings = quotaFindings(deploymentsOf([resource]), 1);

    expect(findings).toEqual([]);
  });

  test("unlisted type is reported", () => {
    const findings = quotaFindings(deploymentsOf([deploymentResource("blue", 1, "Standard_X9_v9")]), 100);

    expect(findings).toEqual([expect.objectContaining({ kind: "invalid", path: "properties.instanceType", actual: "Standard_X9_v9" })]);
  });
});
