import * as z from "zod";
import { defaultConfig, resolveConfig } from "../../src/config/limits";
import { NO_RULE_JUDGED, evaluateDeployment, evaluateItems, runRule } from "../../src/engine/evaluate";
import { unknownField } from "../../src/model/field";
import { RULES } from "../../src/rules/index";
import { type Rule, defineRule } from "../../src/rules/rule";
import { requestTimeout } from "../../src/rules/request-timeout";
import { containerResources } from "../../src/rules/container-resources";
import { probeTimeout } from "../../src/rules/probe-timeout";
import { readArmResource } from "../../src/sources/arm-json";
import { parsePositioned } from "../../src/sources/locator";
import type { OnlineDeployment } from "../../src/model/deployment";
import type { SourceItem } from "../../src/sources/source-item";
import { armDeployment, deployment, withField } from "../support/deployment-builder";

// A rule whose check throws, to show that an error inside a rule fails the resource instead of passing it.
const throwingRule = defineRule({
  id: "throwing-rule",
  description: "A rule that always throws.",
  severity: "low",
  rationale: "Tests the engine.",
  remediation: "None.",
  azureFact: { statement: "None.", source: "None." },
  defaultEnforcementLevel: "mandatory",
  limits: { flag: z.boolean().default(false) },
  check() {
    throw new Error("division by zero");
  },
}) as unknown as Rule;

const TIMEOUT = "properties.requestSettings.requestTimeout";

function deploymentOf(item: SourceItem): OnlineDeployment {
  if (item.kind !== "deployment") {
    throw new Error(`expected a deployment, got not-evaluated: ${item.reason}`);
  }
  return item.deployment;
}
const slow = () => deployment({ properties: { requestSettings: { requestTimeout: "PT5M" } } });

