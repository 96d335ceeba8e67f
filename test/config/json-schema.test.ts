import Ajv from "ajv";
import { ruleConfigSchema } from "../../src/config/json-schema";
import { RULES } from "../../src/rules/index";

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
