import * as z from "zod";
import { ExemptionEntriesSchema, type ExemptionEntry, ExemptionEntrySchema } from "../exemptions/exemption";
import type { Rule } from "../rules/rule";
import { type EnforcementLevel, EnforcementLevelSchema, limitFormatOf } from "./schema-types";
import { closest } from "./suggestions";
// The pack, the exemptions parser and the key check import these from here.
export { closest, editDistance } from "./suggestions";
import { describeJsonValue, describeValueProblem, enumValueProblem } from "./value-problems";

/**
 * The limits file is the JSON that `pulumi preview --policy-pack-config FILE` takes. Each key is a rule id,
 * and its value is an enforcement level or an object with `enforcementLevel` and the rule's limits. The key
 * `all` sets the level of every rule that names none. The CLI and the pack parse the file with this one schema.
 */

/** Fields of a rule that the limits file reads, which deployment rules and stack rules both provide. */
export type ConfigurableRule = Pick<Rule, "id" | "limits" | "defaultEnforcementLevel" | "ranges">;

export interface RuleConfig {
  readonly enforcementLevel: EnforcementLevel;
  readonly limits: unknown;
}

export interface ResolvedConfig {
  readonly rules: ReadonlyMap<string, RuleConfig>;
  /** Entries under `exemptions.entries`, checked against the schema but not yet against the rule ids. */
  readonly exemptions: readonly ExemptionEntry[];
}

/** Raised for an invalid limits file; the message lists every bad field with its path and the fix. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

// `environments` names Pulumi ESC environments; the Pulumi CLI reads it, and amlguard accepts and ignores it.
const PULUMI_RESERVED_KEYS = { environments: z.array(z.string()).optional() };

/** Name of the pack's exemptions policy, and key of its entries in the limits file. */
export const EXEMPTIONS_KEY = "exemptions";

// The config of the pack's `exemptions` policy. The CLI applies the same entries, so preview and audit agree.
const ExemptionsConfigSchema = z.strictObject({
  enforcementLevel: EnforcementLevelSchema.optional(),
  entries: ExemptionEntriesSchema.default([]),
});

// The exemptions file takes a bare `exemptions: [...]` list, and users copy that shape over.
const LIMITS_FILE_EXEMPTIONS_SHAPE = [
  'The limits file lists exemptions under "exemptions": {"entries": [...]}, the config of the pack\'s exemptions policy, for example:',
  '  "exemptions": { "entries": [',
  '    { "resource": "/subscriptions/*/resourceGroups/ml-rg/**", "rules": ["request-timeout"], "reason": "Batch scoring", "owner": "ml-platform", "expires": "2026-12-31" } ] }',
].join("\n");

const AllSchema = z.union([EnforcementLevelSchema, z.strictObject({ enforcementLevel: EnforcementLevelSchema.optional() })]);

function ruleEntrySchema(rule: ConfigurableRule) {
  const limits = rule.limits as unknown as z.ZodObject;
  return z.union([EnforcementLevelSchema, limits.extend({ enforcementLevel: EnforcementLevelSchema.optional() })]);
}

/** Builds the strict schema of the whole limits file for a rule set. */
export function limitsFileSchema(rules: readonly ConfigurableRule[]) {
  const shape: Record<string, z.ZodType> = {
    all: AllSchema.optional(),
    ...PULUMI_RESERVED_KEYS,
    [EXEMPTIONS_KEY]: ExemptionsConfigSchema.optional(),
  };
  for (const rule of rules) {
    shape[rule.id] = ruleEntrySchema(rule).optional();
  }
  return z.strictObject(shape);
}

/** Validates a parsed limits file and applies each rule's defaults. `origin` names the file in errors. */
export function resolveConfig(raw: unknown, rules: readonly ConfigurableRule[], origin = "limits"): ResolvedConfig {
  const parsed = limitsFileSchema(rules).safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => describeIssue(issue, raw, rules));
    const shape = Array.isArray(valueAt(raw, [EXEMPTIONS_KEY])) ? `\n${LIMITS_FILE_EXEMPTIONS_SHAPE}` : "";
    throw new ConfigError(`Invalid ${origin}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}${shape}`, problems);
  }

  const file = parsed.data as Record<string, unknown>;
  const all = file.all;
  const allLevel = typeof all === "string" ? (all as EnforcementLevel) : (all as { enforcementLevel?: EnforcementLevel } | undefined)?.enforcementLevel;

  const resolved = new Map<string, RuleConfig>();
  const crossedRanges: string[] = [];
  for (const rule of rules) {
    const entry = file[rule.id];
    const entryObject = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>) : undefined;
    const entryLevel = typeof entry === "string" ? (entry as EnforcementLevel) : (entryObject?.enforcementLevel as EnforcementLevel | undefined);
    const { enforcementLevel: _level, ...limitInput } = entryObject ?? {};
    resolved.set(rule.id, {
      enforcementLevel: entryLevel ?? allLevel ?? rule.defaultEnforcementLevel,
      // An object entry was parsed above with the rule's schema, so its limits are already transformed and defaulted.
      limits: entryObject === undefined ? rule.limits.parse({}) : limitInput,
    });
    crossedRanges.push(...describeCrossedRanges(rule, resolved.get(rule.id)?.limits, raw));
  }
  if (crossedRanges.length > 0) {
    throw new ConfigError(`Invalid ${origin}:\n${crossedRanges.map((problem) => `  - ${problem}`).join("\n")}`, crossedRanges);
  }
  const exemptions = (file[EXEMPTIONS_KEY] as { entries: ExemptionEntry[] } | undefined)?.entries ?? [];
  return { rules: resolved, exemptions };
}

