import { requestConcurrency } from "../../src/rules/request-concurrency";
import { describeRuleCases, invalid } from "./rule-table";

const PATH = "properties.requestSettings.maxConcurrentRequestsPerInstance";
const concurrency = (value: unknown) => ({ requestSettings: { maxConcurrentRequestsPerInstance: value } });

describeRuleCases(
  requestConcurrency,
  [
    { name: "at the maximum", properties: concurrency(16), expected: [] },
    { name: "one past the maximum", properties: concurrency(17), expected: [{ path: PATH, actual: 17, limit: 16 }] },
    { name: "at the minimum", limits: { minConcurrentRequestsPerInstance: 2 }, properties: concurrency(2), expected: [] },
    { name: "one below the minimum", limits: { minConcurrentRequestsPerInstance: 2 }, properties: concurrency(1), expected: [{ path: PATH, actual: 1, limit: 2 }] },
    { name: "zero", properties: concurrency(0), expected: [{ path: PATH, actual: 0, limit: 1 }] },
    { name: "unset within the range", expected: [] },
    { name: "unset below a higher minimum", limits: { minConcurrentRequestsPerInstance: 2 }, expected: [{ path: PATH, actual: 1, limit: 2, actualIsDefault: true }] },
    { name: "string instead of number", properties: concurrency("4"), expected: [invalid(PATH, '"4"')] },
    { name: "fraction", properties: concurrency(1.5), expected: [invalid(PATH, "1.5")] },
  ],
  [{ name: "concurrency", field: ["requestSettings", "maxConcurrentRequestsPerInstance"], path: PATH }],
);
