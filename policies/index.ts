import { PolicyPack } from "@pulumi/policy";
import { RULES } from "../src/rules/index";
import { STACK_RULES } from "../src/rules/stack/index";
import { deploymentPolicy } from "./deployment-policy";
import { installSecretTracking } from "./secret-paths";
import { stackRulePolicy } from "./stack-rule-policy";

// The Pulumi CLI reads the pack's port from the first line of stdout, so nothing here may write to stdout.

// Before the pack serves, so that every request's properties pass through the secret tracking.
installSecretTracking();

new PolicyPack("amlguard", {
  description: "Organization limits for Azure Machine Learning online deployments: request timeouts, probes, scaling, egress and quota.",
  policies: [...RULES.map(deploymentPolicy), ...STACK_RULES.map(stackRulePolicy)],
});
