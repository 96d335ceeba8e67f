import { describeDurationAt, durationSettingAt, durationSpellingOf, enumSettingAt } from "../../src/model/spelling";

describe("durationSpellingOf", () => {
  test.each([
    ["properties.requestSettings.requestTimeout", "iso8601"],
    ["onlineDeploymentProperties.livenessProbe.period", "iso8601"],
    ["request_settings.request_timeout_ms", "milliseconds"],
    ["liveness_probe.period", "seconds"],
    ["scale_settings.polling_interval", "seconds"],
  ])("%s is %s", (path, spelling) => {
    expect(durationSpellingOf(path)).toBe(spelling);
  });
});

describe("duration rendering", () => {
  test.each([
    ["properties.requestSettings.requestTimeout", 90_000, "PT1M30S", "PT1M30S"],
    ["request_settings.request_timeout_ms", 90_000, "90000 ms", "90000"],
    ["readiness_probe.initial_delay", 1_500, "1.5 s", "1.5"],
  ])("%s renders %d", (path, milliseconds, sentence, setting) => {
    expect(describeDurationAt(path, milliseconds)).toBe(sentence);
    expect(durationSettingAt(path, milliseconds)).toBe(setting);
  });
});

describe("enumSettingAt", () => {
  test.each([
    ["properties.egressPublicNetworkAccess", "Disabled", "Disabled"],
    ["egress_public_network_access", "Disabled", "disabled"],
    ["scale_settings.type", "TargetUtilization", "target_utilization"],
    ["properties.scaleSettings.scaleType", "TargetUtilization", "TargetUtilization"],
  ])("%s spells %s", (path, value, expected) => {
    expect(enumSettingAt(path, value)).toBe(expected);
  });
});
