import { probeFailureThreshold } from "../../src/rules/probe-failure-threshold";
import { describeRuleCases, invalid } from "./rule-table";

const LIVENESS = "properties.livenessProbe.failureThreshold";
const READINESS = "properties.readinessProbe.failureThreshold";
const STARTUP = "properties.startupProbe.failureThreshold";

describeRuleCases(
  probeFailureThreshold,
  [
    { name: "at the maximum", properties: { livenessProbe: { failureThreshold: 30 } }, expected: [] },
    { name: "one past the maximum", properties: { livenessProbe: { failureThreshold: 31 } }, expected: [{ path: LIVENESS, actual: 31, limit: 30 }] },
    { name: "at the minimum", properties: { readinessProbe: { failureThreshold: 3 } }, expected: [] },
    { name: "one below the minimum", properties: { readinessProbe: { failureThreshold: 2 } }, expected: [{ path: READINESS, actual: 2, limit: 3 }] },
    { name: "startup probe judged when declared", properties: { startupProbe: { failureThreshold: 40 } }, expected: [{ path: STARTUP, actual: 40, limit: 30 }] },
    { name: "unset within the range", expected: [] },
    {
      name: "unset above a lower maximum",
      limits: { maxFailureThreshold: 10 },
      expected: [
        { path: LIVENESS, actual: 30, limit: 10, actualIsDefault: true },
        { path: READINESS, actual: 30, limit: 10, actualIsDefault: true },
      ],
    },
    {
      name: "declared startup takes the default",
      limits: { maxFailureThreshold: 10 },
      properties: { livenessProbe: { failureThreshold: 5 }, readinessProbe: { failureThreshold: 5 }, startupProbe: {} },
      expected: [{ path: STARTUP, actual: 30, limit: 10, actualIsDefault: true }],
    },
    { name: "string instead of number", properties: { livenessProbe: { failureThreshold: "3" } }, expected: [invalid(LIVENESS, '"3"')] },
    { name: "negative", properties: { livenessProbe: { failureThreshold: -1 } }, expected: [{ path: LIVENESS, actual: -1, limit: 3 }] },
  ],
  [{ name: "readiness", field: ["probes", "readiness", "failureThreshold"], path: READINESS }],
);
