import * as pulumi from "@pulumi/pulumi";
import type { StackValidationPolicy } from "@pulumi/policy";
import { runStackRule } from "../src/engine/evaluate-stack";
import type { ResourceRef } from "../src/model/deployment";
import type { StackRule } from "../src/rules/stack/stack-rule";
import { isAutoscaleSettingType, isOnlineDeploymentType } from "../src/sources/pulumi-types";
import { policyMetadataOf } from "./deployment-policy";
import { policyLimits } from "./pack-config";
import { reportFinding, reportMandatory } from "./report";
import { secretsOf, stackDeployments } from "./stack-resources";

/** Wraps a stack rule, such as the core budget, as a stack policy named by the rule id. */
export function stackRulePolicy(rule: StackRule): StackValidationPolicy {
  return {
    ...policyMetadataOf(rule),
    validateStack: (args, reportViolation) => {
      const deployments = stackDeployments(args.resources);
      if (deployments.length === 0) {
        args.notApplicable("the stack has no OnlineDeployment");
      }

      const limits = policyLimits(rule, args);
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

      // A finding on the whole stack quotes the names, instance types and counts of every deployment, so a secret
      // in any of those fields, or in an object that contains them, hides the values.
      const allSecrets = secretsOf(args.resources.filter((resource) => isOnlineDeploymentType(resource.type) || isAutoscaleSettingType(resource.type)));
      const stackSecrets = allSecrets === undefined || allSecrets.some(holdsQuotaInput) ? undefined : [];
      for (const finding of findings) {
        const own = deployments.find(({ deployment }) => deployment.ref === finding.resource);
        reportFinding(reportViolation, finding, own === undefined ? { secretPaths: stackSecrets } : { urn: own.urn, secretPaths: own.secretPaths });
      }
    },
  };
}

// The message names each deployment, which `deploymentName`, or the `name` output after apply, holds.
const QUOTA_INPUT = /^(properties|onlineDeploymentProperties|sku|profiles|deploymentName|name)$|^(properties|onlineDeploymentProperties)\.(instanceType|endpointComputeType)$|^sku\.capacity$|^profiles\[/;

function holdsQuotaInput(secretPath: string): boolean {
  return QUOTA_INPUT.test(secretPath);
}
