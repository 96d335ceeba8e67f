import { durationLimit } from "../config/schema-types";
import { describeDurationAt } from "../model/spelling";
import { checkRange } from "./bounds";
import { defineRule } from "./rule";

// Azure rejects longer scoring timeouts: 180 seconds on managed compute, 300 seconds on Kubernetes.
const AZURE_MAX_TIMEOUT_MS = { Managed: 180_000, Kubernetes: 300_000 } as const;

export const requestTimeout = defineRule({
  id: "request-timeout",
  description: "A deployment's scoring request timeout must stay within the organization's maximum and Azure's cap.",
  severity: "medium",
  rationale:
    "A long request timeout holds an instance's concurrency slot while a client waits, so a few slow requests " +
    "exhaust capacity and callers see 429 responses instead of fast failures.",
  remediation: "Lower requestSettings.requestTimeout (request_timeout_ms in CLI YAML) to the maximum or below.",
  azureFact: {
    statement:
      "requestSettings.requestTimeout defaults to PT5S; Azure allows at most 180 seconds on managed online endpoints " +
      "and 300 seconds on Kubernetes online endpoints.",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (OnlineRequestSettings); " +
      "https://learn.microsoft.com/azure/machine-learning/how-to-manage-quotas (Azure Machine Learning online endpoints)",
  },
  defaultEnforcementLevel: "mandatory",
  limits: {
    maxRequestTimeout: durationLimit("Maximum scoring request timeout (ISO 8601 duration).", "PT90S"),
  },

  check(deployment, limits, context) {
    const computeType = context.read(deployment.computeType);
    const timeout = context.read(deployment.requestSettings.requestTimeoutMs);
    if (computeType === undefined || timeout === undefined) {
      return;
    }

    const azureMax = AZURE_MAX_TIMEOUT_MS[computeType.value];
    const limit = Math.min(limits.maxRequestTimeout, azureMax);
    const maximumName =
      limit === azureMax ? `Azure's maximum of ${describeDurationAt(timeout.path, azureMax)} for ${computeType.value} deployments` : undefined;
    checkRange(context, { label: "Request timeout", value: timeout, unit: "duration", maximum: limit, maximumName });
  },
});
