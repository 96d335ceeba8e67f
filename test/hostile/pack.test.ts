import { spawn } from "node:child_process";
import fc from "fast-check";
import { loadConfig } from "../../src/config/load";
import { evaluateDeployment, runRule } from "../../src/engine/evaluate";
import type { OnlineDeployment } from "../../src/model/deployment";
import { RULES } from "../../src/rules/index";
import { armDeployment, readDeployment } from "../support/deployment-builder";
import { configureRunSeed, hostileCase } from "../support/arbitraries";
import { DEPLOYMENT_TYPE, PACK_DIR, type PackHarness, startPack } from "../support/pack-harness";

/**
 * The pack under hostile input: its first stdout line is the port whatever PULUMI_CONFIG contains, hostile
 * resources over gRPC never fail an Analyze call, and a rule that throws fails only itself.
 */

const GRPC_RUNS = 300;
const seed = configureRunSeed();

/** Starts the pack as the Pulumi CLI does and resolves with everything on stdout up to the first newline. */
function firstStdoutLine(pulumiConfig: string): Promise<{ line: string; stderr: string }> {
  const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK_DIR] });
  const child = spawn(process.execPath, [runPolicyPack, "127.0.0.1:1", PACK_DIR], {
    cwd: PACK_DIR,
    env: { ...process.env, PULUMI_NODEJS_STACK: "dev", PULUMI_NODEJS_PROJECT: "p", PULUMI_NODEJS_DRY_RUN: "true", PULUMI_CONFIG: pulumiConfig },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve) => {
    const finish = () => {
      child.kill();
      resolve({ line: stdout.split("\n")[0], stderr });
    };
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      if (stdout.includes("\n")) {
        finish();
      }
    });
    child.on("exit", finish);
  });
}

describe("port line", () => {
  test.each([
    ["empty object", "{}"],
    ["empty string", ""],
    ["not JSON", "{not json"],
    ["array", "[1, 2]"],
    ["null", "null"],
    ["prototype keys", '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}'],
    ["odd values", JSON.stringify({ "p:a": "\u0000\u001b[31m\n12345\n", "p:b": "x".repeat(100_000), "aml:limits": "{\"all\": 7}" })],
  ])("%s config gives a port first", async (_name, config) => {
    const { line, stderr } = await firstStdoutLine(config);

    expect({ line, stderr: line === "" ? stderr : "" }).toEqual({ line: expect.stringMatching(/^\d{2,5}$/), stderr: "" });
  });
});

describe("hostile resources over gRPC", () => {
  let pack: PackHarness;

  beforeAll(async () => {
    pack = await startPack();
  });

  afterAll(async () => {
    await pack.stop();
  });

  test(`${GRPC_RUNS} Analyze calls report each invalid field`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileCase("pulumi"), async (testCase) => {
        const { diagnostics } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "hostile", props: testCase.resource });

        for (const invalidPath of testCase.invalidPaths) {
          // A rule at the advisory level, such as request-max-queue-wait, reports an invalid value as advisory.
          if (!diagnostics.some((diagnostic) => diagnostic.message.includes(invalidPath))) {
            throw new Error(`no diagnostic names ${invalidPath}: ${JSON.stringify(diagnostics).slice(0, 2_000)}`);
          }
        }
      }),
      { numRuns: GRPC_RUNS, seed },
    );
  });

  test("pack still answers afterwards", async () => {
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "after", props: { properties: { endpointComputeType: "Managed", requestSettings: { requestTimeout: "PT5M" } } } });

    expect(diagnostics.map((diagnostic) => diagnostic.policyName)).toContain("request-timeout");
  });
});

/**
 * No input found so far makes a rule's check throw, so the engine's guard is proven in process: the request
 * settings of a real deployment are replaced by a Proxy that throws on every read, as a broken getter would.
 */
describe("rule that throws", () => {
  function throwingDeployment(): OnlineDeployment {
    const deployment = readDeployment(armDeployment({ properties: { requestSettings: { requestTimeout: "PT5M" } } }));
    const requestSettings = new Proxy(deployment.requestSettings, {
      get: () => {
        throw new Error("requestSettings cannot be read");
      },
    });
    return { ...deployment, requestSettings };
  }

  test("runRule reports the error", async () => {
    const { config } = await loadConfig(undefined);
    const rule = RULES.find((candidate) => candidate.id === "request-timeout")!;

    const findings = runRule(rule, throwingDeployment(), config.rules.get(rule.id)!.limits, "mandatory");

    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: "request-timeout",
        kind: "invalid",
        enforcementLevel: "mandatory",
        message: expect.stringContaining("Rule request-timeout failed on this deployment (requestSettings cannot be read)"),
      }),
    ]);
  });

  test("other rules still run", async () => {
    const { config } = await loadConfig(undefined);

    const result = evaluateDeployment(throwingDeployment(), RULES, config);

    const outcomes = Object.fromEntries(result.rules.map((rule) => [rule.ruleId, rule.outcome]));
    expect(outcomes["request-timeout"]).toBe("failed");
    expect(outcomes["request-concurrency"]).toBe("failed");
    expect(outcomes["probe-period"]).toBe("passed");
    expect(outcomes["egress-public-network-access"]).toBe("failed");
    expect(result.findings.filter((finding) => finding.message.includes("failed on this deployment")).map((finding) => finding.ruleId).sort()).toEqual([
      "request-concurrency",
      "request-max-queue-wait",
      "request-timeout",
    ]);
  });
});
