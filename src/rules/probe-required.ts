import * as z from "zod";
import type { ProbeKind } from "../model/deployment";
import { PROBE_KINDS, probeLabel } from "./probe-kinds";
import { defineRule } from "./rule";

export const probeRequired = defineRule({
  id: "probe-required",
  description: "A deployment must declare the required health probes explicitly instead of relying on Azure's defaults.",
  severity: "medium",
  rationale:
    "Azure's default probes wait 10 seconds and allow 30 failures 10 seconds apart, which rarely matches a model's " +
    "load time; declaring each probe makes the team choose how long a container has to start and how fast a hung " +
    "one is replaced.",
  remediation: "Declare livenessProbe and readinessProbe (liveness_probe and readiness_probe in CLI YAML) with settings chosen for the model's load time.",
  azureFact: {
    statement:
      "Probe settings default to period PT10S, timeout PT2S, successThreshold 1 and failureThreshold 30, with an " +
      "initial delay of 10 seconds; the startupProbe exists in api-version 2025-06-01 and runs only when configured.",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (ProbeSettings, OnlineDeployment); " +
      "https://learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-managed-online",
  },
  defaultEnforcementLevel: "advisory",
  limits: {
    requiredProbes: z
      .array(z.enum(PROBE_KINDS as [ProbeKind, ...ProbeKind[]]))
      .default(["liveness", "readiness"])
      .describe("Probes every deployment must declare: any of liveness, readiness and startup."),
  },

  check(deployment, limits, context) {
    for (const kind of PROBE_KINDS) {
      if (!limits.requiredProbes.includes(kind)) {
        continue;
      }
      const declared = context.read(deployment.probes[kind].declared);
      if (declared === undefined || declared.value) {
        continue;
      }
      const fallback = kind === "startup" ? "no startup probe runs" : "Azure applies its default probe";
      context.report({
        path: declared.path,
        actual: false,
        actualIsDefault: declared.isDefault,
        limit: true,
        message: `${probeLabel(kind)} is not declared, so ${fallback}. Declare ${declared.path} with explicit settings.`,
      });
    }
  },
});
