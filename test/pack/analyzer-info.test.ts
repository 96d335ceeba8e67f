import { RULES } from "../../src/rules/index";
import { STACK_RULES } from "../../src/rules/stack/index";
import { type PackHarness, startPack } from "../support/pack-harness";

// PolicyType in analyzer.proto: 1 is a resource policy, 2 a stack policy.
const RESOURCE_POLICY = 1;
const STACK_POLICY = 2;

describe("analyzer info", () => {
  let pack: PackHarness;

  beforeAll(async () => {
    pack = await startPack();
  });

  afterAll(async () => {
    await pack.stop();
  });

  test("pack is named amlguard", () => {
    expect(pack.packName).toBe("amlguard");
  });

  test.each(RULES.map((rule) => [rule.id, rule] as const))("rule %s is a resource policy", (id, rule) => {
    const policy = pack.policies.find((candidate) => candidate.name === id);

    expect(policy).toBeDefined();
    expect(policy?.policyType).toBe(RESOURCE_POLICY);
    expect(policy?.description).toBe(rule.description);
    expect(policy?.enforcementLevel).toBe(rule.defaultEnforcementLevel);
    expect(policy?.remediationSteps).toBe(rule.remediation);
    expect(policy?.url).toBe(`https://github.com/amlguard/amlguard/blob/main/docs/rules/${id}.md`);
    expect(Object.keys(policy?.configSchema?.properties ?? {})).toContain("unknownValues");
  });

  test.each(STACK_RULES.map((rule) => [rule.id] as const))("rule %s is a stack policy", (id) => {
    const policy = pack.policies.find((candidate) => candidate.name === id);

    expect(policy?.policyType).toBe(STACK_POLICY);
  });

  test("loading writes nothing to stderr", () => {
    expect(pack.stderr()).toBe("");
  });
});
