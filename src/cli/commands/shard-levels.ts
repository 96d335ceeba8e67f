import type { ResourceResult } from "../../findings/finding";
import { RULES } from "../../rules/index";

/** The parts of a shard that the level check reads. */
export interface ShardLevels {
  readonly file: string;
  readonly results: readonly ResourceResult[];
  /** The origin of the shard's limits, as `evidence.limits.source` states it: `file`, `built-in` or `not-recorded`. */
  readonly limitsSource: string;
  /** Whether some results come from a Pulumi event log, whose levels the pack's config set. */
  readonly fromEventLog: boolean;
}

// Each rule's level when no limits file sets it. A remediate level judges as mandatory, and a value not known
// until deployment is judged at the rule's `unknownValues` level, advisory by default.
const DEFAULT_LEVELS: ReadonlyMap<string, string> = new Map(
  RULES.flatMap((rule) => [
    [rule.id, rule.defaultEnforcementLevel === "remediate" ? "mandatory" : rule.defaultEnforcementLevel],
    [unknownKey(rule.id), "advisory"],
  ]),
);

/**
 * Returns why the shards' findings show levels their limits cannot give, or undefined. `check` and `audit` give
 * every finding of a rule the rule's level from the limits, except a value not known until deployment, which
 * takes the rule's `unknownValues` level. So within one run and across shards that share a limits file, a rule
 * has one level and one level for unknown values, and is disabled everywhere or nowhere. With the built-in limits
 * those levels are the rule's defaults. A shard that lowered a finding to advisory would otherwise pass a gate it
 * failed. Resources that an event log gave are judged with the pack's config, which the merge cannot see.
 */
export function levelInconsistency(shards: readonly ShardLevels[]): string | undefined {
  const seen = new Map<string, { readonly level: string; readonly file: string }>();
  for (const shard of shards) {
    for (const [ruleId, level] of levelsOf(shard)) {
      if (level.includes(" and ")) {
        return `${shard.file} judges rule ${ruleId} as ${level} in one run`;
      }
      const expected = shard.limitsSource === "built-in" ? (DEFAULT_LEVELS.get(ruleId) ?? level) : undefined;
      if (expected !== undefined && level !== expected) {
        return `${shard.file} judges rule ${ruleId} as ${level}, but the built-in limits give it ${expected}`;
      }
      const first = seen.get(ruleId);
      if (first !== undefined && first.level !== level) {
        return `${first.file} judges rule ${ruleId} as ${first.level} and ${shard.file} as ${level}, with the same limits`;
      }
      seen.set(ruleId, first ?? { level, file: shard.file });
    }
  }
  return undefined;
}

/** Returns each rule's level in one shard (`disabled` for a disabled rule), or all its levels joined by "and". */
function levelsOf(shard: ShardLevels): Map<string, string> {
  const levels = new Map<string, Set<string>>();
  const note = (ruleId: string, level: string) => levels.set(ruleId, (levels.get(ruleId) ?? new Set()).add(level));
  for (const result of shard.results.filter((candidate) => !shard.fromEventLog || candidate.resource.source !== "pulumi")) {
    for (const rule of result.rules) {
      if (rule.outcome === "disabled") {
        note(rule.ruleId, "disabled");
      }
    }
    for (const finding of result.findings) {
      note(finding.kind === "unknown" ? unknownKey(finding.ruleId) : finding.ruleId, finding.enforcementLevel);
    }
  }
  return new Map([...levels].map(([ruleId, set]) => [ruleId, [...set].sort().join(" and ")]));
}

// Unknown values have a level of their own, kept under this key.
function unknownKey(ruleId: string): string {
  return `${ruleId} (unknown values)`;
}
