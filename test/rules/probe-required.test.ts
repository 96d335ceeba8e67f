import { probeRequired } from "../../src/rules/probe-required";
import { describeRuleCases, invalid } from "./rule-table";

const LIVENESS = "properties.livenessProbe";
const READINESS = "properties.readinessProbe";
const STARTUP = "properties.startupProbe";
const both = { livenessProbe: { period: "PT10S" }, readinessProbe: { period: "PT10S" } };

describeRuleCases(
  probeRequired,
  [
    { name: "both declared", properties: both, expected: [] },
    { name: "empty probe objects count", properties: { livenessProbe: {}, readinessProbe: {} }, expected: [] },
    {
      name: "neither declared",
      expected: [
        { path: LIVENESS, actual: false, limit: true, actualIsDefault: true },
        { path: READINESS, actual: false, limit: true, actualIsDefault: true },
      ],
    },
    { name: "readiness missing", properties: { livenessProbe: {} }, expected: [{ path: READINESS, actual: false, limit: true, actualIsDefault: true }] },
    { name: "startup optional by default", properties: both, expected: [] },
    { name: "startup required", limits: { requiredProbes: ["startup"] }, properties: both, expected: [{ path: STARTUP, actual: false, limit: true, actualIsDefault: true }] },
    { name: "empty list requires none", limits: { requiredProbes: [] }, expected: [] },
    { name: "probe is a string", properties: { ...both, livenessProbe: "yes" }, expected: [invalid(LIVENESS, '"yes"')] },
  ],
  [{ name: "liveness", properties: both, field: ["probes", "liveness", "declared"], path: LIVENESS }],
);
