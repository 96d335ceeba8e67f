import { probePeriod } from "../../src/rules/probe-period";
import { describeRuleCases, invalid } from "./rule-table";

const LIVENESS = "properties.livenessProbe.period";
const READINESS = "properties.readinessProbe.period";
const liveness = (period: unknown) => ({ livenessProbe: { period } });

describeRuleCases(
  probePeriod,
  [
    { name: "at the maximum", properties: liveness("PT1M"), expected: [] },
    { name: "one millisecond past", properties: liveness("PT60.001S"), expected: [{ path: LIVENESS, actual: "PT1M0.001S", limit: "PT1M" }] },
    { name: "at the minimum", properties: liveness("PT5S"), expected: [] },
    { name: "one millisecond below", properties: liveness("PT4.999S"), expected: [{ path: LIVENESS, actual: "PT4.999S", limit: "PT5S" }] },
    { name: "unset within the range", expected: [] },
    {
      name: "unset above a lower maximum",
      limits: { maxPeriod: "PT9S" },
      expected: [
        { path: LIVENESS, actual: "PT10S", limit: "PT9S", actualIsDefault: true },
        { path: READINESS, actual: "PT10S", limit: "PT9S", actualIsDefault: true },
      ],
    },
    { name: "empty duration", properties: liveness("PT"), expected: [invalid(LIVENESS, '"PT"')] },
    { name: "prose duration", properties: liveness("5 seconds"), expected: [invalid(LIVENESS, '"5 seconds"')] },
    { name: "month duration", properties: liveness("P1M"), expected: [invalid(LIVENESS, '"P1M"')] },
    { name: "negative duration", properties: liveness("-PT5S"), expected: [invalid(LIVENESS, '"-PT5S"')] },
    { name: "number instead of string", properties: liveness(12), expected: [invalid(LIVENESS, "12")] },
  ],
  [{ name: "readiness", field: ["probes", "readiness", "periodMs"], path: READINESS }],
);
