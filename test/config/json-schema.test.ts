import Ajv from "ajv";
import fc from "fast-check";
import { ruleConfigSchema } from "../../src/config/json-schema";
import { parseIsoDuration } from "../../src/model/duration";
import { RULES } from "../../src/rules/index";
import { STACK_RULES } from "../../src/rules/stack/index";

function validatorFor(ruleId: string) {
  const rule = RULES.find((candidate) => candidate.id === ruleId);
  if (rule === undefined) {
    throw new Error(`rule ${ruleId} is not registered`);
  }
  const { properties, required } = ruleConfigSchema(rule);
  return new Ajv({ strict: false }).compile({ type: "object", properties, required, additionalProperties: false });
}

describe("ruleConfigSchema", () => {
  test.each(RULES.map((rule) => [rule.id, rule] as const))("%s requires no key", (_id, rule) => {
    expect(ruleConfigSchema(rule).required).toEqual([]);
  });

  test.each(RULES.map((rule) => [rule.id, rule] as const))("%s lists every limit key", (_id, rule) => {
    const keys = Object.keys((rule.limits as unknown as { shape: object }).shape);
    expect(Object.keys(ruleConfigSchema(rule).properties).sort()).toEqual(keys.sort());
  });

  test.each(RULES.map((rule) => [rule.id, rule] as const))("%s has no $schema key in properties", (_id, rule) => {
    expect(JSON.stringify(ruleConfigSchema(rule).properties)).not.toContain("$schema");
  });

  test("duration is the input string", () => {
    const validate = validatorFor("request-timeout");
    expect(validate({ maxRequestTimeout: "PT60S" })).toBe(true);
  });

  test("duration pattern rejects months", () => {
    const validate = validatorFor("request-timeout");
    expect(validate({ maxRequestTimeout: "P1M" })).toBe(false);
  });

  test("duration pattern rejects bare T", () => {
    const validate = validatorFor("request-timeout");
    expect(validate({ maxRequestTimeout: "PT" })).toBe(false);
  });

  // The Pulumi engine compiles patterns with Go's regexp package (RE2), which rejects lookarounds and
  // backreferences, and a pattern it cannot compile fails the policy pack's config.
  test.each([...RULES, ...STACK_RULES].map((rule) => [rule.id, rule] as const))("%s patterns compile in RE2", (_id, rule) => {
    const patterns = [...JSON.stringify(ruleConfigSchema(rule)).matchAll(/"pattern":("(?:[^"\\]|\\.)*")/g)].map((match) => JSON.parse(match[1]) as string);
    for (const pattern of patterns) {
      expect(pattern).not.toMatch(/\(\?[=!<]|\\[1-9]/);
    }
  });

  test("duration pattern agrees with the parser", () => {
    const { pattern } = ruleConfigSchema(RULES.find((rule) => rule.id === "request-timeout")!).properties.maxRequestTimeout as { pattern: string };
    const matcher = new RegExp(pattern);
    fc.assert(
      fc.property(fc.stringMatching(/^-?P[0-9.,YMWDTHS]{0,10}$/), (text) => {
        const parsed = parseIsoDuration(text);
        expect(matcher.test(text)).toBe(parsed.ok || parsed.reason.includes("too large"));
      }),
      { numRuns: 2000 },
    );
  });

  test("unknown key rejected", () => {
    const validate = validatorFor("request-timeout");
    expect(validate({ maxRequestTimeOut: "PT60S" })).toBe(false);
  });

  test("unknownValues enum", () => {
    const validate = validatorFor("request-timeout");
    expect(validate({ unknownValues: "remediate" })).toBe(false);
  });

  test("default is documented", () => {
    const { properties } = ruleConfigSchema(RULES.find((rule) => rule.id === "request-timeout")!);
    expect(properties.maxRequestTimeout).toMatchObject({ default: "PT90S", type: "string" });
  });
});
