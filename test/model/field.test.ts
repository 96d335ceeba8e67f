import { defaultScaleType, probeRunsByDefault } from "../../src/model/defaults";
import { effectiveValue, invalidField, renderRaw, setField, unknownField, unsetField } from "../../src/model/field";

describe("effectiveValue", () => {
  test("set value", () => {
    expect(effectiveValue(setField("a.b", 3))).toEqual({ value: 3, isDefault: false, path: "a.b" });
  });

  test("unset takes the default", () => {
    expect(effectiveValue(unsetField("a.b", 5))).toEqual({ value: 5, isDefault: true, path: "a.b" });
  });

  test("unset without default", () => {
    expect(effectiveValue(unsetField<number>("a.b"))).toBeUndefined();
  });

  test("unknown has none", () => {
    expect(effectiveValue(unknownField("a.b"))).toBeUndefined();
  });

  test("invalid has none", () => {
    expect(effectiveValue(invalidField("a.b", "x", "is wrong"))).toBeUndefined();
  });
});

describe("renderRaw", () => {
  test.each([
    ["PT5S", '"PT5S"'],
    [12, "12"],
    [false, "false"],
    [null, "null"],
    [undefined, "undefined"],
    [[1, 2, 3], "an array of 3 items"],
    [{ secret: "value" }, "an object"],
  ])("%p renders as %s", (raw, text) => {
    expect(renderRaw(raw)).toBe(text);
  });

  test("long text is cut", () => {
    expect(renderRaw("x".repeat(500))).toHaveLength(80);
  });
});

describe("Azure defaults", () => {
  test.each([
    ["Managed", "Default"],
    ["Kubernetes", "TargetUtilization"],
  ] as const)("%s scale type is %s", (computeType, scaleType) => {
    expect(defaultScaleType(computeType)).toBe(scaleType);
  });

  test.each([
    ["liveness", true],
    ["readiness", true],
    ["startup", false],
  ] as const)("%s probe runs by default: %s", (kind, runs) => {
    expect(probeRunsByDefault(kind)).toBe(runs);
  });
});
