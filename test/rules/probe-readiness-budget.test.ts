import { probeReadinessBudget } from "../../src/rules/probe-readiness-budget";
import { findingsOf, describeRuleCases, invalid } from "./rule-table";

const PROBE = "properties.readinessProbe";
const readiness = (settings: Record<string, unknown>) => ({ readinessProbe: settings });

describeRuleCases(
  probeReadinessBudget,
  [
    // 30 s + 19 × 30 s = 600 s, exactly the default maximum of ten minutes.
    { name: "at the maximum", properties: readiness({ initialDelay: "PT30S", failureThreshold: 19, period: "PT30S" }), expected: [] },
    { name: "one millisecond past", properties: readiness({ initialDelay: "PT30.001S", failureThreshold: 19, period: "PT30S" }), expected: [{ path: PROBE, actual: "PT10M0.001S", limit: "PT10M" }] },
    { name: "unset within the maximum", expected: [] },
    { name: "unset above a lower maximum", limits: { maxReadinessBudget: "PT5M" }, expected: [{ path: PROBE, actual: "PT5M10S", limit: "PT5M", actualIsDefault: true }] },
    { name: "partly set is not a default", limits: { maxReadinessBudget: "PT5M" }, properties: readiness({ failureThreshold: 30 }), expected: [{ path: PROBE, actual: "PT5M10S", limit: "PT5M" }] },
    { name: "liveness is not judged", properties: { livenessProbe: { failureThreshold: 1000, period: "PT1M" } }, expected: [] },
    { name: "invalid period", properties: readiness({ period: "P1M" }), expected: [invalid(`${PROBE}.period`, '"P1M"')] },
    { name: "invalid threshold", properties: readiness({ failureThreshold: "30" }), expected: [invalid(`${PROBE}.failureThreshold`, '"30"')] },
  ],
  [{ name: "period", field: ["probes", "readiness", "periodMs"], path: `${PROBE}.period` }],
);

describe("probe-readiness-budget message", () => {
  test("shows the sum", () => {
    const [finding] = findingsOf(probeReadinessBudget, {}, { maxReadinessBudget: "PT5M" });
    expect(finding.message).toContain("PT5M10S = PT10S + 30 × PT10S (Azure defaults, not set)");
  });

  test("marks each default term", () => {
    const [finding] = findingsOf(probeReadinessBudget, { properties: readiness({ failureThreshold: 30, period: "PT20S" }) });
    expect(finding.message).toContain("PT10M10S = PT10S (Azure default, not set) + 30 × PT20S, above");
  });
});
