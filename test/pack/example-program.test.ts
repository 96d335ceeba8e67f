import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { defaultConfig } from "../../src/config/limits";
import { evaluateItems } from "../../src/engine/evaluate";
import { RULES } from "../../src/rules/index";
import { readArmJson } from "../../src/sources/arm-json";
import { parsePositioned } from "../../src/sources/locator";
import { DEPLOYMENT_TYPE, type PackHarness, exampleResources, startPack } from "../support/pack-harness";
import { CORPUS_DIR } from "../support/corpus";

const CORPUS = path.join(CORPUS_DIR, "rest-api-specs");

interface ArmResource {
  readonly properties: unknown;
  readonly sku?: unknown;
}

/** Lists the OnlineDeployment examples of every api-version, without the SKU listings, which contain no deployment. */
function corpusFiles(): string[] {
  return readdirSync(CORPUS, { recursive: true, encoding: "utf8" })
    .filter((file) => file.includes("OnlineDeployment") && file.endsWith(".json") && !file.endsWith("listSkus.json"))
    .sort();
}

/** Collects the deployments of an OpenAPI example: the request body and the response bodies, lists included. */
function armResources(example: { parameters?: { body?: unknown }; responses?: Record<string, { body?: unknown }> }): ArmResource[] {
  const bodies = [example.parameters?.body, ...Object.values(example.responses ?? {}).map((response) => response.body)];
  return bodies.flatMap((body) => {
    const list = (body as { value?: unknown } | undefined)?.value;
    const candidates = Array.isArray(list) ? list : [body];
    return candidates.filter((candidate): candidate is ArmResource => typeof candidate === "object" && candidate !== null && "properties" in candidate);
  });
}

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

  test.each(corpusFiles())("corpus %s matches the CLI", async (file) => {
    const resources = armResources(JSON.parse(await readFile(path.join(CORPUS, file), "utf8")));
    expect(resources.length).toBeGreaterThan(0);

    for (const resource of resources) {
      const cliFindings = evaluateItems(readArmJson(parsePositioned(JSON.stringify(resource))), RULES, defaultConfig(RULES)).flatMap((result) => result.findings);
      const props = { properties: resource.properties, ...(resource.sku === undefined ? {} : { sku: resource.sku }) };

      const { diagnostics } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "corpus", props });

      const packLevels = diagnostics.map((d) => `${d.policyName} ${d.enforcementLevel}`).sort();
      // The pack defers public egress to its stack check when a workspace might excuse it, so that rule reports advisory here.
      const cliLevels = cliFindings
        .map((finding) => `${finding.ruleId} ${finding.ruleId === "egress-public-network-access" && finding.kind === "violation" ? "advisory" : finding.enforcementLevel}`)
        .sort();
      expect(packLevels).toEqual(cliLevels);
    }
  });
});