describe("evaluateDeployment outcomes", () => {
  test("failed rule", () => {
    const result = evaluateDeployment(slow(), [requestTimeout] as unknown as Rule[], defaultConfig([requestTimeout] as unknown as Rule[]));
    expect(result.rules).toEqual([{ ruleId: "request-timeout", outcome: "failed" }]);
  });

  test("passed rule", () => {
    const result = evaluateDeployment(deployment(), [requestTimeout] as unknown as Rule[], defaultConfig([requestTimeout] as unknown as Rule[]));
    expect(result.rules).toEqual([{ ruleId: "request-timeout", outcome: "passed" }]);
  });

  test("disabled rule has no findings", () => {
    const result = evaluateDeployment(slow(), RULES, resolveConfig({ "request-timeout": "disabled" }, RULES));
    expect(result.findings.filter((finding) => finding.ruleId === "request-timeout")).toEqual([]);
  });

  test("disabled rule outcome", () => {
    const result = evaluateDeployment(slow(), RULES, resolveConfig({ "request-timeout": "disabled" }, RULES));
    expect(result.rules.find((rule) => rule.ruleId === "request-timeout")?.outcome).toBe("disabled");
  });

  test("rule of another compute type", () => {
    const result = evaluateDeployment(deployment(), [containerResources] as unknown as Rule[], defaultConfig([containerResources] as unknown as Rule[]));
    expect(result.rules[0]?.outcome).toBe("not-applicable");
  });

  test("unknown only is unverified", () => {
    const target = withField(deployment(), ["requestSettings", "requestTimeoutMs"], unknownField(TIMEOUT));
    const result = evaluateDeployment(target, [requestTimeout] as unknown as Rule[], defaultConfig([requestTimeout] as unknown as Rule[]));
    expect(result.rules).toEqual([{ ruleId: "request-timeout", outcome: "unverified" }]);
  });

  test("every rule listed", () => {
    const result = evaluateDeployment(deployment(), RULES, defaultConfig(RULES));
    expect(result.rules.map((rule) => rule.ruleId)).toEqual(RULES.map((rule) => rule.id));
  });

  test("every rule disabled: not evaluated", () => {
    const result = evaluateDeployment(slow(), RULES, resolveConfig({ all: "disabled" }, RULES));
    expect([result.status, result.reason]).toEqual(["not-evaluated", NO_RULE_JUDGED]);
  });

  test("other compute type only: not evaluated", () => {
    const result = evaluateDeployment(deployment(), [containerResources] as unknown as Rule[], defaultConfig([containerResources] as unknown as Rule[]));
    expect(result.status).toBe("not-evaluated");
  });

  test("one judging rule: evaluated", () => {
    const result = evaluateDeployment(deployment(), RULES, resolveConfig({ all: "disabled", "request-timeout": "mandatory" }, RULES));
    expect(result.status).toBe("evaluated");
  });

  test("outcomes shared across deployments", () => {
    const config = defaultConfig(RULES);
    const queueWait = (target: OnlineDeployment) => evaluateDeployment(target, RULES, config).rules.find((rule) => rule.ruleId === "request-max-queue-wait");
    const first = queueWait(deployment());

    expect(queueWait(slow())).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});

describe("runRule findings", () => {
  test("advisory level", () => {
    const [finding] = runRule(requestTimeout as unknown as Rule, slow(), requestTimeout.limits.parse({}), "advisory");
    expect(finding.enforcementLevel).toBe("advisory");
  });

  test("remediate level reports mandatory", () => {
    const [finding] = runRule(requestTimeout as unknown as Rule, slow(), requestTimeout.limits.parse({}), "remediate");
    expect(finding.enforcementLevel).toBe("mandatory");
  });

  test("throwing rule fails", () => {
    const findings = runRule(throwingRule, deployment(), throwingRule.limits.parse({}), "mandatory");
    expect(findings.map((finding) => [finding.kind, finding.enforcementLevel])).toEqual([["invalid", "mandatory"]]);
  });

  test("throwing rule names the error", () => {
    const [finding] = runRule(throwingRule, deployment(), throwingRule.limits.parse({}), "mandatory");
    expect(finding.message).toContain("division by zero");
  });

  test("invalid compute type fails every rule", () => {
    const target = deployment({ computeType: "Serverless" });
    const result = evaluateDeployment(target, RULES, defaultConfig(RULES));
    const failed = result.rules.filter((rule) => rule.outcome === "failed").map((rule) => rule.ruleId);
    expect(failed).toEqual(RULES.map((rule) => rule.id));
  });

  test("missing compute type is invalid", () => {
    const item = readArmResource({ type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments", properties: {} }, undefined, []);
    const [finding] = runRule(requestTimeout as unknown as Rule, deploymentOf(item), requestTimeout.limits.parse({}), "mandatory");
    expect([finding.kind, finding.path]).toEqual(["invalid", "properties.endpointComputeType"]);
  });

  test("invalid field reported once", () => {
    // probe-timeout reads the liveness period for the timeout check and the period is invalid: one finding, not two.
    const target = deployment({ properties: { livenessProbe: { period: "10s" } } });
    const findings = runRule(probeTimeout as unknown as Rule, target, probeTimeout.limits.parse({}), "mandatory");
    expect(findings.map((finding) => finding.path)).toEqual(["properties.livenessProbe.period"]);
  });

  test("unknown fields share one finding", () => {
    let target = withField(deployment(), ["probes", "liveness", "timeoutMs"], unknownField("properties.livenessProbe.timeout"));
    target = withField(target, ["probes", "readiness", "timeoutMs"], unknownField("properties.readinessProbe.timeout"));
    const findings = runRule(probeTimeout as unknown as Rule, target, probeTimeout.limits.parse({}), "mandatory");
    expect(findings.map((finding) => [finding.kind, finding.message])).toEqual([
      ["unknown", "probe-timeout cannot be verified until the value is known: properties.livenessProbe.timeout, properties.readinessProbe.timeout are not known yet."],
    ]);
  });

  test("location comes from the source", () => {
    const json = JSON.stringify(armDeployment({ properties: { requestSettings: { requestTimeout: "PT5M" } } }), null, 2);
    const document = parsePositioned(json);
    const item = readArmResource(document.value, document, []);
    const [finding] = runRule(requestTimeout as unknown as Rule, deploymentOf(item), requestTimeout.limits.parse({}), "mandatory");
    const line = json.split("\n").findIndex((text) => text.includes('"requestTimeout"')) + 1;
    expect(finding.location).toEqual({ line, column: 7 });
  });
});

describe("evaluateItems", () => {
  test("keeps not-evaluated items", () => {
    const item = readArmResource({ type: "Microsoft.Storage/storageAccounts", name: "data" }, undefined, []);
    const [result] = evaluateItems([item], RULES, defaultConfig(RULES));
    expect([result.status, result.reason]).toEqual(["not-evaluated", "is of type Microsoft.Storage/storageAccounts, not Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments"]);
  });
});
