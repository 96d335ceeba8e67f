import { PULUMI_UNKNOWN_VALUES } from "../../src/sources/pulumi-inputs";
import { DEPLOYMENT_TYPE, EngineConfigError, type PackHarness, secret, startPack } from "../support/pack-harness";

function deployment(bodyKey: string, body: Record<string, unknown>) {
  return {
    type: DEPLOYMENT_TYPE,
    name: "blue",
    props: { resourceGroupName: "rg", workspaceName: "ws", endpointName: "ep", sku: { capacity: 3 }, [bodyKey]: { endpointComputeType: "Managed", ...body } },
  };
}

async function withPack<T>(config: Record<string, unknown>, run: (pack: PackHarness) => Promise<T>): Promise<T> {
  const pack = await startPack({ config });
  try {
    return await run(pack);
  } finally {
    await pack.stop();
  }
}

describe("pack config", () => {
  test("coresByInstanceType counts a size the table lacks", async () => {
    const config = { "quota-core-budget": { maxCores: 20, coresByInstanceType: { Standard_E4s_v3: 4 } } };
    const resource = { ...deployment("properties", { instanceType: "standard_e4s_v3" }), props: { ...deployment("properties", { instanceType: "standard_e4s_v3" }).props, sku: { capacity: 5 } } };

    const { diagnostics } = await withPack(config, (pack) => pack.analyzeStack([resource]));

    const quota = diagnostics.filter((diagnostic) => diagnostic.policyName === "quota-core-budget");
    expect(quota).toEqual([expect.objectContaining({ enforcementLevel: "mandatory", message: expect.stringContaining("ceil(1.2 × 5) × 4 = 24") })]);
  });

  test("coresByInstanceType cannot replace a listed size", async () => {
    const config = { "quota-core-budget": { coresByInstanceType: { Standard_DS3_v2: 1 } } };
    const resource = deployment("properties", { instanceType: "Standard_DS3_v2" });

    const { diagnostics } = await withPack(config, (pack) => pack.analyzeStack([resource]));

    const quota = diagnostics.filter((diagnostic) => diagnostic.policyName === "quota-core-budget");
    expect(quota).toEqual([expect.objectContaining({ message: expect.stringContaining("already lists Standard_DS3_v2 with 4 vCPU cores") })]);
  });

  test("unknownValues mandatory fails closed", async () => {
    const config = { "request-timeout": { unknownValues: "mandatory" } };
    const resource = deployment("properties", { requestSettings: { requestTimeout: PULUMI_UNKNOWN_VALUES.string } });

    const { diagnostics } = await withPack(config, (pack) => pack.analyze(resource));

    const timeout = diagnostics.filter((diagnostic) => diagnostic.policyName === "request-timeout");
    expect(timeout).toHaveLength(1);
    expect(timeout[0].enforcementLevel).toBe("mandatory");
  });

  test("unknownValues mandatory fails closed after apply", async () => {
    const config = { "egress-public-network-access": { unknownValues: "mandatory" } };
    const workspace = { type: "azure-native:machinelearningservices:Workspace", name: "ws", props: { resourceGroupName: "rg", workspaceName: "ws", managedNetwork: { isolationMode: PULUMI_UNKNOWN_VALUES.string } } };
    const resource = deployment("properties", { egressPublicNetworkAccess: "Enabled" });

    const pack = await startPack({ config, dryRun: false });
    try {
      const { diagnostics } = await pack.analyzeStack([workspace, resource]);

      const egress = diagnostics.filter((diagnostic) => diagnostic.policyName === "egress-public-network-access");
      expect(egress.map((diagnostic) => diagnostic.enforcementLevel)).toEqual(["mandatory"]);
    } finally {
      await pack.stop();
    }
  });

  test("typo in a limit is rejected by name", async () => {
    const config = { "request-timeout": { maxRequestTimout: "PT60S" } };
    const resource = deployment("properties", { requestSettings: { requestTimeout: "PT30S" } });

    const { diagnostics } = await withPack(config, (pack) => pack.analyze(resource));

    const timeout = diagnostics.filter((diagnostic) => diagnostic.policyName === "request-timeout");
    expect(timeout).toHaveLength(1);
    expect(timeout[0].enforcementLevel).toBe("mandatory");
    expect(timeout[0].message).toContain('maxRequestTimout: unknown key; did you mean "maxRequestTimeout"?');
  });

  test("misspelled rule id is rejected by name", async () => {
    const config = { "request-timout": { maxRequestTimeout: "PT60S" } };
    const resource = deployment("properties", { requestSettings: { requestTimeout: "PT30S" } });

    const { diagnostics } = await withPack(config, (pack) => pack.analyze(resource));

    const limitsFile = diagnostics.filter((diagnostic) => diagnostic.policyName === "limits-file");
    expect(limitsFile).toHaveLength(1);
    expect(limitsFile[0].enforcementLevel).toBe("mandatory");
    expect(limitsFile[0].message).toContain('request-timout: unknown key; did you mean "request-timeout"?');
  });

  test("wrong type is rejected by the engine schema", async () => {
    const config = { "request-timeout": { maxRequestTimeout: 60 } };

    await expect(withPack(config, async () => undefined)).rejects.toThrow(EngineConfigError);
  });

  test.each(["properties", "onlineDeploymentProperties"])("remediation sets egress in %s", async (bodyKey) => {
    const config = { "egress-public-network-access": "remediate" };
    const resource = deployment(bodyKey, { egressPublicNetworkAccess: "Enabled", environmentVariables: secret({ KEY: "value" }) });

    const { remediations } = await withPack(config, (pack) => pack.remediate(resource));

    expect(remediations).toHaveLength(1);
    expect(remediations[0].policyName).toBe("egress-public-network-access");
    const body = remediations[0].properties?.[bodyKey] as Record<string, unknown>;
    expect(body.egressPublicNetworkAccess).toBe("Disabled");
    expect(body.environmentVariables).toEqual(secret({ KEY: "value" }));
  });

  test("all sets every level", async () => {
    const resource = deployment("properties", { requestSettings: { requestTimeout: "PT5M" } });

    const { diagnostics } = await withPack({ all: "advisory" }, (pack) => pack.analyze(resource));

    const timeout = diagnostics.find((diagnostic) => diagnostic.policyName === "request-timeout");
    expect(timeout?.enforcementLevel).toBe("advisory");
  });
});
