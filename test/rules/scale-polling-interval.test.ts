import { scalePollingInterval } from "../../src/rules/scale-polling-interval";
import { describeRuleCases, invalid } from "./rule-table";

const PATH = "properties.scaleSettings.pollingInterval";
const interval = (value: unknown) => ({ scaleSettings: { scaleType: "TargetUtilization", pollingInterval: value } });

describeRuleCases(
  scalePollingInterval,
  [
    { name: "at the maximum", computeType: "Kubernetes", properties: interval("PT1M"), expected: [] },
    { name: "one millisecond past", computeType: "Kubernetes", properties: interval("PT60.001S"), expected: [{ path: PATH, actual: "PT1M0.001S", limit: "PT1M" }] },
    { name: "at the minimum", computeType: "Kubernetes", properties: interval("PT1S"), expected: [] },
    { name: "below the minimum", computeType: "Kubernetes", properties: interval("PT0.5S"), expected: [{ path: PATH, actual: "PT0.5S", limit: "PT1S" }] },
    { name: "unset within the range", computeType: "Kubernetes", expected: [] },
    { name: "unset below a higher minimum", computeType: "Kubernetes", limits: { minPollingInterval: "PT5S" }, expected: [{ path: PATH, actual: "PT1S", limit: "PT5S", actualIsDefault: true }] },
    { name: "Managed is not judged", properties: { scaleSettings: { pollingInterval: "PT1H" } }, expected: [] },
    { name: "empty duration", computeType: "Kubernetes", properties: interval("PT"), expected: [invalid(PATH, '"PT"')] },
    { name: "prose duration", computeType: "Kubernetes", properties: interval("5 seconds"), expected: [invalid(PATH, '"5 seconds"')] },
    { name: "month duration", computeType: "Kubernetes", properties: interval("P1M"), expected: [invalid(PATH, '"P1M"')] },
    { name: "negative duration", computeType: "Kubernetes", properties: interval("-PT5S"), expected: [invalid(PATH, '"-PT5S"')] },
    { name: "number instead of string", computeType: "Kubernetes", properties: interval(12), expected: [invalid(PATH, "12")] },
  ],
  [{ name: "interval", computeType: "Kubernetes", field: ["scaleSettings", "pollingIntervalMs"], path: PATH }],
);
