import { ConfigError, type ConfigurableRule, resolveConfig } from "../src/config/limits";

export type PolicyLimits = { readonly ok: true; readonly limits: unknown } | { readonly ok: false; readonly message: string };

// The engine sends the same config on every call, so each rule parses it once per distinct config.
const cache = new Map<string, { readonly config: object; readonly key: string; readonly result: PolicyLimits }>();

/**
 * Validates one policy's config with the zod schema the CLI uses. The Pulumi engine checks the config file
 * only against each policy's JSON Schema `properties`, without rejecting unknown keys, so a misspelled key
 * reaches the pack. Here it fails with the key named instead of being ignored.
 */
export function policyLimits(rule: ConfigurableRule, config: object): PolicyLimits {
  const cached = cache.get(rule.id);
  // @pulumi/policy 1.21.0 returns a fresh shallow copy of the same config on every call, so comparing the
  // top-level values skips serializing the config on each request. The SDK and the pack never change a
  // nested value in place, which this comparison would miss.
  if (cached !== undefined && sameValues(cached.config, config)) {
    return cached.result;
  }
  const key = JSON.stringify(config);
  if (cached?.key === key) {
    cache.set(rule.id, { ...cached, config: { ...config } });
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
  cache.set(rule.id, { config: { ...config }, key, result });
  return result;
}

function sameValues(a: object, b: object): boolean {
  const aKeys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  if (aKeys.length !== Object.keys(b).length) {
    return false;
  }
  return aKeys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && (a as Record<string, unknown>)[key] === bRecord[key]);
}
