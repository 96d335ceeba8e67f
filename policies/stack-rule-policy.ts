import * as pulumi from "@pulumi/pulumi";
import type { StackValidationPolicy } from "@pulumi/policy";
import { runStackRule } from "../src/engine/evaluate-stack";
import type { ResourceRef } from "../src/model/deployment";
import type { StackRule } from "../src/rules/stack/stack-rule";
import { isOnlineDeploymentType } from "../src/sources/pulumi-types";
import { configSchemaOf, helpUriOf } from "./deployment-policy";
import { policyLimits } from "./pack-config";
import { reportFinding, reportMandatory } from "./report";
import { secretsOf, stackDeployments } from "./stack-resources";

/** Wraps a stack rule, such as the core budget, as a stack policy named by the rule id. */
export function stackRulePolicy(rule: StackRule): StackValidationPolicy {
  const url = helpUriOf(rule);
  return {
    name: rule.id,
    description: rule.description,
    enforcementLevel: rule.defaultEnforcementLevel,
    severity: rule.severity,
    remediationSteps: rule.remediation,
    ...(url === undefined ? {} : { url }),
    configSchema: configSchemaOf(rule),
    validateStack: (args, reportViolation) => {
      const deployments = stackDeployments(args.resources);
      if (deployments.length === 0) {
        args.notApplicable("the stack has no OnlineDeployment");
      }

      const limits = policyLimits(rule, args.getConfig());
      if (!limits.ok) {
        reportMandatory(reportViolation, limits.message);
        return;
      }

      const stack: ResourceRef = { name: `stack ${pulumi.getStack()}`, source: "pulumi" };
      const findings = runStackRule(
        rule,
        deployments.map(({ deployment }) => deployment),
        limits.limits,
        "mandatory",
        stack,
      );

      // A finding on the whole stack may quote values of any deployment, so any secret among them hides values.
      const allSecrets = secretsOf(args.resources.filter((resource) => isOnlineDeploymentType(resource.type)));
      const stackSecrets = allSecrets !== undefined && allSecrets.length === 0 ? [] : undefined;
      for (const finding of findings) {
        const own = deployments.find(({ deployment }) => deployment.ref === finding.resource);
        reportFinding(reportViolation, finding, own === undefined ? { secretPaths: stackSecrets } : { urn: own.urn, secretPaths: own.secretPaths });
      }
    },
  };
}
