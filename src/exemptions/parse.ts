import picomatch from "picomatch";
import type * as z from "zod";
import { ConfigError, closest, unknownKeyProblems, valueAt } from "../config/limits";
import { describeValueProblem } from "../config/value-problems";
import { type Exemption, ExemptionEntriesSchema, type ExemptionEntry, ExemptionEntrySchema, ExemptionsFileSchema } from "./exemption";

// Resources no real scope contains. A pattern that matches one of them matches deployments of subscriptions or
// stacks it does not name, so combined with every rule it would switch the gate off. One probe per hex digit, which
// starts every segment, so that a pattern cannot leave them all out by excluding one id or name prefix, as
// `/subscriptions/[1-9a-f]*/**` or `/subscriptions/!(00000000-0000-0000-0000-000000000000)/**` would.
const PROBE_DIGITS = [..."0123456789abcdef"];
const PROBE_ARM_IDS = PROBE_DIGITS.map(
  (digit) =>
    `/subscriptions/${[8, 4, 4, 4, 12].map((length) => digit.repeat(length)).join("-")}/resourceGroups/${digit}-amlguard-probe-rg/providers/` +
    `Microsoft.MachineLearningServices/workspaces/${digit}-amlguard-probe-ws/onlineEndpoints/${digit}-amlguard-probe-ep/deployments/${digit}-amlguard-probe`,
);
// Each digit's URN comes in every type spelling that isOnlineDeploymentType accepts, and with a component parent,
// which puts the parent's type and a `$` in front of the deployment's type. A pattern over one spelling, such as
// `urn:pulumi:*::*::*$**`, would otherwise exempt that kind of deployment in every stack.
const PROBE_URN_TYPES = [
  "azure-native:machinelearningservices:OnlineDeployment",
  "azure-native:machinelearningservices/v20240401:OnlineDeployment",
  "azure-native_machinelearningservices_v20250601:machinelearningservices:OnlineDeployment",
  "amlguard:probe:Component$azure-native:machinelearningservices:OnlineDeployment",
];
const PROBE_URNS = PROBE_DIGITS.flatMap((digit) =>
  PROBE_URN_TYPES.map((type) => `urn:pulumi:${digit}-amlguard-probe-stack::${digit}-amlguard-probe-project::${type}::${digit}-amlguard-probe`),
);

// Files of a `check` run, at the top and one folder down, with the extensions deployment files have, so that `**/*.yml`
// or `*.json`, which waive every such file in any repository, are caught as well.
const PROBE_FILES = PROBE_DIGITS.flatMap((digit) =>
  ["yml", "yaml", "json"].flatMap((extension) => [`${digit}-amlguard-probe.${extension}`, `${digit}-amlguard-probe-dir/${digit}-amlguard-probe.${extension}`]),
);

/**
 * Validates the `exemptions` file object ({ exemptions: [...] }) and returns its entries. Throws a ConfigError
 * that lists every invalid field, every unknown rule id and every entry that would exempt all resources from all rules.
 */
export function parseExemptionsFile(raw: unknown, ruleIds: readonly string[], origin: string): Exemption[] {
  try {
    return validate(ExemptionsFileSchema, raw, ruleIds, origin, (data) => data.exemptions, ["exemptions"]);
  } catch (error) {
    if (error instanceof ConfigError && hasLimitsFileShape(raw)) {
      throw new ConfigError(`${error.message}\n${EXEMPTIONS_FILE_SHAPE}`, error.problems);
    }
    throw error;
  }
}

// The limits file nests its entries as `"exemptions": {"entries": [...]}`, and users copy that shape over.
const EXEMPTIONS_FILE_SHAPE = [
  "An exemptions file lists its entries directly under a top-level exemptions key, not under entries, for example:",
  "  exemptions:",
  '    - { resource: "/subscriptions/*/resourceGroups/ml-rg/**", rules: [request-timeout], reason: "Batch scoring", owner: "ml-platform", expires: "2026-12-31" }',
].join("\n");

function hasLimitsFileShape(raw: unknown): boolean {
  if (typeof raw !== "object" || raw === null) {
    return false;
  }
  const file = raw as Record<string, unknown>;
  const nested = file.exemptions;
  return "entries" in file || (typeof nested === "object" && nested !== null && !Array.isArray(nested) && "entries" in nested);
}

/**
 * Validates a bare list of entries, as the pack's `exemptions` policy config contains it under `entries`.
 * Errors are those of {@link parseExemptionsFile}.
 */
export function parseExemptionEntries(raw: unknown, ruleIds: readonly string[], origin: string): Exemption[] {
  return validate(ExemptionEntriesSchema, raw, ruleIds, origin, (data) => data, []);
}

