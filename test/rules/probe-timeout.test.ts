import { probeTimeout } from "../../src/rules/probe-timeout";
import { describeRuleCases, invalid } from "./rule-table";

const LIVENESS = "properties.livenessProbe.timeout";
const READINESS = "properties.readinessProbe.timeout";
const liveness = (timeout: unknown, period?: string) => ({ livenessProbe: { timeout, ...(period === undefined ? {} : { period }) } });

describeRuleCases(
  probeTimeout,
  [
    { name: "at the maximum", properties: liveness("PT10S", "PT20S"), expected: [] },
    { name: "one millisecond past", properties: liveness("PT10.001S", "PT20S"), expected: [{ path: LIVENESS, actual: "PT10.001S", limit: "PT10S" }] },
    { name: "at the minimum", properties: liveness("PT1S"), expected: [] },
    { name: "one millisecond below", properties: liveness("PT0.999S"), expected: [{ path: LIVENESS, actual: "PT0.999S", limit: "PT1S" }] },
    { name: "equal to the period", properties: liveness("PT5S", "PT5S"), expected: [{ path: LIVENESS, actual: "PT5S", limit: "PT5S" }] },
    { name: "just below the period", properties: liveness("PT4.999S", "PT5S"), expected: [] },
    { name: "equal to the default period", limits: { maxTimeout: "PT1M" }, properties: liveness("PT10S"), expected: [{ path: LIVENESS, actual: "PT10S", limit: "PT10S" }] },
    { name: "unset within the range", expected: [] },
    {
      name: "unset below a higher minimum",
      limits: { minTimeout: "PT3S" },
      expected: [
        { path: LIVENESS, actual: "PT2S", limit: "PT3S", actualIsDefault: true },
        { path: READINESS, actual: "PT2S", limit: "PT3S", actualIsDefault: true },
      ],
    },
    { name: "empty duration", properties: liveness("PT"), expected: [invalid(LIVENESS, '"PT"')] },
    { name: "prose duration", properties: liveness("5 seconds"), expected: [invalid(LIVENESS, '"5 seconds"')] },
    { name: "month duration", properties: liveness("P1M"), expected: [invalid(LIVENESS, '"P1M"')] },
    { name: "negative duration", properties: liveness("-PT5S"), expected: [invalid(LIVENESS, '"-PT5S"')] },
    { name: "number instead of string", properties: liveness(12), expected: [invalid(LIVENESS, "12")] },
    { name: "invalid period", properties: liveness("PT2S", "10s"), expected: [invalid("properties.livenessProbe.period", '"10s"')] },
  ],
  [
    { name: "timeout", field: ["probes", "liveness", "timeoutMs"], path: LIVENESS },
    { name: "period", field: ["probes", "liveness", "periodMs"], path: "properties.livenessProbe.period" },
  ],
);
