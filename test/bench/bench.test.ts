import path from "node:path";
import { engineResources, measureAnalyze, neighbourResources } from "../../bench/analyze-latency";
import { minimumGraphRequests, minimumRequests, shapeFor, tenantFor } from "../../bench/audit-scale";
import { loadDeploymentShapes } from "../../bench/corpus";
import { spread } from "../../bench/stats";
import { runThroughput } from "../../bench/throughput";
import { generateTenant } from "../../src/emulator/generate-tenant";
import { startArmEmulator } from "../../src/emulator/server";
import { countDeployments } from "../../src/emulator/tenant";
import { RULES } from "../../src/rules/index";
import { runCli } from "../cli/run-cli";
import { CORPUS_DIR } from "../support/corpus";

/** Correctness of what `npm run bench` computes and counts; nothing here measures time. */


const TOKEN = "bench-test-token";

describe("bench stats", () => {
  test("quartiles interpolate", () => {
    const result = spread([4, 1, 3, 2, 5]);

    expect(result.median).toBe(3);
    expect(result.p25).toBe(2);
    expect(result.p75).toBe(4);
    expect(result.min).toBe(1);
    expect(result.max).toBe(5);
  });
});

describe("bench tenant", () => {
  test.each([1_000, 10_000, 50_000])("%i deployments", (deployments) => {
    const shape = shapeFor(deployments);

    expect(countDeployments(tenantFor(shape))).toBe(deployments);
    expect(shape.endpoints).toBe(deployments / 5);
  });
});

describe("bench minimum requests", () => {
  // Pages of 2 items, so every listing of the tenant needs more than one page.
  const tenant = generateTenant({ workspaces: 5, endpointsPerWorkspace: 3, deploymentsPerEndpoint: 3, resourceGroupsPerSubscription: 2 });

  test.each([
    { source: "arm", pageSize: 2, expected: () => minimumRequests(tenant, 2) },
    { source: "resource-graph", pageSize: 100, expected: () => minimumGraphRequests(tenant) },
  ])("$source matches the emulator", async ({ source, pageSize, expected }) => {
    const emulator = await startArmEmulator({ tenant, token: TOKEN, pageSize });
    process.env.AMLGUARD_ARM_TOKEN = TOKEN;
    try {
      await runCli(["audit", "--subscription", tenant.subscriptions[0].id, "--arm-endpoint", emulator.url, "--format", "json", "--source", source]);

      expect(emulator.requests.length).toBe(expected());
    } finally {
      delete process.env.AMLGUARD_ARM_TOKEN;
      await emulator.close();
    }
  });
});

describe("bench throughput", () => {
  const shapes = loadDeploymentShapes(CORPUS_DIR);

  test("reads corpus bodies", () => {
    expect(shapes.fromCorpus).toBeGreaterThan(10);
    expect(shapes.deployments.length).toBe(shapes.fromCorpus + shapes.fromSample);
  });

  test("mixes both compute types", () => {
    const types = new Set(shapes.deployments.map((deployment) => (deployment.computeType.state === "set" ? deployment.computeType.value : "unset")));

    expect(types).toEqual(new Set(["Managed", "Kubernetes"]));
  });

  test("counts every rule per deployment", () => {
    const run = runThroughput(shapes.deployments, 50);

    expect(run.evaluations).toBe(50 * RULES.length);
    expect(run.checks).toBeLessThan(run.evaluations);
  });
});

describe("bench analyze baselines", () => {
  const root = path.resolve(__dirname, "../..");
  const fixture = (name: string) => path.join(root, "bench", "fixtures", name);

  // measureAnalyze throws when the replay pack sends other responses than amlguard, so resolving is the check.
  test("replay pack repeats amlguard", async () => {
    const resources = engineResources(10);
    const samples = await measureAnalyze(
      { amlguard: root, empty: fixture("empty-pack"), noop: fixture("noop-pack"), replay: fixture("replay-pack") },
      resources,
      2,
    );

    expect(samples.replay).toHaveLength(resources.length);
    expect(samples.amlguardEntries).toBeGreaterThan(resources.length);
  }, 60_000);

  test("neighbours are only not applicable", async () => {
    const resources = neighbourResources(8);
    const samples = await measureAnalyze({ amlguard: root, empty: fixture("empty-pack"), noop: fixture("noop-pack") }, resources, 0);

    expect(new Set(resources.map((resource) => resource.type)).size).toBe(8);
    expect(samples.amlguard).toHaveLength(resources.length);
    expect(samples.replay).toEqual([]);
    expect(samples.amlguardEntries).toBe(resources.length * samples.policies);
  }, 60_000);
});
