import { requestTimeout } from "../../src/rules/request-timeout";
import { describeRuleCases, invalid } from "./rule-table";

const PATH = "properties.requestSettings.requestTimeout";
const timeout = (value: unknown) => ({ requestSettings: { requestTimeout: value } });

describeRuleCases(
  requestTimeout,
  [
    { name: "at the maximum", properties: timeout("PT90S"), expected: [] },
    { name: "one millisecond past", properties: timeout("PT90.001S"), expected: [{ path: PATH, actual: "PT1M30.001S", limit: "PT1M30S" }] },
    { name: "unset within the maximum", expected: [] },
    { name: "unset above a lower maximum", limits: { maxRequestTimeout: "PT4S" }, expected: [{ path: PATH, actual: "PT5S", limit: "PT4S", actualIsDefault: true }] },
    { name: "Managed above Azure's cap", limits: { maxRequestTimeout: "PT10M" }, properties: timeout("PT3M1S"), expected: [{ path: PATH, actual: "PT3M1S", limit: "PT3M" }] },
    { name: "Kubernetes up to Azure's cap", computeType: "Kubernetes", limits: { maxRequestTimeout: "PT10M" }, properties: timeout("PT5M"), expected: [] },
    { name: "Kubernetes above Azure's cap", computeType: "Kubernetes", limits: { maxRequestTimeout: "PT10M" }, properties: timeout("PT5M1S"), expected: [{ path: PATH, actual: "PT5M1S", limit: "PT5M" }] },
    { name: "empty duration", properties: timeout("PT"), expected: [invalid(PATH, '"PT"')] },
    { name: "prose duration", properties: timeout("5 seconds"), expected: [invalid(PATH, '"5 seconds"')] },
    { name: "month duration", properties: timeout("P1M"), expected: [invalid(PATH, '"P1M"')] },
    { name: "negative duration", properties: timeout("-PT5S"), expected: [invalid(PATH, '"-PT5S"')] },
    { name: "number instead of string", properties: timeout(12), expected: [invalid(PATH, "12")] },
    { name: "invalid compute type", computeType: "Serverless", properties: timeout("PT10S"), expected: [invalid("properties.endpointComputeType", '"Serverless"')] },
  ],
  [{ name: "timeout", field: ["requestSettings", "requestTimeoutMs"], path: PATH }],
);
