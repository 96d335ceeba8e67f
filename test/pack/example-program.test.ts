import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { defaultConfig } from "../../src/config/limits";
import { evaluateItems } from "../../src/engine/evaluate";
import { RULES } from "../../src/rules/index";
import { readArmJson } from "../../src/sources/arm-json";
import { parsePositioned } from "../../src/sources/locator";
import { DEPLOYMENT_TYPE, type PackHarness, exampleResources, startPack } from "../support/pack-harness";

const CORPUS = path.resolve(__dirname, "../../../shared/corpus/rest-api-specs");

describe("example program and corpus", () => {
  let pack: PackHarness;

  beforeAll(async () => {
    pack = await startPack();
  });

  afterAll(async () => {
    await pack.stop();
  });

  test("preview flags green and the stack", async () => {
    const resources = await exampleResources();
    const byName = new Map(resources.map((resource) => [resource.name, resource]));

    const green = await pack.analyze(byName.get("green")!);
    const blue = await pack.analyze(byName.get("blue")!);
    const stack = await pack.analyzeStack(resources);

    expect(green.diagnostics.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.policyName)).toContain("request-timeout");
    expect(blue.diagnostics.filter((d) => d.enforcementLevel === "mandatory")).toEqual([]);
    const stackPolicies = stack.diagnostics.map((d) => `${d.policyName} ${d.urn.split("::").pop()}`);
    expect(stackPolicies).toEqual(expect.arrayContaining(["scale-instance-bounds blue", "egress-public-network-access green", "quota-core-budget "]));
  });

  test("unknown k8s timeout is advisory", async () => {
    const resources = await exampleResources();
    const kubernetes = resources.find((resource) => resource.name === "k8s-blue")!;

    const { diagnostics } = await pack.analyze(kubernetes);

    const timeout = diagnostics.filter((d) => d.policyName === "request-timeout");
    expect(timeout).toEqual([expect.objectContaining({ enforcementLevel: "advisory" })]);
  });

  test.each([
    "2025-06-01/OnlineDeployment/ManagedOnlineDeployment/createOrUpdate.json",
    "2025-06-01/OnlineDeployment/KubernetesOnlineDeployment/createOrUpdate.json",
    "2023-04-01/OnlineDeployment/ManagedOnlineDeployment/createOrUpdate.json",
    "2024-10-01/OnlineDeployment/KubernetesOnlineDeployment/createOrUpdate.json",
  ])("corpus %s matches the CLI", async (file) => {
    const text = await readFile(path.join(CORPUS, file), "utf8");
    const body = (JSON.parse(text) as { parameters: { body: { properties: unknown; sku?: unknown } } }).parameters.body;
    const cliFindings = evaluateItems(readArmJson(parsePositioned(JSON.stringify(body))), RULES, defaultConfig(RULES)).flatMap((result) => result.findings);

    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "corpus", props: { properties: body.properties, ...(body.sku === undefined ? {} : { sku: body.sku }) } });

    const packLevels = diagnostics.map((d) => `${d.policyName} ${d.enforcementLevel}`).sort();
    // The pack defers public egress to its stack check when a workspace might excuse it, so that rule reports advisory here.
    const cliLevels = cliFindings
      .map((finding) => `${finding.ruleId} ${finding.ruleId === "egress-public-network-access" ? "advisory" : finding.enforcementLevel}`)
      .sort();
    expect(packLevels).toEqual(cliLevels);
  });
});
