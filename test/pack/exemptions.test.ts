import { DEPLOYMENT_TYPE, EngineConfigError, type PackHarness, startPack } from "../support/pack-harness";

const resource = {
  type: DEPLOYMENT_TYPE,
  name: "blue",
  props: {
    resourceGroupName: "rg",
    workspaceName: "ws",
    endpointName: "ep",
    sku: { capacity: 3 },
    properties: { endpointComputeType: "Managed", egressPublicNetworkAccess: "Disabled", requestSettings: { requestTimeout: "PT5M" } },
  },
};

function entry(overrides: Record<string, unknown> = {}) {
  return {
    resource: "urn:pulumi:*::*::azure-native:machinelearningservices:OnlineDeployment::blue",
    rules: ["request-timeout"],
    reason: "Batch scoring client needs five minutes until the queue-based API ships.",
    owner: "ml-platform@example.com",
    expires: "2099-12-31",
    ...overrides,
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

describe("pack exemptions", () => {
  test("matching entry waives to advisory", async () => {
    const { diagnostics } = await withPack({ exemptions: { entries: [entry()] } }, (pack) => pack.analyze(resource));

    const timeout = diagnostics.filter((diagnostic) => diagnostic.policyName === "request-timeout");
    expect(timeout).toHaveLength(1);
    expect(timeout[0].enforcementLevel).toBe("advisory");
    expect(timeout[0].message).toContain("Waived until 2099-12-31 by an exemption owned by ml-platform@example.com");
  });

  test("entry for another rule waives nothing", async () => {
    const config = { exemptions: { entries: [entry({ rules: ["probe-period"] })] } };

    const { diagnostics } = await withPack(config, (pack) => pack.analyze(resource));

    const timeout = diagnostics.filter((diagnostic) => diagnostic.policyName === "request-timeout");
    expect(timeout).toHaveLength(1);
    expect(timeout[0].enforcementLevel).toBe("mandatory");
  });

  test("expired entry stops applying and is reported", async () => {
    const config = { exemptions: { entries: [entry({ expires: "2020-01-31" })] } };

    const result = await withPack(config, async (pack) => ({ analyze: await pack.analyze(resource), stack: await pack.analyzeStack([resource]) }));

    const timeout = result.analyze.diagnostics.filter((diagnostic) => diagnostic.policyName === "request-timeout");
    expect(timeout[0].enforcementLevel).toBe("mandatory");
    const expired = result.stack.diagnostics.filter((diagnostic) => diagnostic.policyName === "exemptions");
    expect(expired).toHaveLength(1);
    expect(expired[0].message).toContain("expired on 2020-01-31");
  });

  test("unknown rule id fails closed", async () => {
    const config = { exemptions: { entries: [entry({ rules: ["request-timout"] })] } };

    const result = await withPack(config, async (pack) => ({ analyze: await pack.analyze(resource), stack: await pack.analyzeStack([resource]) }));

    const timeout = result.analyze.diagnostics.filter((diagnostic) => diagnostic.policyName === "request-timeout");
    expect(timeout[0].enforcementLevel).toBe("mandatory");
    const problems = result.stack.diagnostics.filter((diagnostic) => diagnostic.policyName === "exemptions");
    expect(problems).toHaveLength(1);
    expect(problems[0].enforcementLevel).toBe("mandatory");
    expect(problems[0].message).toContain('did you mean "request-timeout"?');
  });

  test("entry without a reason is rejected by the engine schema", async () => {
    const { reason: _reason, ...withoutReason } = entry();

    await expect(withPack({ exemptions: { entries: [withoutReason] } }, async () => undefined)).rejects.toThrow(EngineConfigError);
  });
});
