// First, so that zod creates every schema of the pack without its compiler (see zod-config.ts).
import "./zod-config";
import { PolicyPack } from "@pulumi/policy";
import { RULES } from "../src/rules/index";
import { STACK_RULES } from "../src/rules/stack/index";
import { installConfigKeyTracking } from "./config-keys";
import { deploymentPolicy } from "./deployment-policy";
import { exemptionsPolicy } from "./exemptions-policy";
import { limitsFilePolicy } from "./limits-file-policy";
import { installRequestDecoding } from "./request-decoding";
import { installResponseEncoding } from "./response-encoding";
import { installSecretTracking } from "./secret-paths";
import { stackRulePolicy } from "./stack-rule-policy";
import { installTypeFilter, trackPolicyLoops } from "./type-filter";

// The Pulumi CLI reads the pack's port from the first line of stdout, so nothing here may write to stdout.

// Before the pack serves, so that every request passes through the tracking.
installRequestDecoding();
installResponseEncoding();
installSecretTracking();
installConfigKeyTracking();
installTypeFilter();

const rulePolicies = [...RULES.map(deploymentPolicy), ...STACK_RULES.map(stackRulePolicy), exemptionsPolicy()];

new PolicyPack("amlguard", {
  description: "Organization limits for Azure Machine Learning online deployments: request timeouts, probes, scaling, egress and quota.",
  policies: trackPolicyLoops([...rulePolicies, limitsFilePolicy(rulePolicies.map((policy) => policy.name))]),
});
