import { EXEMPTIONS_KEY, closest } from "../src/config/limits";

/**
 * The Pulumi engine accepts a limits file key that names no policy (a misspelled rule id) without an error and
 * passes it on in `Configure`, and @pulumi/policy 1.21.0 keeps the config map to itself. This module records
 * the keys of each `Configure` request by wrapping the generated protobuf getter that the SDK's handler calls,
 * so the pack can report an unknown key instead of ignoring it.
 */

// Keys the engine adds or accepts beside policy names: `all` sets every policy's level, and `environments`
// lists Pulumi ESC environments.
const RESERVED_KEYS = ["all", "environments"];

let configuredKeys: readonly string[] = [];
let configuredExemptions: unknown = undefined;
// Counts the Configure requests seen. Undefined until the getter is wrapped, because then no request is seen.
let generation: number | undefined = undefined;

interface PolicyConfigMap {
  keys(): Iterable<string>;
  get(key: string): { getProperties(): { toJavaScript(): Record<string, unknown> } | undefined } | undefined;
}

/** Wraps the getter once. Returns false when the generated code no longer has the expected shape. */
export function installConfigKeyTracking(): boolean {
  const analyzer = require("@pulumi/pulumi/proto/analyzer_pb") as {
    ConfigureAnalyzerRequest?: { prototype: { getPolicyconfigMap?: (noLazyCreate?: boolean) => PolicyConfigMap } };
  };
  const prototype = analyzer.ConfigureAnalyzerRequest?.prototype;
  const original = prototype?.getPolicyconfigMap;
  if (prototype === undefined || typeof original !== "function") {
    return false;
  }

  prototype.getPolicyconfigMap = function (this: unknown, noLazyCreate?: boolean) {
    const map = original.call(this, noLazyCreate);
    configuredKeys = [...map.keys()];
    configuredExemptions = map.get(EXEMPTIONS_KEY)?.getProperties()?.toJavaScript().entries;
    generation = (generation ?? 0) + 1;
    return map;
  };
  generation = 0;
  return true;
}

/**
 * Returns a number that changes with every `Configure` request, so a value derived from the config can be
 * reused until the next one. Returns undefined when requests cannot be seen, and then nothing may be reused.
 */
export function configGeneration(): number | undefined {
  return generation;
}

/**
 * Returns the `entries` of the `exemptions` policy's config as the engine sent them, unvalidated. Each policy
 * receives only its own config through the SDK, and every rule's policy needs these entries to waive its findings.
 */
export function configuredExemptionEntries(): unknown {
  return configuredExemptions;
}

/**
 * Returns one message per configured key that names no policy of the pack, with the closest policy name,
 * or an empty list when every key is known.
 */
export function unknownConfigKeys(policyNames: readonly string[]): readonly string[] {
  // Every Analyze request checks the keys again, and they change only with the next Configure.
  if (lastCheck?.keys === configuredKeys && lastCheck.policyNames === policyNames) {
    return lastCheck.problems;
  }
  const problems = listUnknownKeys(policyNames);
  lastCheck = { keys: configuredKeys, policyNames, problems };
  return problems;
}

let lastCheck: { readonly keys: readonly string[]; readonly policyNames: readonly string[]; readonly problems: readonly string[] } | undefined;

function listUnknownKeys(policyNames: readonly string[]): string[] {
  const valid = [...RESERVED_KEYS, ...policyNames];
  return configuredKeys
    .filter((key) => !valid.includes(key))
    .map((key) => {
      const suggestion = closest(key, policyNames);
      const hint = suggestion === undefined ? `valid keys: ${valid.join(", ")}` : `did you mean "${suggestion}"?`;
      return `${key}: unknown key; ${hint}`;
    });
}
