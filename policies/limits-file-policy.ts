import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { LIMITS_FILE_POLICY_METADATA } from "../src/rules/pack-policies";
import { isOnlineDeploymentType } from "../src/sources/pulumi-types";
import { unknownConfigKeys } from "./config-keys";
import { reportMandatory } from "./report";
import { stopAsNotApplicable } from "./not-applicable";
import { forOnlineDeployments } from "./type-filter";

export const LIMITS_FILE_POLICY = LIMITS_FILE_POLICY_METADATA.name;

/**
 * Builds the policy that checks the limits file's top-level keys, which no rule's own config shows. It reports
 * a misspelled rule id on every OnlineDeployment, so the preview fails instead of silently using defaults.
 */
export function limitsFilePolicy(policyNames: readonly string[]): ResourceValidationPolicy {
  const knownNames = [...policyNames, LIMITS_FILE_POLICY];
  return {
    name: LIMITS_FILE_POLICY,
    description: "Every key of the limits file must name a rule of the pack, all, or environments.",
    enforcementLevel: "mandatory",
    severity: LIMITS_FILE_POLICY_METADATA.severity,
    remediationSteps: "Correct or remove the key in the file passed to --policy-pack-config.",
    validateResource: forOnlineDeployments((args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      if (!isOnlineDeploymentType(args.type)) {
        stopAsNotApplicable(args, `amlguard judges Azure Machine Learning OnlineDeployment resources, not ${args.type}`);
      }
      const problems = unknownConfigKeys(knownNames);
      if (problems.length > 0) {
        const list = problems.map((problem) => `  - ${problem}`).join("\n");
        reportMandatory(reportViolation, `Invalid policy pack config:\n${list}\nFix the file passed to --policy-pack-config.`, args.urn);
      }
    }),
  };
}
