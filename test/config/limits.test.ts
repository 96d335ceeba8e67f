import { readFileSync } from "node:fs";
import path from "node:path";
import { ruleConfigSchema } from "../../src/config/json-schema";
import { ConfigError, defaultConfig, resolveConfig } from "../../src/config/limits";
import { RULES } from "../../src/rules/index";
import { STACK_RULES } from "../../src/rules/stack/index";

/** Returns the problems resolveConfig raises for a limits file, or an empty list when it is valid. */
function problemsOf(raw: unknown): readonly string[] {
  try {
    resolveConfig(raw, RULES);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems;
    }
    throw error;
  }
}

describe("limits file errors", () => {
  test("unknown rule names the closest id", () => {
    expect(problemsOf({ "request-timout": "advisory" })).toEqual(['request-timout: unknown key; did you mean "request-timeout"?']);
  });

  test("typo in an entry names the closest key", () => {
    expect(problemsOf({ "probe-period": { maxPeriodd: "PT30S" } })).toEqual(['probe-period.maxPeriodd: unknown key; did you mean "maxPeriod"?']);
  });

  test("wrong type names the field", () => {
    expect(problemsOf({ "request-concurrency": { maxConcurrentRequestsPerInstance: "16" } })).toEqual([
      'request-concurrency.maxConcurrentRequestsPerInstance: must be a whole number, not the string "16"; write 16 without quotes',
    ]);
  });

  test.each([
    [
      "duration as seconds",
      { "request-timeout": { maxRequestTimeout: 60 } },
      'request-timeout.maxRequestTimeout: must be an ISO 8601 duration string such as "PT30S", not the number 60; write "PT60S" if 60 means seconds',
    ],
    [
      "duration as milliseconds",
      { "request-timeout": { maxRequestTimeout: 90000 } },
      'request-timeout.maxRequestTimeout: must be an ISO 8601 duration string such as "PT30S", not the number 90000; ' +
        'write "PT90000S" if 90000 means seconds, or "PT90S" if it means milliseconds',
    ],
    [
      "quantity as a number",
      { "container-resources": { maxCpu: 8 } },
      'container-resources.maxCpu: must be a Kubernetes quantity string such as "500m" or "32Gi", not the number 8; write "8"',
    ],
    [
      "memory as a number",
      { "container-resources": { maxMemory: 32 } },
      'container-resources.maxMemory: must be a Kubernetes quantity string such as "500m" or "32Gi", not the number 32; write "32Gi" if 32 means gibibytes; a quantity without a suffix is bytes',
    ],
    [
      "large memory as a number",
      { "container-resources": { maxMemory: 4096 } },
      'container-resources.maxMemory: must be a Kubernetes quantity string such as "500m" or "32Gi", not the number 4096; write "4096Mi" if 4096 means mebibytes; a quantity without a suffix is bytes',
    ],
    [
      "memory in bytes as a number",
      { "container-resources": { maxMemory: 17179869184 } },
      'container-resources.maxMemory: must be a Kubernetes quantity string such as "500m" or "32Gi", not the number 17179869184; write "17179869184"',
    ],
    ["fractional integer", { "instance-count": { minInstanceCount: 2.5 } }, "instance-count.minInstanceCount: must be a whole number, not the number 2.5"],
    ["integer below its minimum", { "instance-count": { minInstanceCount: 0 } }, "instance-count.minInstanceCount: must be at least 1, not the number 0"],
    [
      "boolean as a string",
      { "egress-public-network-access": { allowPublicEgress: "false" } },
      'egress-public-network-access.allowPublicEgress: must be true or false, not the string "false"; write false without quotes',
    ],
    ["list as a string", { "scale-type": { managedScaleTypes: "Default" } }, 'scale-type.managedScaleTypes: must be a list, not the string "Default"; write ["Default"]'],
    [
      "empty string in a list",
      { "instance-type-allowlist": { allowedManagedInstanceTypes: [""] } },
      "instance-type-allowlist.allowedManagedInstanceTypes.0: must not be an empty string",
    ],
    [
      "enum typo in a list",
      { "probe-required": { requiredProbes: ["livness"] } },
      'probe-required.requiredProbes.0: "livness" is not a valid value; did you mean "liveness"? Valid values: liveness, readiness, startup',
    ],
    [
      "level typo in an entry",
      { "request-timeout": { enforcementLevel: "mandtory" } },
      'request-timeout.enforcementLevel: "mandtory" is not a valid value; did you mean "mandatory"? Valid values: advisory, mandatory, remediate, disabled',
    ],
  ])("%s gives the form to write", (_name, raw, problem) => {
    expect(problemsOf(raw)).toEqual([problem]);
  });

  test("bad duration names the field", () => {
    expect(problemsOf({ "request-timeout": { maxRequestTimeout: "P1M" } })).toEqual([
      'request-timeout.maxRequestTimeout: uses years or months, which have no fixed length; use days, hours, minutes or seconds (PT30S) (got "P1M")',
    ]);
  });

  test("bad quantity names the field", () => {
    expect(problemsOf({ "container-resources": { maxMemory: "32 gigs" } })).toEqual([
      'container-resources.maxMemory: is not a Kubernetes quantity such as 500m, 2, or 4Gi (got "32 gigs")',
    ]);
  });

  test("bad level string", () => {
    expect(problemsOf({ "request-timeout": "warn" })).toEqual([
      'request-timeout: "warn" is not a valid value; valid values: advisory, mandatory, remediate, disabled, or an object with enforcementLevel and the rule\'s limits',
    ]);
  });

  test("level typo names the nearest level", () => {
    expect(problemsOf({ all: "mandtory" })).toEqual([
      'all: "mandtory" is not a valid value; did you mean "mandatory"? Valid values: advisory, mandatory, remediate, disabled, ' +
        "or an object with enforcementLevel and the rule's limits",
    ]);
  });

  test("exemption rules as a string give the list to write", () => {
    const exemption = { resource: "/subscriptions/x/**", rules: "instance-count", reason: "tuning", owner: "team-a", expires: "2099-01-01" };

    expect(problemsOf({ exemptions: { entries: [exemption] } })).toEqual([
      'exemptions.entries.0.rules: must be a list of rule ids, or "*" for every rule; write rules: ["instance-count"] (got "instance-count")',
    ]);
  });

  test("level of another type names it", () => {
    expect(problemsOf({ "probe-period": 5 })).toEqual([
      "probe-period: must be one of advisory, mandatory, remediate, disabled, or an object with enforcementLevel and the rule's limits, not the number 5",
    ]);
  });

  test("one error lists every bad field", () => {
    const problems = problemsOf({
      "request-timeout": { maxRequestTimeout: "5 seconds", enforcementLevel: "strict" },
      "probe-perod": {},
      "scale-target-utilization": { maxTargetUtilizationPercentage: 101 },
    });
    expect(problems.map((problem) => problem.split(":")[0]).sort()).toEqual([
      "probe-perod",
      "request-timeout.enforcementLevel",
      "request-timeout.maxRequestTimeout",
      "scale-target-utilization.maxTargetUtilizationPercentage",
    ]);
  });

  test("message lists every problem", () => {
    expect(() => resolveConfig({ "request-timout": "advisory", "probe-perod": {} }, RULES, "limits file org.json")).toThrow(
      /^Invalid limits file org\.json:\n {2}- request-timout: .*\n {2}- probe-perod: /,
    );
  });
});

