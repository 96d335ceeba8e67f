import { requestMaxQueueWait } from "../../src/rules/request-max-queue-wait";
import { findingsOf, findingsOfYaml, describeRuleCases, invalid } from "./rule-table";

const PATH = "properties.requestSettings.maxQueueWait";
const wait = (value: unknown) => ({ requestSettings: { maxQueueWait: value } });

describeRuleCases(
  requestMaxQueueWait,
  [
    { name: "at the maximum", properties: wait("PT1S"), expected: [] },
    { name: "one millisecond past", properties: wait("PT1.001S"), expected: [{ path: PATH, actual: "PT1.001S", limit: "PT1S" }] },
    { name: "unset within the maximum", expected: [] },
    { name: "unset above a lower maximum", limits: { maxQueueWait: "PT0.4S" }, expected: [{ path: PATH, actual: "PT0.5S", limit: "PT0.4S", actualIsDefault: true }] },
    { name: "Kubernetes past the maximum", computeType: "Kubernetes", properties: wait("PT5M"), expected: [{ path: PATH, actual: "PT5M", limit: "PT1S" }] },
    { name: "empty duration", properties: wait("PT"), expected: [invalid(PATH, '"PT"')] },
    { name: "prose duration", properties: wait("5 seconds"), expected: [invalid(PATH, '"5 seconds"')] },
    { name: "month duration", properties: wait("P1M"), expected: [invalid(PATH, '"P1M"')] },
    { name: "negative duration", properties: wait("-PT5S"), expected: [invalid(PATH, '"-PT5S"')] },
    { name: "number instead of string", properties: wait(12), expected: [invalid(PATH, "12")] },
  ],
  [{ name: "queue wait", field: ["requestSettings", "maxQueueWaitMs"], path: PATH }],
);

describe("request-max-queue-wait messages", () => {
  test("Managed message names the deprecation", () => {
    const [finding] = findingsOf(requestMaxQueueWait, { properties: wait("PT5S") });
    expect(finding.message).toContain(`Azure deprecates ${PATH} for Managed deployments: raise properties.requestSettings.requestTimeout instead.`);
  });

  test("CLI YAML names its own keys", () => {
    const text = "name: blue\nendpoint_name: ep\ninstance_type: Standard_DS3_v2\nrequest_settings:\n  max_queue_wait_ms: 5000\n";

    const [finding] = findingsOfYaml(requestMaxQueueWait, text);

    expect(finding?.message).toContain("Azure deprecates request_settings.max_queue_wait_ms for Managed deployments: raise request_settings.request_timeout_ms instead.");
  });

  test("Kubernetes message omits the deprecation", () => {
    const [finding] = findingsOf(requestMaxQueueWait, { computeType: "Kubernetes", properties: wait("PT5S") });
    expect(finding.message).not.toContain("deprecates");
  });

  test("message follows the house form", () => {
    const [finding] = findingsOf(requestMaxQueueWait, {}, { maxQueueWait: "PT0.4S" });
    expect(finding.message).toMatch(/^Maximum queue wait is PT0\.5S \(Azure default, not set\), above the maximum of PT0\.4S\. Set properties\.requestSettings\.maxQueueWait to PT0\.4S or less\./);
  });
});
