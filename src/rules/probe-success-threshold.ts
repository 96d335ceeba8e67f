import { integerLimit } from "../config/schema-types";
import { checkRange } from "./bounds";
import { type Remediation, defineRule, describeValue } from "./rule";

// Azure fixes the liveness probe's success threshold at 1; Kubernetes rejects any other value for liveness probes.
const FIXED_SUCCESS_THRESHOLD = 1;

export const probeSuccessThreshold = defineRule({
  id: "probe-success-threshold",
  description: "The liveness probe's success threshold must be 1, and the readiness probe's must stay within the organization's maximum.",
  severity: "medium",
  rationale:
    "Azure rejects a liveness success threshold other than 1, so the deployment fails at create time; a high " +
    "readiness threshold keeps a recovered container out of rotation for several periods.",
  remediation: "Set livenessProbe.successThreshold to 1, and readinessProbe.successThreshold (success_threshold in CLI YAML) to the maximum or below.",
  azureFact: {
    statement: "A probe's successThreshold defaults to 1 with a minimum of 1; for the liveness probe it is fixed at 1.",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (ProbeSettings); " +
      "https://learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-managed-online",
  },
  defaultEnforcementLevel: "mandatory",
  limits: {
    maxReadinessSuccessThreshold: integerLimit("Highest allowed successThreshold of the readiness probe.", 3, 1),
  },

  check(deployment, limits, context) {
    const liveness = context.read(deployment.probes.liveness.successThreshold);
    if (liveness !== undefined && liveness.value !== FIXED_SUCCESS_THRESHOLD) {
      context.report({
        path: liveness.path,
        actual: liveness.value,
        actualIsDefault: liveness.isDefault,
        limit: FIXED_SUCCESS_THRESHOLD,
        message: `Liveness probe success threshold is ${describeValue(liveness)}, but Azure requires ${FIXED_SUCCESS_THRESHOLD}. Set ${liveness.path} to ${FIXED_SUCCESS_THRESHOLD}.`,
      });
    }

    const readiness = context.read(deployment.probes.readiness.successThreshold);
    if (readiness !== undefined) {
      checkRange(context, {
        label: "Readiness probe success threshold",
        value: readiness,
        unit: "count",
        minimum: 1,
        maximum: limits.maxReadinessSuccessThreshold,
        minimumName: "Azure's minimum of 1",
      });
    }
  },

  // Only the liveness value has one correct setting. A readiness threshold is a trade-off the team makes.
  remediate(deployment): Remediation[] {
    const threshold = deployment.probes.liveness.successThreshold;
    return threshold.state === "set" && threshold.value !== FIXED_SUCCESS_THRESHOLD ? [{ path: threshold.path, value: FIXED_SUCCESS_THRESHOLD }] : [];
  },
});
