import { probeInitialDelay } from "../../src/rules/probe-initial-delay";
import { describeRuleCases, invalid } from "./rule-table";

const LIVENESS = "properties.livenessProbe.initialDelay";
const READINESS = "properties.readinessProbe.initialDelay";
const liveness = (initialDelay: unknown) => ({ livenessProbe: { initialDelay } });

describeRuleCases(
  probeInitialDelay,
  [
    { name: "at the maximum", properties: liveness("PT10M"), expected: [] },
    { name: "one millisecond past", properties: liveness("PT600.001S"), expected: [{ path: LIVENESS, actual: "PT10M0.001S", limit: "PT10M" }] },
    { name: "at the minimum", properties: liveness("PT1S"), expected: [] },
    { name: "zero", properties: liveness("PT0S"), expected: [{ path: LIVENESS, actual: "PT0S", limit: "PT1S" }] },
    { name: "unset within the range", expected: [] },
    {
      name: "unset above a lower maximum",
      limits: { maxInitialDelay: "PT5S" },
      expected: [
        { path: LIVENESS, actual: "PT10S", limit: "PT5S", actualIsDefault: true },
        { path: READINESS, actual: "PT10S", limit: "PT5S", actualIsDefault: true },
      ],
    },
    { name: "empty duration", properties: liveness("PT"), expected: [invalid(LIVENESS, '"PT"')] },
    { name: "prose duration", properties: liveness("5 seconds"), expected: [invalid(LIVENESS, '"5 seconds"')] },
    { name: "month duration", properties: liveness("P1M"), expected: [invalid(LIVENESS, '"P1M"')] },
    { name: "negative duration", properties: liveness("-PT5S"), expected: [invalid(LIVENESS, '"-PT5S"')] },
    { name: "number instead of string", properties: liveness(12), expected: [invalid(LIVENESS, "12")] },
  ],
  [{ name: "liveness", field: ["probes", "liveness", "initialDelayMs"], path: LIVENESS }],
);
