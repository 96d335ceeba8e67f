import { durationLimit } from "../config/schema-types";
import { checkRange } from "./bounds";
import { defineRule } from "./rule";

export const scalePollingInterval = defineRule({
  id: "scale-polling-interval",
  description: "The polling interval of a TargetUtilization deployment must stay within the organization's range.",
  severity: "low",
  rationale:
    "A long interval delays scale-out until the spike has already caused failures; a sub-second interval makes the " +
    "autoscaler react to noise.",
  remediation: "Set scaleSettings.pollingInterval (polling_interval in CLI YAML, in seconds) within the range.",
  azureFact: {
    statement: "scaleSettings.pollingInterval defaults to PT1S, with a precision as low as seconds.",
    source: "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (TargetUtilizationScaleSettings)",
  },
  defaultEnforcementLevel: "mandatory",
  ranges: [["minPollingInterval", "maxPollingInterval"]],
  limits: {
    minPollingInterval: durationLimit("Shortest allowed polling interval (ISO 8601 duration).", "PT1S"),
    maxPollingInterval: durationLimit("Longest allowed polling interval (ISO 8601 duration).", "PT1M"),
  },

  check(deployment, limits, context) {
    // Azure reads the interval only for the TargetUtilization scale type.
    if (context.read(deployment.scaleSettings.scaleType)?.value !== "TargetUtilization") {
      return;
    }
    const interval = context.read(deployment.scaleSettings.pollingIntervalMs);
    if (interval === undefined) {
      return;
    }
    checkRange(context, {
      label: "Polling interval",
      value: interval,
      unit: "duration",
      minimum: limits.minPollingInterval,
      maximum: limits.maxPollingInterval,
    });
  },
});
