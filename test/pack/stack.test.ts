import { PULUMI_UNKNOWN_VALUES } from "../../src/sources/pulumi-inputs";
import { DEPLOYMENT_TYPE, type EngineResource, type PackHarness, secret, startPack } from "../support/pack-harness";

const WORKSPACE_TYPE = "azure-native:machinelearningservices:Workspace";

function deployment(name: string, body: Record<string, unknown> = {}): EngineResource {
  return {
    type: DEPLOYMENT_TYPE,
    name,
    props: {
      resourceGroupName: "RG-Scoring",
      workspaceName: "mlw-fraud",
      endpointName: "fraud",
      deploymentName: name,
      sku: { capacity: 3 },
      properties: { endpointComputeType: "Managed", instanceType: "Standard_DS3_v2", requestSettings: { requestTimeout: "PT30S" }, ...body },
    },
  };
}

function workspace(isolationMode: string): EngineResource {
  return { type: WORKSPACE_TYPE, name: "ws", props: { resourceGroupName: "rg-scoring", workspaceName: "MLW-FRAUD", managedNetwork: { isolationMode } } };
}

function autoscale(targetResourceUri: string, maximum: string): EngineResource {
  return {
    type: "azure-native:insights:AutoscaleSetting",
    name: "scale",
    props: { enabled: true, targetResourceUri, profiles: [{ name: "day", capacity: { minimum: "2", maximum, default: "3" } }] },
  };
}

const TARGET = "/subscriptions/0000/resourceGroups/rg-scoring/providers/Microsoft.MachineLearningServices/workspaces/mlw-fraud/onlineEndpoints/FRAUD/deployments/blue";

function policyDiagnostics<T extends { policyName: string }>(diagnostics: T[], policyName: string): T[] {
  return diagnostics.filter((diagnostic) => diagnostic.policyName === policyName);
}

