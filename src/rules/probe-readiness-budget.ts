import { durationLimit } from "../config/schema-types";
import { formatIsoDuration } from "../model/duration";
import { describeDurationAt } from "../model/spelling";
import { defineRule } from "./rule";

export const probeReadinessBudget = defineRule({
  id: "probe-readiness-budget",
  description: "The time a container has to become ready, initialDelay + failureThreshold × period of the readiness probe, must stay within the organization's maximum.",
  severity: "medium",
  rationale:
    "initialDelay + failureThreshold × period is how long the readiness probe may keep failing before it reports the " +
    "container not ready, so a long budget makes a container that never loads look like one still starting, and a " +
    "broken rollout surfaces late while it holds quota.",
  remediation: "Lower the readinessProbe's initialDelay, failureThreshold or period so their budget fits the maximum, or speed up model loading.",
  azureFact: {
    statement:
      "Probe settings default to an initial delay of 10 seconds, failureThreshold 30 and period PT10S, so by Kubernetes " +
      "probe semantics a probe with defaults reports failure after about 10 + 30 × 10 = 310 seconds (a derived figure).",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (ProbeSettings); " +
      "https://learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-managed-online; " +
      "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
  },
  defaultEnforcementLevel: "mandatory",
  limits: {
    maxReadinessBudget: durationLimit("Longest allowed initialDelay + failureThreshold × period of the readiness probe (ISO 8601 duration).", "PT10M"),
  },

  check(deployment, limits, context) {
    const probe = deployment.probes.readiness;
    const delay = context.read(probe.initialDelayMs);
    const threshold = context.read(probe.failureThreshold);
    const period = context.read(probe.periodMs);
    if (delay === undefined || threshold === undefined || period === undefined) {
      return;
    }

    const budget = delay.value + threshold.value * period.value;
    if (budget <= limits.maxReadinessBudget) {
      return;
    }
    const allDefault = delay.isDefault && threshold.isDefault && period.isDefault;
    // With some terms set, each default one is marked, so the sum does not read as values the source spells.
    const marked = (text: string, isDefault: boolean): string => (isDefault && !allDefault ? `${text} (Azure default, not set)` : text);
    const parts =
      `${marked(describeDurationAt(delay.path, delay.value), delay.isDefault)} + ` +
      `${marked(String(threshold.value), threshold.isDefault)} × ${marked(describeDurationAt(period.path, period.value), period.isDefault)}`;
    const maximum = formatIsoDuration(limits.maxReadinessBudget);
    const maximumText = describeDurationAt(period.path, limits.maxReadinessBudget);
    context.report({
      path: probe.declared.path,
      actual: formatIsoDuration(budget),
      actualIsDefault: allDefault,
      limit: maximum,
      message:
        `Readiness probe budget (initialDelay + failureThreshold × period) is ${describeDurationAt(period.path, budget)} = ${parts}` +
        `${allDefault ? " (Azure defaults, not set)" : ""}, above the maximum of ${maximumText}. ` +
        `Lower ${threshold.path}, ${period.path} or ${delay.path} so the sum is ${maximumText} or less.`,
    });
  },
});
