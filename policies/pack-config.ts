import type { ResourceValidationArgs } from "@pulumi/policy";
import { ConfigError, type ConfigurableRule, resolveConfig } from "../src/config/limits";
import { configGeneration } from "./config-keys";

export type PolicyLimits = { readonly ok: true; readonly limits: unknown } | { readonly ok: false; readonly message: string };

// @pulumi/policy 1.21.0 changes a policy's config only in Configure, so each rule parses it once per Configure.
const cache = new Map<string, { readonly generation: number; readonly result: PolicyLimits }>();

/**
 * Validates one policy's config with the zod schema the CLI uses. The Pulumi engine checks the config file
 * only against each policy's JSON Schema `properties`, without rejecting unknown keys, so a misspelled key
 * reaches the pack. Here it fails with the key named instead of being ignored.
 */
export function policyLimits(rule: ConfigurableRule, args: Pick<ResourceValidationArgs, "getConfig">): PolicyLimits {
  const generation = configGeneration();
  const cached = cache.get(rule.id);
  if (cached !== undefined && cached.generation === generation) {
    return cached.result;
  }

  const result = resolvePolicyLimits(rule, args.getConfig());
  if (generation !== undefined) {
    cache.set(rule.id, { generation, result });
  }
  return result;
}

function resolvePolicyLimits(rule: ConfigurableRule, config: object): PolicyLimits {
  try {
    const resolved = resolveConfig({ [rule.id]: config }, [rule], `policy pack config for ${rule.id}`);
    return { ok: true, limits: resolved.rules.get(rule.id)?.limits };
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      throw error;
    }
    return {
      ok: false,
      message: `${error.message}\nFix the file passed to --policy-pack-config: amlguard does not judge deployments with limits it cannot read.`,
    };
  }
}