describe("limits file values", () => {
  test("object entry keeps its limits", () => {
    const config = resolveConfig({ "request-timeout": { maxRequestTimeout: "PT1M" } }, RULES);
    expect(config.rules.get("request-timeout")?.limits).toEqual({ maxRequestTimeout: 60_000, unknownValues: "advisory" });
  });

  test("empty object entry takes defaults", () => {
    const config = resolveConfig({ "request-timeout": {} }, RULES);
    expect(config.rules.get("request-timeout")?.limits).toEqual({ maxRequestTimeout: 90_000, unknownValues: "advisory" });
  });

  test("quantity limit is in base units", () => {
    const config = resolveConfig({ "container-resources": { maxMemory: "1Gi", maxCpu: "500m" } }, RULES);
    expect(config.rules.get("container-resources")?.limits).toEqual({ maxMemory: 2 ** 30, maxCpu: 0.5, maxGpu: 1, unknownValues: "advisory" });
  });

  test("string entry sets the level", () => {
    const config = resolveConfig({ "probe-period": "disabled" }, RULES);
    expect(config.rules.get("probe-period")?.enforcementLevel).toBe("disabled");
  });

  test("all sets unnamed levels", () => {
    const config = resolveConfig({ all: "advisory", "request-timeout": "mandatory" }, RULES);
    const levels = new Set([...config.rules].filter(([id]) => id !== "request-timeout").map(([, rule]) => rule.enforcementLevel));
    expect([...levels]).toEqual(["advisory"]);
  });

  test("rule level beats all", () => {
    const config = resolveConfig({ all: { enforcementLevel: "advisory" }, "request-timeout": { enforcementLevel: "mandatory" } }, RULES);
    expect(config.rules.get("request-timeout")?.enforcementLevel).toBe("mandatory");
  });

  test("environments key accepted", () => {
    expect(problemsOf({ environments: ["org/limits"] })).toEqual([]);
  });

  test("defaults parse for every rule", () => {
    const config = defaultConfig(RULES);
    expect([...config.rules.keys()]).toEqual(RULES.map((rule) => rule.id));
  });

  test.each(RULES.map((rule) => [rule.id, rule] as const))("%s accepts its defaults written out", (_id, rule) => {
    // The defaults the JSON Schema publishes must be valid input that changes nothing.
    const input = Object.fromEntries(Object.entries(ruleConfigSchema(rule).properties).map(([key, property]) => [key, (property as { default?: unknown }).default]));
    expect(resolveConfig({ [rule.id]: input }, RULES).rules.get(rule.id)?.limits).toEqual(defaultConfig(RULES).rules.get(rule.id)?.limits);
  });
});

