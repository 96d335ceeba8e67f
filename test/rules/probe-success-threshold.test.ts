import { probeSuccessThreshold } from "../../src/rules/probe-success-threshold";
import { deployment } from "../support/deployment-builder";
import { describeRuleCases, invalid } from "./rule-table";

const LIVENESS = "properties.livenessProbe.successThreshold";
const READINESS = "properties.readinessProbe.successThreshold";

describeRuleCases(
  probeSuccessThreshold,
  [
    { name: "liveness at 1", properties: { livenessProbe: { successThreshold: 1 } }, expected: [] },
    { name: "liveness at 2", properties: { livenessProbe: { successThreshold: 2 } }, expected: [{ path: LIVENESS, actual: 2, limit: 1 }] },
    { name: "liveness at 0", properties: { livenessProbe: { successThreshold: 0 } }, expected: [{ path: LIVENESS, actual: 0, limit: 1 }] },
    { name: "readiness at the maximum", properties: { readinessProbe: { successThreshold: 3 } }, expected: [] },
    { name: "readiness one past", properties: { readinessProbe: { successThreshold: 4 } }, expected: [{ path: READINESS, actual: 4, limit: 3 }] },
    { name: "readiness at 0", properties: { readinessProbe: { successThreshold: 0 } }, expected: [{ path: READINESS, actual: 0, limit: 1 }] },
    { name: "unset", expected: [] },
    { name: "liveness string", properties: { livenessProbe: { successThreshold: "1" } }, expected: [invalid(LIVENESS, '"1"')] },
  ],
  [{ name: "liveness", field: ["probes", "liveness", "successThreshold"], path: LIVENESS }],
);

describe("probe-success-threshold remediation", () => {
  test("sets liveness to 1", () => {
    const target = deployment({ properties: { livenessProbe: { successThreshold: 3 } } });
    expect(probeSuccessThreshold.remediate?.(target, probeSuccessThreshold.limits.parse({}))).toEqual([{ path: LIVENESS, value: 1 }]);
  });

  test("leaves readiness alone", () => {
    const target = deployment({ properties: { readinessProbe: { successThreshold: 9 } } });
    expect(probeSuccessThreshold.remediate?.(target, probeSuccessThreshold.limits.parse({}))).toEqual([]);
  });

  test("leaves an invalid value alone", () => {
    const target = deployment({ properties: { livenessProbe: { successThreshold: "3" } } });
    expect(probeSuccessThreshold.remediate?.(target, probeSuccessThreshold.limits.parse({}))).toEqual([]);
  });
});