describe("stack check in preview", () => {
  let pack: PackHarness;

  beforeAll(async () => {
    pack = await startPack();
  });

  afterAll(async () => {
    await pack.stop();
  });

  test("setting paired by id path", async () => {
    const { diagnostics } = await pack.analyzeStack([deployment("blue"), autoscale(TARGET, "30")]);

    expect(policyDiagnostics(diagnostics, "scale-instance-bounds")).toHaveLength(1);
  });

  test("finding names its setting", async () => {
    const { diagnostics } = await pack.analyzeStack([deployment("blue"), autoscale(TARGET, "30")]);

    expect(policyDiagnostics(diagnostics, "scale-instance-bounds")[0]?.message).toContain("scale:profiles[0].capacity.maximum");
  });

  test("secret setting capacity stays out of messages", async () => {
    const setting = autoscale(TARGET, "30");
    const secretProfiles = { ...setting, props: { ...setting.props, profiles: [{ name: "day", capacity: { minimum: "2", maximum: secret("31"), default: "3" } }] } };

    const { diagnostics } = await pack.analyzeStack([deployment("blue"), secretProfiles]);

    const bounds = policyDiagnostics(diagnostics, "scale-instance-bounds");
    expect(bounds).toHaveLength(1);
    expect(bounds[0].message).not.toContain("31");
  });

  test("setting for another deployment ignored", async () => {
    const { diagnostics } = await pack.analyzeStack([deployment("green"), autoscale(TARGET, "30")]);

    expect(policyDiagnostics(diagnostics, "scale-instance-bounds")).toEqual([]);
  });

  test("approved-outbound workspace excuses egress", async () => {
    const { diagnostics } = await pack.analyzeStack([deployment("blue"), workspace("AllowOnlyApprovedOutbound")]);

    expect(policyDiagnostics(diagnostics, "egress-public-network-access")).toEqual([]);
  });

  test("internet-outbound workspace keeps egress mandatory", async () => {
    const { diagnostics } = await pack.analyzeStack([deployment("blue"), workspace("AllowInternetOutbound")]);

    const egress = policyDiagnostics(diagnostics, "egress-public-network-access");
    expect(egress).toHaveLength(1);
    expect(egress[0]).toEqual(expect.objectContaining({ enforcementLevel: "mandatory" }));
  });

  test("internet-outbound workspace fails Disabled", async () => {
    const { diagnostics } = await pack.analyzeStack([deployment("blue", { egressPublicNetworkAccess: "Disabled" }), workspace("AllowInternetOutbound")]);

    const egress = policyDiagnostics(diagnostics, "egress-public-network-access");
    expect(egress).toEqual([expect.objectContaining({ enforcementLevel: "mandatory", message: expect.stringContaining("isolation mode AllowInternetOutbound") })]);
  });

  test("workspace without managed network passes Disabled", async () => {
    const { diagnostics } = await pack.analyzeStack([deployment("blue", { egressPublicNetworkAccess: "Disabled" }), workspace("Disabled")]);

    expect(policyDiagnostics(diagnostics, "egress-public-network-access")).toEqual([]);
  });

  test.each([
    ["approved first", ["AllowOnlyApprovedOutbound", "Disabled"]],
    ["approved second", ["Disabled", "AllowOnlyApprovedOutbound"]],
  ])("dependency picks among namesakes (%s)", async (_order, modes) => {
    const namesakes = modes.map((mode, index) => ({ ...workspace(mode), name: `ws-${index}` }));
    const source = namesakes[modes.indexOf("Disabled")];
    const blue = { ...deployment("blue"), propertyDependencies: { workspaceName: [pack.urnOf(source)] } };

    const { diagnostics } = await pack.analyzeStack([...namesakes, blue]);

    expect(policyDiagnostics(diagnostics, "egress-public-network-access")).toEqual([expect.objectContaining({ enforcementLevel: "mandatory" })]);
  });

  test("disagreeing namesakes make mode invalid", async () => {
    const namesakes = ["AllowOnlyApprovedOutbound", "Disabled"].map((mode, index) => ({ ...workspace(mode), name: `ws-${index}` }));

    const { diagnostics } = await pack.analyzeStack([...namesakes, deployment("blue")]);

    expect(policyDiagnostics(diagnostics, "egress-public-network-access")).toContainEqual(
      expect.objectContaining({ enforcementLevel: "mandatory", message: expect.stringContaining("isolation modes differ") }),
    );
  });

  test.each([
    ["without a managed network", [{}, {}]],
    ["absent and Disabled", [{}, { managedNetwork: { isolationMode: "Disabled" } }]],
  ])("agreeing namesakes (%s) pass Disabled", async (_case, bodies) => {
    const namesakes = bodies.map((body, index) => ({ ...workspace("Disabled"), name: `ws-${index}`, props: { resourceGroupName: "rg-scoring", workspaceName: "MLW-FRAUD", ...body } }));

    const { diagnostics } = await pack.analyzeStack([...namesakes, deployment("blue", { egressPublicNetworkAccess: "Disabled" })]);

    expect(policyDiagnostics(diagnostics, "egress-public-network-access")).toEqual([]);
  });

  test("namesakes of unknown mode: unverified", async () => {
    const namesakes = [0, 1].map((index) => ({ ...workspace(PULUMI_UNKNOWN_VALUES.string), name: `ws-${index}` }));

    const { diagnostics } = await pack.analyzeStack([...namesakes, deployment("blue", { egressPublicNetworkAccess: "Disabled" })]);

    expect(policyDiagnostics(diagnostics, "egress-public-network-access")).toEqual([
      expect.objectContaining({ enforcementLevel: "advisory", message: expect.stringContaining("cannot be verified until the value is known") }),
    ]);
  });

  test("dependency with other name: name match", async () => {
    const approved = { ...workspace("AllowOnlyApprovedOutbound"), name: "ws-a", props: { resourceGroupName: "rg-scoring", workspaceName: "mlw-a", managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound" } } };
    const plain = { ...workspace("Disabled"), name: "ws-b" };
    const blue = { ...deployment("blue"), propertyDependencies: { workspaceName: [pack.urnOf(approved)] } };

    const { diagnostics } = await pack.analyzeStack([approved, plain, blue]);

    expect(policyDiagnostics(diagnostics, "egress-public-network-access")).toEqual([expect.objectContaining({ enforcementLevel: "mandatory" })]);
  });

  test("unknown names: unverified", async () => {
    const open = { ...workspace("AllowInternetOutbound"), props: { resourceGroupName: "rg-scoring", workspaceName: PULUMI_UNKNOWN_VALUES.string, managedNetwork: { isolationMode: "AllowInternetOutbound" } } };
    const blue = deployment("blue", { egressPublicNetworkAccess: "Disabled" });
    const unnamed = { ...blue, props: { ...blue.props, workspaceName: PULUMI_UNKNOWN_VALUES.string } };

    const { diagnostics } = await pack.analyzeStack([open, unnamed]);

    expect(policyDiagnostics(diagnostics, "egress-public-network-access")).toEqual([
      expect.objectContaining({ enforcementLevel: "advisory", message: expect.stringContaining("not known until the workspace names are") }),
    ]);
  });

  test.each([
    ["both", [PULUMI_UNKNOWN_VALUES.string, PULUMI_UNKNOWN_VALUES.string]],
    ["the workspace's", ["rg-scoring", PULUMI_UNKNOWN_VALUES.string]],
  ])("unknown resource group (%s): unverified", async (_which, [deploymentGroup, workspaceGroup]) => {
    const open = { ...workspace("AllowInternetOutbound"), props: { resourceGroupName: workspaceGroup, workspaceName: "mlw-fraud", managedNetwork: { isolationMode: "AllowInternetOutbound" } } };
    const blue = deployment("blue", { egressPublicNetworkAccess: "Disabled" });
    const grouped = { ...blue, props: { ...blue.props, resourceGroupName: deploymentGroup } };

    const { diagnostics } = await pack.analyzeStack([open, grouped]);

    expect(policyDiagnostics(diagnostics, "egress-public-network-access")).toEqual([expect.objectContaining({ enforcementLevel: "advisory" })]);
  });

  test("namesake and unnamed workspace: unknown", async () => {
    const named = { ...workspace("AllowOnlyApprovedOutbound"), name: "ws-a" };
    const unnamed = { ...workspace("AllowInternetOutbound"), name: "ws-b", props: { resourceGroupName: "rg-scoring", workspaceName: PULUMI_UNKNOWN_VALUES.string, managedNetwork: { isolationMode: "AllowInternetOutbound" } } };

    const { diagnostics } = await pack.analyzeStack([named, unnamed, deployment("blue", { egressPublicNetworkAccess: "Disabled" })]);

    expect(policyDiagnostics(diagnostics, "egress-public-network-access")).toEqual([expect.objectContaining({ enforcementLevel: "advisory" })]);
  });

  test("secret flag stays out of the isolation finding", async () => {
    const { diagnostics } = await pack.analyzeStack([workspace("AllowInternetOutbound"), deployment("blue", { egressPublicNetworkAccess: secret("Disabled") })]);

    const egress = policyDiagnostics(diagnostics, "egress-public-network-access");
    expect(egress).toHaveLength(1);
    expect(egress[0].message).not.toContain("Disabled");
  });

  test("dependency in another resource group does not excuse", async () => {
    const elsewhere = { ...workspace("AllowOnlyApprovedOutbound"), props: { resourceGroupName: "rg-other", workspaceName: "mlw-fraud", managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound" } } };
    const blue = { ...deployment("blue", { egressPublicNetworkAccess: "Enabled" }), propertyDependencies: { workspaceName: [pack.urnOf(elsewhere)] } };

    const { diagnostics } = await pack.analyzeStack([elsewhere, blue]);

    expect(policyDiagnostics(diagnostics, "egress-public-network-access")).toEqual([expect.objectContaining({ enforcementLevel: "mandatory" })]);
  });

  test("Enabled with unknown mode: unverified", async () => {
    const unknownMode = workspace(PULUMI_UNKNOWN_VALUES.string);

    const { diagnostics } = await pack.analyzeStack([unknownMode, deployment("blue", { egressPublicNetworkAccess: "Enabled" })]);

    expect(policyDiagnostics(diagnostics, "egress-public-network-access")).toEqual([expect.objectContaining({ enforcementLevel: "advisory" })]);
  });

  test.each([
    ["without dependencies", []],
    ["built from the endpoint", [{ type: "azure-native:machinelearningservices:OnlineEndpoint", name: "fraud", props: { endpointName: "fraud" } }]],
  ])("unknown target %s: unverified", async (_case, sources: EngineResource[]) => {
    const setting = { ...autoscale(PULUMI_UNKNOWN_VALUES.string, "30"), propertyDependencies: { targetResourceUri: sources.map((source) => pack.urnOf(source)) } };

    const { diagnostics } = await pack.analyzeStack([...sources, deployment("blue"), setting]);

    expect(policyDiagnostics(diagnostics, "scale-instance-bounds")).toEqual([
      expect.objectContaining({ enforcementLevel: "advisory", message: expect.stringContaining("may target this deployment") }),
    ]);
  });

  test("known target, unknown deployment names: unverified", async () => {
    const blue = deployment("blue");
    const unnamed = { ...blue, props: { ...blue.props, workspaceName: PULUMI_UNKNOWN_VALUES.string } };

    const { diagnostics } = await pack.analyzeStack([unnamed, autoscale(TARGET, "30")]);

    expect(policyDiagnostics(diagnostics, "scale-instance-bounds")).toEqual([expect.objectContaining({ enforcementLevel: "advisory" })]);
  });

  test("unknown target built from a scale set: ignored", async () => {
    const scaleSet: EngineResource = { type: "azure-native:compute:VirtualMachineScaleSet", name: "vmss", props: { vmScaleSetName: "vmss" } };
    const setting = { ...autoscale(PULUMI_UNKNOWN_VALUES.string, "30"), propertyDependencies: { targetResourceUri: [pack.urnOf(scaleSet)] } };

    const { diagnostics } = await pack.analyzeStack([scaleSet, deployment("blue"), setting]);

    expect(policyDiagnostics(diagnostics, "scale-instance-bounds")).toEqual([]);
  });

  test("unknown enabled flag: unverified", async () => {
    const setting = autoscale(TARGET, "30");
    const maybeEnabled = { ...setting, props: { ...setting.props, enabled: PULUMI_UNKNOWN_VALUES.boolean } };

    const { diagnostics } = await pack.analyzeStack([deployment("blue"), maybeEnabled]);

    expect(policyDiagnostics(diagnostics, "scale-instance-bounds")).toEqual([
      expect.objectContaining({ enforcementLevel: "advisory", message: expect.stringContaining("enabled flag is not known yet") }),
    ]);
  });

  test("known violation not repeated", async () => {
    const { diagnostics } = await pack.analyzeStack([deployment("blue", { requestSettings: { requestTimeout: "PT5M" } })]);

    expect(policyDiagnostics(diagnostics, "request-timeout")).toEqual([]);
  });
});

describe("stack check after apply", () => {
  let pack: PackHarness;

  beforeAll(async () => {
    pack = await startPack({ dryRun: false });
  });

  afterAll(async () => {
    await pack.stop();
  });

  test("outputs are judged again", async () => {
    const { diagnostics } = await pack.analyzeStack([deployment("blue", { requestSettings: { requestTimeout: "PT5M" } })]);

    const timeout = policyDiagnostics(diagnostics, "request-timeout");
    expect(timeout).toHaveLength(1);
    expect(timeout[0]).toEqual(expect.objectContaining({ enforcementLevel: "mandatory" }));
  });

  test("disagreeing namesakes fail after apply", async () => {
    const namesakes = ["AllowInternetOutbound", "Disabled"].map((mode, index) => ({ ...workspace(mode), name: `ws-${index}` }));

    const { diagnostics } = await pack.analyzeStack([...namesakes, deployment("blue", { egressPublicNetworkAccess: "Disabled" })]);

    expect(policyDiagnostics(diagnostics, "egress-public-network-access")).toEqual([
      expect.objectContaining({ enforcementLevel: "mandatory", message: expect.stringContaining("isolation modes differ") }),
    ]);
  });

  test("outputs without path names pair by the inputs Analyze saw", async () => {
    const inputs = deployment("blue");
    const { resourceGroupName: _group, workspaceName: _workspace, endpointName: _endpoint, deploymentName, ...kept } = inputs.props;
    const outputs = { ...inputs, props: { ...kept, name: deploymentName } };

    const before = await pack.analyzeStack([outputs, autoscale(TARGET, "30")]);
    await pack.analyze(inputs);
    const after = await pack.analyzeStack([outputs, autoscale(TARGET, "30")]);

    expect(policyDiagnostics(before.diagnostics, "scale-instance-bounds")).toEqual([]);
    expect(policyDiagnostics(after.diagnostics, "scale-instance-bounds")).toEqual([expect.objectContaining({ enforcementLevel: "mandatory" })]);
  });

  test.each([
    ["AllowInternetOutbound", "Disabled", "mandatory"],
    ["AllowOnlyApprovedOutbound", "Enabled", undefined],
  ])("workspace outputs in %s with %s egress", async (isolationMode, egress, expected) => {
    const inputs = deployment("green", { egressPublicNetworkAccess: egress });
    const { resourceGroupName: _group, workspaceName: _workspace, endpointName: _endpoint, deploymentName, ...kept } = inputs.props;
    const outputs = { ...inputs, props: { ...kept, name: deploymentName } };
    const workspaceOutputs = { ...workspace(isolationMode), props: { name: "mlw-fraud", managedNetwork: { isolationMode } } };

    await pack.analyze(inputs);
    const { diagnostics } = await pack.analyzeStack([workspaceOutputs, outputs]);

    const egressFindings = policyDiagnostics(diagnostics, "egress-public-network-access");
    expect(egressFindings.map((diagnostic) => diagnostic.enforcementLevel)).toEqual(expected === undefined ? [] : [expected]);
  });

  test("unknown outputs are not reported twice", async () => {
    const { diagnostics } = await pack.analyzeStack([deployment("blue", { requestSettings: { requestTimeout: PULUMI_UNKNOWN_VALUES.string } })]);

    expect(policyDiagnostics(diagnostics, "request-timeout")).toEqual([]);
  });
});