/** Describes each range of the rule whose minimum is above its maximum, naming where each value came from. */
function describeCrossedRanges(rule: ConfigurableRule, limits: unknown, raw: unknown): string[] {
  const values = limits as Record<string, unknown>;
  return (rule.ranges ?? []).flatMap(([minimumKey, maximumKey]) => {
    const minimum = values[minimumKey];
    const maximum = values[maximumKey];
    if (typeof minimum !== "number" || typeof maximum !== "number" || minimum <= maximum) {
      return [];
    }
    const shown = (key: string) => {
      const given = valueAt(raw, [rule.id, key]);
      return given === undefined ? "the default" : JSON.stringify(given);
    };
    return [
      `${rule.id}.${minimumKey} (${shown(minimumKey)}) is above ${rule.id}.${maximumKey} (${shown(maximumKey)}), so no deployment could pass; ` +
        `lower ${minimumKey} or raise ${maximumKey}`,
    ];
  });
}

/** Returns the default configuration: every rule at its default level with its default limits. */
export function defaultConfig(rules: readonly ConfigurableRule[]): ResolvedConfig {
  return resolveConfig({}, rules);
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, rules: readonly ConfigurableRule[]): string[] {
  const where = issue.path.length === 0 ? "(top level)" : issue.path.map(String).join(".");

  if (issue.code === "unrecognized_keys") {
    return unknownKeyProblems(issue.path, issue.keys, validKeysAt(issue.path, rules));
  }

  const value = valueAt(raw, issue.path);
  // Only `all` and the rule entries are unions of a level and an object. The union of an exemption's `rules` has its own message.
  if (issue.code === "invalid_union" && issue.path.length === 1) {
    // A rule entry is a level or an object: report the object's own problems, which are more precise than "invalid input".
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      // The level branch fails at the entry itself (invalid_value for a string, invalid_type for an object); the object branch fails inside it.
      const objectBranch = issue.errors.find(
        (branch) => !branch.some((inner) => inner.path.length === 0 && (inner.code === "invalid_type" || inner.code === "invalid_value")),
      );
      if (objectBranch !== undefined) {
        return objectBranch.flatMap((inner) => describeIssue({ ...inner, path: [...issue.path, ...inner.path] }, raw, rules));
      }
    }
    const levels = EnforcementLevelSchema.options;
    if (typeof value === "string") {
      return [`${where}: ${enumValueProblem(value, levels)}, or an object with enforcementLevel and the rule's limits`];
    }
    return [`${where}: must be one of ${levels.join(", ")}, or an object with enforcementLevel and the rule's limits, not ${describeJsonValue(value)}`];
  }

  return [`${where}: ${describeValueProblem(issue, value, limitFormatOf(limitSchemaAt(issue.path, rules)))}`];
}

/** Returns the schema of the rule limit at `path` (rule id, then limit name), or undefined for any other path. */
function limitSchemaAt(path: readonly PropertyKey[], rules: readonly ConfigurableRule[]): unknown {
  const rule = path.length === 2 ? rules.find((candidate) => candidate.id === path[0]) : undefined;
  return rule === undefined ? undefined : (rule.limits as unknown as z.ZodObject).shape[String(path[1])];
}

/** Describes each unknown key at `path` with the valid key nearest to it, or with the list of valid keys. */
export function unknownKeyProblems(path: readonly PropertyKey[], keys: readonly string[], valid: readonly string[]): string[] {
  const prefix = path.length === 0 ? "" : `${path.map(String).join(".")}.`;
  return keys.map((key) => {
    const suggestion = closest(key, valid);
    const hint = suggestion === undefined ? `valid keys: ${valid.join(", ")}` : `did you mean "${suggestion}"?`;
    return `${prefix}${key}: unknown key; ${hint}`;
  });
}

function validKeysAt(path: readonly PropertyKey[], rules: readonly ConfigurableRule[]): string[] {
  if (path.length === 0) {
    return ["all", ...Object.keys(PULUMI_RESERVED_KEYS), EXEMPTIONS_KEY, ...rules.map((rule) => rule.id)];
  }
  if (path[0] === EXEMPTIONS_KEY) {
    return path.length === 1 ? Object.keys(ExemptionsConfigSchema.shape) : Object.keys(ExemptionEntrySchema.shape);
  }
  const rule = rules.find((candidate) => candidate.id === path[0]);
  if (rule !== undefined && path.length === 1) {
    return ["enforcementLevel", ...Object.keys((rule.limits as unknown as z.ZodObject).shape)];
  }
  return ["enforcementLevel"];
}

/** Returns the value at `path` in parsed JSON, or undefined when a step is missing or not an object. */
export function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current = raw;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !Object.prototype.hasOwnProperty.call(current, key)) {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
