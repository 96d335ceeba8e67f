import { integerLimit } from "../config/schema-types";
import { checkRange } from "./bounds";
import { defineRule } from "./rule";

export const requestConcurrency = defineRule({
  id: "request-concurrency",
  description: "A deployment's maximum concurrent requests per instance must stay within the organization's range.",
  severity: "medium",
  rationale:
    "Azure returns 429 once more than 2 × maxConcurrentRequestsPerInstance × instance count requests are in flight; " +
    "a value above what the scoring server's workers handle queues requests inside the container instead.",
  remediation:
    "Set requestSettings.maxConcurrentRequestsPerInstance (max_concurrent_requests_per_instance in CLI YAML) within the range, and match the inference server's WORKER_COUNT to it.",
  azureFact: {
    statement:
      "requestSettings.maxConcurrentRequestsPerInstance defaults to 1; raising it needs the WORKER_COUNT environment " +
      "variable of the inference server, and the Kubernetes reference says not to change it unless Microsoft instructs.",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (OnlineRequestSettings); " +
      "https://learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-managed-online; " +
      "https://learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-kubernetes-online",
  },
  defaultEnforcementLevel: "mandatory",
  ranges: [["minConcurrentRequestsPerInstance", "maxConcurrentRequestsPerInstance"]],
  limits: {
    minConcurrentRequestsPerInstance: integerLimit("Lowest allowed maxConcurrentRequestsPerInstance.", 1, 1),
    maxConcurrentRequestsPerInstance: integerLimit("Highest allowed maxConcurrentRequestsPerInstance.", 16, 1),
  },

  check(deployment, limits, context) {
    const concurrency = context.read(deployment.requestSettings.maxConcurrentRequestsPerInstance);
    if (concurrency === undefined) {
      return;
    }
    checkRange(context, {
      label: "Maximum concurrent requests per instance",
      value: concurrency,
      unit: "count",
      minimum: limits.minConcurrentRequestsPerInstance,
      maximum: limits.maxConcurrentRequestsPerInstance,
    });
  },
});
