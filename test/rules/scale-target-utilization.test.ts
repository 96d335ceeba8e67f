import { scaleTargetUtilization } from "../../src/rules/scale-target-utilization";
import { describeRuleCases, invalid } from "./rule-table";

const PATH = "properties.scaleSettings.targetUtilizationPercentage";
const target = (value: unknown) => ({ scaleSettings: { scaleType: "TargetUtilization", targetUtilizationPercentage: value } });

describeRuleCases(
  scaleTargetUtilization,
  [
    { name: "at the maximum", computeType: "Kubernetes", properties: target(85), expected: [] },
    { name: "one past the maximum", computeType: "Kubernetes", properties: target(86), expected: [{ path: PATH, actual: 86, limit: 85 }] },
    { name: "at the minimum", computeType: "Kubernetes", properties: target(30), expected: [] },
    { name: "one below the minimum", computeType: "Kubernetes", properties: target(29), expected: [{ path: PATH, actual: 29, limit: 30 }] },
    { name: "unset within the range", computeType: "Kubernetes", expected: [] },
    { name: "unset above a lower maximum", computeType: "Kubernetes", limits: { maxTargetUtilizationPercentage: 60 }, expected: [{ path: PATH, actual: 70, limit: 60, actualIsDefault: true }] },
    { name: "Default scale type is not judged", computeType: "Kubernetes", properties: { scaleSettings: { scaleType: "Default", targetUtilizationPercentage: 99 } }, expected: [] },
    { name: "Managed unset is not judged", expected: [] },
    { name: "string instead of number", computeType: "Kubernetes", properties: target("70%"), expected: [invalid(PATH, '"70%"')] },
    { name: "invalid scale type", computeType: "Kubernetes", properties: { scaleSettings: { scaleType: "Burst" } }, expected: [invalid("properties.scaleSettings.scaleType", '"Burst"')] },
  ],
  [{ name: "target", computeType: "Kubernetes", field: ["scaleSettings", "targetUtilizationPercentage"], path: PATH }],
);
