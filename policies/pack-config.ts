import { ConfigError, type ConfigurableRule, resolveConfig } from "../src/config/limits";

export type PolicyLimits = { readonly ok: true; readonly limits: unknown } | { readonly ok: false; readonly message: string };

// The engine sends the same config on every call, so each rule parses it once per distinct config.
const cache = new Map<string, { readonly key: string; readonly result: PolicyLimits }>();

/**
 * Validates one policy's config with the zod schema the CLI uses. The Pulumi engine checks the config file
 * only against each policy's JSON Schema `properties`, without rejecting unknown keys, so a misspelled key
 * reaches the pack. Here it fails with the key named instead of being ignored.
 */
export function policyLimits(rule: ConfigurableRule, config: object): PolicyLimits {
  const key = JSON.stringify(config);
  const cached = cache.get(rule.id);
  if (cached?.key === key) {
    return cached.result;
  }

  let result: PolicyLimits;
  try {
    const resolved = resolveConfig({ [rule.id]: config }, [rule], `policy pack config for ${rule.id}`);
    result = { ok: true, limits: resolved.rules.get(rule.id)?.limits };
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      throw error;
    }
    result = {
      ok: false,
      message: `${error.message}\nFix the file passed to --policy-pack-config: amlguard does not judge deployments with limits it cannot read.`,
    };
  }
  cache.set(rule.id, { key, result });
  return result;
}