describe("limit ranges", () => {
  function problemsOf(raw: unknown): readonly string[] {
    try {
      resolveConfig(raw, RULES);
    } catch (error) {
      if (error instanceof ConfigError) {
        return error.problems;
      }
      throw error;
    }
    return [];
  }

  test("minimum above maximum is rejected", () => {
    const problems = problemsOf({ "probe-period": { minPeriod: "PT30S", maxPeriod: "PT10S" } });

    expect(problems).toEqual([
      'probe-period.minPeriod ("PT30S") is above probe-period.maxPeriod ("PT10S"), so no deployment could pass; lower minPeriod or raise maxPeriod',
    ]);
  });

  test("minimum above default maximum names it", () => {
    const problems = problemsOf({ "instance-count": { minInstanceCount: 40 } });

    expect(problems).toEqual([expect.stringContaining("instance-count.minInstanceCount (40) is above instance-count.maxInstanceCount (the default)")]);
  });

  test("equal bounds are accepted", () => {
    expect(problemsOf({ "probe-period": { minPeriod: "PT10S", maxPeriod: "PT10S" } })).toEqual([]);
  });

  test("every range names keys of its rule", () => {
    for (const rule of RULES) {
      const keys = Object.keys((rule.limits as unknown as { shape: object }).shape);
      for (const pair of rule.ranges ?? []) {
        expect(keys).toEqual(expect.arrayContaining([...pair]));
      }
    }
  });
});

describe("example limits file", () => {
  test("examples/limits.json is valid", () => {
    const raw = JSON.parse(readFileSync(path.resolve(__dirname, "../../examples/limits.json"), "utf8"));

    const config = resolveConfig(raw, [...RULES, ...STACK_RULES]);

    expect(config.rules.get("request-timeout")?.enforcementLevel).toBe("mandatory");
    expect(config.exemptions).toHaveLength(1);
  });
});
