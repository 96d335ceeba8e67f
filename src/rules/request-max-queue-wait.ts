import { durationLimit } from "../config/schema-types";
import { checkRange } from "./bounds";
import { defineRule } from "./rule";

export const requestMaxQueueWait = defineRule({
  id: "request-max-queue-wait",
  description: "A deployment's maximum queue wait must stay within the organization's maximum.",
  severity: "low",
  rationale:
    "A request that waits long in the queue holds the caller and adds latency before scoring starts; Azure deprecates " +
    "the setting for managed online endpoints and advises raising the request timeout instead.",
  remediation:
    "Lower requestSettings.maxQueueWait (max_queue_wait_ms in CLI YAML) to the maximum or below; on a Managed deployment remove it and raise requestSettings.requestTimeout instead.",
  azureFact: {
    statement:
      "requestSettings.maxQueueWait defaults to PT0.5S (500 ms) and is deprecated for managed online deployments, " +
      "where Azure advises increasing request_timeout_ms instead.",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (OnlineRequestSettings); " +
      "https://learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-managed-online",
  },
  defaultEnforcementLevel: "advisory",
  limits: {
    maxQueueWait: durationLimit("Maximum time a request may wait in the queue (ISO 8601 duration).", "PT1S"),
  },

  check(deployment, limits, context) {
    const computeType = context.read(deployment.computeType);
    const wait = context.read(deployment.requestSettings.maxQueueWaitMs);
    if (computeType === undefined || wait === undefined) {
      return;
    }
    // Azure deprecates the setting for Managed deployments, so the fix there is to stop relying on it. The paths
    // are spelled as the source spells them, so a CLI YAML file gets its own keys.
    const timeoutPath = deployment.requestSettings.requestTimeoutMs.path;
    const note = computeType.value === "Managed" ? `Azure deprecates ${wait.path} for Managed deployments: raise ${timeoutPath} instead.` : undefined;
    checkRange(context, { label: "Maximum queue wait", value: wait, unit: "duration", maximum: limits.maxQueueWait, note });
  },
});