function validate<Schema extends z.ZodType>(
  schema: Schema,
  raw: unknown,
  ruleIds: readonly string[],
  origin: string,
  entriesOf: (data: z.output<Schema>) => ExemptionEntry[],
  entriesPath: readonly string[],
): Exemption[] {
  const parsed = schema.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.flatMap((issue) => describeIssue(issue, raw));

  // The rule ids and patterns of entries that failed the schema are checked too, so one run lists every problem.
  const checked: readonly Pick<ExemptionEntry, "rules" | "resource">[] = parsed.success ? entriesOf(parsed.data) : readableParts(valueAt(raw, entriesPath));
  checked.forEach((entry, index) => {
    const where = [...entriesPath, String(index)].join(".");
    if (Array.isArray(entry.rules)) {
      for (const ruleId of entry.rules.filter((id) => !ruleIds.includes(id))) {
        if (ruleId === "*") {
          problems.push(`${where}.rules: "*" in a list is not a rule id; write rules: "*", not in a list, to waive every rule`);
          continue;
        }
        const suggestion = closest(ruleId, ruleIds);
        problems.push(`${where}.rules: unknown rule id "${ruleId}"; ${suggestion === undefined ? `valid ids: ${ruleIds.join(", ")}` : `did you mean "${suggestion}"?`}`);
      }
    }
    // Any rule list counts: an entry with every deployment rule but not the stack rules would switch the gate off too.
    if (entry.resource !== "" && matchesAnyScope(entry.resource)) {
      problems.push(
        `${where}: resource "${entry.resource}" matches deployments of subscriptions, stacks or files it does not name; ` +
          "name a subscription, resource group, stack or deployment in the pattern, " +
          'or set the rules to "disabled" in the limits file to switch them off everywhere',
      );
    }
  });
  if (problems.length > 0 || !parsed.success) {
    throw invalid(origin, problems);
  }

  const entries = entriesOf(parsed.data);
  return entries.map((entry, index) => ({ ...entry, index }));
}

/** Describes one schema problem at its path: a missing key as missing, and each unknown key with the nearest valid one. */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string[] {
  const where = issue.path.length === 0 ? "(top level)" : issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const schema = issue.path.length === 0 ? ExemptionsFileSchema : ExemptionEntrySchema;
    return unknownKeyProblems(issue.path, issue.keys, Object.keys(schema.shape));
  }
  if (issue.code === "invalid_type" && issue.path.length > 0 && valueAt(raw, issue.path) === undefined) {
    return [`${where}: is missing`];
  }
  return [`${where}: ${describeValueProblem(issue, valueAt(raw, issue.path), undefined)}`];
}

/** Returns the rules and resource of each entry that has them in a readable form, for checks after a failed parse. */
function readableParts(list: unknown): Pick<ExemptionEntry, "rules" | "resource">[] {
  if (!Array.isArray(list)) {
    return [];
  }
  return list.map((item: unknown) => {
    const entry = typeof item === "object" && item !== null ? (item as Record<string, unknown>) : {};
    const rules = Array.isArray(entry.rules) ? entry.rules.filter((id): id is string => typeof id === "string" && id !== "") : [];
    return { rules, resource: typeof entry.resource === "string" ? entry.resource : "" };
  });
}

// NOTE: a pattern that excludes every probe by name still passes; the probes catch broad patterns, not a deliberate bypass.
function matchesAnyScope(pattern: string): boolean {
  const matcher = resourceMatcher(pattern);
  return PROBE_ARM_IDS.some((id) => matcher({ id })) || PROBE_URNS.some((urn) => matcher({ urn })) || PROBE_FILES.some((file) => matcher({ file }));
}

type ResourceMatcher = (ref: { readonly id?: string; readonly urn?: string; readonly file?: string }) => boolean;

// The pack waives each finding on its own, and compiling a pattern costs far more than matching with it. So each
// pattern is compiled once, and the map holds only patterns that an exemptions config named.
const matchers = new Map<string, ResourceMatcher>();

/**
 * Returns the matcher of one entry's pattern. ARM ids are compared without regard to case, because ARM treats
 * them that way; Pulumi URNs are compared exactly. A resource read from a file without an ARM id (CLI YAML, ARM
 * templates) matches through its file path, with forward slashes and without a leading `./`. `dot` lets `*`
 * match names that start with a dot.
 */
export function resourceMatcher(pattern: string): ResourceMatcher {
  const known = matchers.get(pattern);
  if (known !== undefined) {
    return known;
  }
  const matchArmId = picomatch(pattern, { nocase: true, dot: true });
  const matchExact = picomatch(pattern, { dot: true });
  const matcher: ResourceMatcher = (ref) =>
    (ref.id !== undefined && matchArmId(ref.id)) ||
    (ref.urn !== undefined && matchExact(ref.urn)) ||
    (ref.id === undefined && ref.urn === undefined && ref.file !== undefined && matchExact(normalizeFilePath(ref.file)));
  matchers.set(pattern, matcher);
  return matcher;
}

function invalid(origin: string, problems: readonly string[]): ConfigError {
  return new ConfigError(`Invalid ${origin}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}\nFix these entries and run again.`, problems);
}

function normalizeFilePath(file: string): string {
  return file.replaceAll("\\", "/").replace(/^\.\//, "");
}
