import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../src/config/limits";
import { applyExemptions, isExpired, waiverFor } from "../../src/exemptions/apply";
import { loadExemptions } from "../../src/exemptions/load";
import { parseExemptionEntries, parseExemptionsFile } from "../../src/exemptions/parse";
import { RULES } from "../../src/rules/index";
import { BLUE_ID, CANARY_ID, eventResults, fileResults } from "../reporters/run-fixtures";
import { useTemporaryDirectory } from "../support/temporary-directory";

const RULE_IDS = RULES.map((rule) => rule.id);
const NOW = new Date("2026-12-01T12:00:00Z");

function entry(overrides: Record<string, unknown> = {}) {
  return { resource: BLUE_ID, rules: ["request-timeout"], reason: "Batch scoring needs long requests.", owner: "team-fraud", expires: "2026-12-31", ...overrides };
}

function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems;
    }
    throw error;
  }
  return [];
}

describe("exemptions file", () => {
  const { write } = useTemporaryDirectory("amlguard-exemptions-");

  test("YAML file loads with hash", async () => {
    const file = write("exemptions.yaml", `exemptions:\n  - resource: "${BLUE_ID}"\n    rules: ["request-timeout"]\n    reason: Batch scoring\n    owner: team-fraud\n    expires: "2026-12-31"\n`);

    const loaded = await loadExemptions(file, RULE_IDS);

    expect(loaded.exemptions).toEqual([expect.objectContaining({ index: 0, resource: BLUE_ID, rules: ["request-timeout"] })]);
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test("JSON file with a syntax error is rejected", async () => {
    const file = write("exemptions.json", "{ exemptions: [");

    await expect(loadExemptions(file, RULE_IDS)).rejects.toThrow(/cannot be parsed at line 1/);
  });

  test("JSON file with a byte order mark loads", async () => {
    const file = write("bom.json", `\uFEFF${JSON.stringify({ exemptions: [entry()] })}`);

    const loaded = await loadExemptions(file, RULE_IDS);

    expect(loaded.exemptions).toEqual([expect.objectContaining({ index: 0, resource: BLUE_ID })]);
  });

  test("missing file is a config error", async () => {
    await expect(loadExemptions(join(tmpdir(), "amlguard-no-such-exemptions.yaml"), RULE_IDS)).rejects.toThrow(ConfigError);
  });

  test.each([
    { name: "unknown key", raw: { exemptions: [entry({ team: "x" })] }, problem: /^exemptions\.0\.team: unknown key; valid keys: resource, rules, reason, owner, expires$/ },
    { name: "misspelled key", raw: { exemptions: [{ ...entry(), expires: undefined, expire: "2027-01-01" }] }, problem: /^exemptions\.0\.expire: unknown key; did you mean "expires"\?$/ },
    { name: "missing expiry", raw: { exemptions: [{ ...entry(), expires: undefined }] }, problem: /^exemptions\.0\.expires: is missing$/ },
    { name: "unknown top-level key", raw: { exemptions: [], version: 1 }, problem: /^version: unknown key; valid keys: exemptions$/ },
    { name: "date without day", raw: { exemptions: [entry({ expires: "2026-12" })] }, problem: /exemptions\.0\.expires: must be a date in the form YYYY-MM-DD/ },
    { name: "impossible date", raw: { exemptions: [entry({ expires: "2026-02-30" })] }, problem: /^exemptions\.0\.expires: must be a real calendar date \(got "2026-02-30"\)$/ },
    { name: "empty reason", raw: { exemptions: [entry({ reason: " " })] }, problem: /exemptions\.0\.reason: must say why/ },
    { name: "missing owner", raw: { exemptions: [{ ...entry(), owner: undefined }] }, problem: /exemptions\.0\.owner/ },
    { name: "empty rule list", raw: { exemptions: [entry({ rules: [] })] }, problem: /exemptions\.0\.rules/ },
    { name: "missing rules", raw: { exemptions: [{ ...entry(), rules: undefined }] }, problem: /exemptions\.0\.rules: is missing: list the rule ids the entry waives, or "\*" for every rule/ },
    { name: "rules as a word", raw: { exemptions: [entry({ rules: "all" })] }, problem: /exemptions\.0\.rules: must be a list of rule ids, or "\*"/ },
    { name: "misspelled rule id", raw: { exemptions: [entry({ rules: ["request-timout"] })] }, problem: /unknown rule id "request-timout"; did you mean "request-timeout"\?/ },
  ])("$name is rejected", ({ raw, problem }) => {
    const problems = problemsOf(() => parseExemptionsFile(raw, RULE_IDS, "exemptions file test.yaml"));

    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  test("bad date and rule id together", () => {
    const problems = problemsOf(() => parseExemptionsFile({ exemptions: [entry({ rules: ["request-timout"], expires: "2027-13-01" })] }, RULE_IDS, "exemptions file test.yaml"));

    expect(problems).toEqual([
      'exemptions.0.expires: must be a real calendar date (got "2027-13-01")',
      'exemptions.0.rules: unknown rule id "request-timout"; did you mean "request-timeout"?',
    ]);
  });

  test.each([
    {
      name: "date without leading zeros",
      expires: "2027-3-31",
      problem: 'exemptions.0.expires: must be a date in the form YYYY-MM-DD, with two-digit month and day; write 2027-03-31 (got "2027-3-31")',
    },
    {
      name: "date with a time",
      expires: "2099-01-01T10:00:00",
      problem:
        "exemptions.0.expires: must be a date in the form YYYY-MM-DD, without a time; write 2099-01-01, " +
        'and the entry stays valid through the end of that day in UTC (got "2099-01-01T10:00:00")',
    },
    { name: "date as a word", expires: "tomorrow", problem: 'exemptions.0.expires: must be a date in the form YYYY-MM-DD (got "tomorrow")' },
    { name: "date as a number", expires: 2099, problem: "exemptions.0.expires: must be a date in the form YYYY-MM-DD, written as a string (got 2099)" },
  ])("$name gives one error with the form", ({ expires, problem }) => {
    const problems = problemsOf(() => parseExemptionsFile({ exemptions: [entry({ expires })] }, RULE_IDS, "exemptions file test.yaml"));

    expect(problems).toEqual([problem]);
  });

  test("rules as a string suggest a list", () => {
    const problems = problemsOf(() => parseExemptionsFile({ exemptions: [entry({ rules: "instance-count" })] }, RULE_IDS, "exemptions file test.yaml"));

    expect(problems).toEqual(['exemptions.0.rules: must be a list of rule ids, or "*" for every rule; write rules: ["instance-count"] (got "instance-count")']);
  });

  test.each([
    ["", 'an entry waives at least one rule (got "")'],
    ["*,", 'write rules: "*" (got "*,")'],
    [" * ", 'write rules: "*" (got " * ")'],
  ])("rules string %j gets advice that parses", (rules, advice) => {
    const problems = problemsOf(() => parseExemptionsFile({ exemptions: [entry({ rules })] }, RULE_IDS, "exemptions file test.yaml"));

    expect(problems).toEqual([`exemptions.0.rules: must be a list of rule ids, or "*" for every rule; ${advice}`]);
  });

  test("star inside a list is rejected", () => {
    const problems = problemsOf(() => parseExemptionsFile({ exemptions: [entry({ rules: ["*"] })] }, RULE_IDS, "exemptions file test.yaml"));

    expect(problems).toEqual(['exemptions.0.rules: "*" in a list is not a rule id; write rules: "*", not in a list, to waive every rule']);
  });

  test.each([
    { name: "star with every rule", resource: "*", rules: "*" },
    { name: "globstar with every rule", resource: "**", rules: "*" },
    { name: "any subscription", resource: "/subscriptions/*/**", rules: "*" },
    { name: "any stack", resource: "urn:pulumi:*::*::**", rules: "*" },
    { name: "subscriptions by character class", resource: "/subscriptions/[1-9a-f]*/**", rules: "*" },
    { name: "every subscription but one", resource: "/subscriptions/!(00000000-0000-0000-0000-000000000000)/**", rules: "*" },
    { name: "every resource group but one", resource: "/subscriptions/*/resourceGroups/!(amlguard-probe-rg)/**", rules: "*" },
    { name: "every stack but one", resource: "urn:pulumi:!(prod)::**", rules: "*" },
    { name: "every YAML file", resource: "**/*.yml", rules: "*" },
    { name: "every top-level JSON file", resource: "*.json", rules: "*" },
    { name: "any component's children", resource: "urn:pulumi:*::*::*$**", rules: "*" },
    { name: "any versioned module", resource: "urn:pulumi:*::*::azure-native:machinelearningservices/*:OnlineDeployment::*", rules: "*" },
    { name: "any local SDK", resource: "urn:pulumi:*::*::azure-native_*:machinelearningservices:OnlineDeployment::*", rules: "*" },
    { name: "globstar listing every rule", resource: "**", rules: RULE_IDS },
    { name: "globstar with one rule", resource: "**", rules: ["instance-count"] },
  ])("catch-all $name is rejected", ({ resource, rules }) => {
    const problems = problemsOf(() => parseExemptionsFile({ exemptions: [entry({ resource, rules })] }, RULE_IDS, "exemptions file test.yaml"));

    expect(problems).toEqual([expect.stringContaining("matches deployments of subscriptions, stacks or files it does not name")]);
  });

  test.each([
    { name: "one subscription, every rule", resource: "/subscriptions/11111111-2222-3333-4444-555555555555/**", rules: "*" },
    { name: "one stack, every rule", resource: "urn:pulumi:dev::fraud-scoring::**", rules: "*" },
    { name: "one component type, every rule", resource: "urn:pulumi:*::*::acme:ml:Scoring$**", rules: "*" },
    { name: "one folder of files, every rule", resource: "deployments/batch-*.yml", rules: "*" },
    { name: "one file anywhere, every rule", resource: "**/online-endpoint-deployment.json", rules: "*" },
  ])("scoped $name is accepted", ({ resource, rules }) => {
    const problems = problemsOf(() => parseExemptionEntries([entry({ resource, rules })], RULE_IDS, "pack config"));

    expect(problems).toEqual([]);
  });
});

describe("applyExemptions", () => {
  test("ARM id matches regardless of case", async () => {
    const exemptions = parseExemptionEntries([entry({ resource: BLUE_ID.toUpperCase() })], RULE_IDS, "test");

    const { results, status } = applyExemptions(await fileResults(), exemptions, NOW);

    const blue = results.find((result) => result.resource.name === "blue")!;
    expect(blue.findings.map((finding) => finding.waiver?.owner)).toEqual(["team-fraud"]);
    expect(blue.rules.find((rule) => rule.ruleId === "request-timeout")).toEqual({ ruleId: "request-timeout", outcome: "failed", waived: true });
    expect(status.applied).toEqual([expect.objectContaining({ index: 0, waivedFindings: 1 })]);
  });

  test("URN match is case-sensitive", async () => {
    const urn = "urn:pulumi:dev::fraud-scoring::azure-native:machinelearningservices:OnlineDeployment::blue";
    const exemptions = parseExemptionEntries([entry({ resource: urn.toUpperCase(), rules: "*" }), entry({ resource: urn, rules: ["instance-count"] })], RULE_IDS, "test");

    const { results, status } = applyExemptions(await eventResults(), exemptions, NOW);

    const blue = results.find((result) => result.resource.name === "blue")!;
    const waivers = blue.findings.map((finding) => [finding.ruleId, finding.waiver?.exemptionIndex]).sort();
    expect(waivers).toEqual([
      ["instance-count", 1],
      ["request-timeout", undefined],
    ]);
    expect(status.unused.map((use) => use.index)).toEqual([0]);
  });

  test("rules list limits the waiver", async () => {
    const exemptions = parseExemptionEntries([entry({ resource: CANARY_ID, rules: ["instance-count", "probe-required"] })], RULE_IDS, "test");

    const { results } = applyExemptions(await fileResults(), exemptions, NOW);

    const canary = results.find((result) => result.resource.name === "canary")!;
    const open = canary.findings.filter((finding) => finding.waiver === undefined).map((finding) => finding.ruleId);
    expect(open).toEqual(["egress-public-network-access"]);
  });

  test.each([
    { name: "on the expiry day applies", now: "2026-12-31T23:59:59Z", expired: false },
    { name: "the day after expires", now: "2027-01-01T00:00:00Z", expired: true },
  ])("entry $name", async ({ now, expired }) => {
    const exemptions = parseExemptionEntries([entry()], RULE_IDS, "test");

    const { results, status } = applyExemptions(await fileResults(), exemptions, new Date(now));

    const blue = results.find((result) => result.resource.name === "blue")!;
    expect(blue.findings[0].waiver === undefined).toBe(expired);
    expect(status.expired.map((use) => use.index)).toEqual(expired ? [0] : []);
    expect(isExpired(exemptions[0], new Date(now))).toBe(expired);
  });

  test("entry matching nothing is unused", async () => {
    const exemptions = parseExemptionEntries([entry({ resource: BLUE_ID.replace("blue", "retired") })], RULE_IDS, "test");

    const { status } = applyExemptions(await fileResults(), exemptions, NOW);

    expect(status).toEqual({ entries: 1, applied: [], expired: [], unused: [expect.objectContaining({ index: 0, waivedFindings: 0 })] });
  });

  test("first matching entry wins", async () => {
    const exemptions = parseExemptionEntries([entry({ owner: "first" }), entry({ owner: "second" })], RULE_IDS, "test");

    const { results, status } = applyExemptions(await fileResults(), exemptions, NOW);

    const blue = results.find((result) => result.resource.name === "blue")!;
    expect(blue.findings[0].waiver?.owner).toBe("first");
    expect(status.unused.map((use) => use.owner)).toEqual(["second"]);
  });
  test.each([
    { name: "expired entry before one in force", entries: [entry({ owner: "expired", expires: "2026-11-30" }), entry({ owner: "in force" })] },
    { name: "other rule before every rule", entries: [entry({ owner: "other rule", rules: ["probe-period"] }), entry({ owner: "every rule", rules: "*" })] },
    { name: "other resource before case-changed id", entries: [entry({ owner: "canary", resource: CANARY_ID }), entry({ owner: "blue", resource: BLUE_ID.toUpperCase() })] },
    { name: "no entry matches", entries: [entry({ resource: BLUE_ID.replace("blue", "retired") })] },
  ])("single-finding waiver agrees: $name", async ({ entries }) => {
    const exemptions = parseExemptionEntries(entries, RULE_IDS, "test");
    const originals = await fileResults();
    const { results } = applyExemptions(originals, exemptions, NOW);

    for (const [resultIndex, result] of results.entries()) {
      for (const [index, finding] of result.findings.entries()) {
        expect(waiverFor(originals[resultIndex].findings[index], exemptions, NOW)).toEqual(finding.waiver);
      }
    }
  });
});
