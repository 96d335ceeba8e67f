import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { type ResolvedConfig } from "../../src/config/limits";
import { loadConfig } from "../../src/config/load";
import { evaluateItems } from "../../src/engine/evaluate";
import type { ResourceResult } from "../../src/findings/finding";
import { buildRunReport, reportRules } from "../../src/findings/run-report";
import { renderReport, OUTPUT_FORMATS } from "../../src/cli/output";
import { RULES } from "../../src/rules/index";
import { readArmJson, readArmResource } from "../../src/sources/arm-json";
import { readDeploymentYaml } from "../../src/sources/deployment-yaml";
import { InputError, readInputFile } from "../../src/sources/files";
import { parsePositioned } from "../../src/sources/locator";
import { readPulumiDeployment } from "../../src/sources/pulumi-inputs";
import type { SourceItem } from "../../src/sources/source-item";
import { type HostileCase, type Shape, configureRunSeed, hostileCase } from "../support/arbitraries";

/**
 * Properties over generated hostile deployments in the three source shapes. Run counts add up to 103,016
 * cases; AMLGUARD_FC_SEED reproduces a run, and fast-check prints the seed of a failing one.
 */

const OBJECT_RUNS = 32_000;
const TEXT_RUNS = 3_000;
const FILE_RUNS = 1_000;
const LARGE_RUNS = 8;

const seed = configureRunSeed();
let config: ResolvedConfig;
let directory: string;

beforeAll(async () => {
  config = (await loadConfig(undefined)).config;
  directory = mkdtempSync(path.join(tmpdir(), "amlguard-property-"));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

const NO_POSITIONS = { locatorAt: () => () => undefined };

/** Reads a generated resource through the reader of its shape, without text in between. */
function readObject(testCase: HostileCase): SourceItem[] {
  switch (testCase.shape) {
    case "arm":
      return [readArmResource(testCase.resource, undefined, [])];
    case "pulumi":
      return [readPulumiDeployment({ type: "azure-native:machinelearningservices:OnlineDeployment", name: "hostile", urn: "urn:pulumi:dev::p::t::hostile", props: testCase.resource })];
    case "yaml":
      return readDeploymentYaml({ value: testCase.resource, ...NO_POSITIONS });
  }
}

/**
 * Checks the invariants of one case. There is one result per resource. Each invalid checked field gives an
 * `invalid` finding on its path, and the rule that reports it fails. A resource the reader rejects is not
 * evaluated and has a reason. Plain checks replace expect(), which costs more than the evaluation here.
 */
function assertJudged(testCase: HostileCase, results: readonly ResourceResult[]): void {
  const fail = (problem: string): never => {
    throw new Error(`${problem}; result: ${JSON.stringify(results).slice(0, 2_000)}`);
  };
  if (results.length !== 1) {
    fail(`expected one result, got ${results.length}`);
  }
  const [result] = results;
  if (result.status === "not-evaluated") {
    if (typeof result.reason !== "string" || result.reason.length === 0) {
      fail("a resource that is not evaluated has no reason");
    }
    return;
  }
  // runRule turns a rule that throws into an invalid finding; on read input, no rule may throw at all.
  const thrown = result.findings.find((finding) => finding.message.includes("failed on this deployment"));
  if (thrown !== undefined) {
    fail(`rule ${thrown.ruleId} threw: ${thrown.message}`);
  }
  if (!result.rules.some((rule) => rule.outcome === "failed")) {
    fail("a deployment with an invalid checked field came out with no failed rule");
  }
  for (const invalidPath of testCase.invalidPaths) {
    const findings = result.findings.filter((finding) => finding.kind === "invalid" && finding.path === invalidPath);
    if (findings.length === 0) {
      fail(`no invalid finding names ${invalidPath}`);
    }
    for (const finding of findings) {
      if (result.rules.find((rule) => rule.ruleId === finding.ruleId)?.outcome !== "failed") {
        fail(`rule ${finding.ruleId} reported ${invalidPath} invalid but did not fail`);
      }
      if (String(finding.actual).length > 80) {
        fail(`the value of ${invalidPath} is echoed with ${String(finding.actual).length} characters`);
      }
    }
  }
}

function assertPrototypeClean(): void {
  const polluted = Object.getOwnPropertyNames(Object.prototype).filter((name) => !PROTOTYPE_NAMES.has(name));
  if (polluted.length > 0 || Object.getPrototypeOf(Object.prototype) !== null) {
    throw new Error(`Object.prototype was polluted: ${polluted.join(", ")}`);
  }
}

// Own names of Object.prototype before any case ran.
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

function check(property: fc.IProperty<[HostileCase]> | fc.IAsyncProperty<[HostileCase]>, numRuns: number): Promise<void> | void {
  return fc.assert(property as fc.IAsyncProperty<[HostileCase]>, { numRuns, seed });
}

describe.each<Shape>(["arm", "pulumi", "yaml"])("%s objects", (shape) => {
  test(`${OBJECT_RUNS} cases are judged`, () => {
    check(
      fc.property(hostileCase(shape), (testCase) => {
        assertJudged(testCase, evaluateItems(readObject(testCase), RULES, config));
        assertPrototypeClean();
      }),
      OBJECT_RUNS,
    );
  });
});

/**
 * Serializes a case as its file would be written: JSON for ARM, YAML for CLI files. JSON has no spelling for
 * NaN or Infinity, so they are written as the scalars the YAML parser reads back as those numbers.
 */
function serialize(testCase: HostileCase): string {
  if (testCase.shape === "yaml") {
    return stringify(testCase.resource, { aliasDuplicateObjects: false });
  }
  const json = JSON.stringify(testCase.resource, (_key, value: unknown) =>
    typeof value === "number" && !Number.isFinite(value) ? `${NON_FINITE_MARK}${String(value)}` : value,
  );
  return json.replace(new RegExp(`"${NON_FINITE_MARK}(NaN|Infinity|-Infinity)"`, "g"), (_match, name: string) => NON_FINITE_SPELLING[name]);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const NON_FINITE_MARK = "~non-finite:";
const NON_FINITE_SPELLING: Record<string, string> = { NaN: ".nan", Infinity: "1e999", "-Infinity": "-1e999" };

describe.each<Shape>(["arm", "yaml"])("%s text", (shape) => {
  test(`${TEXT_RUNS} parsed cases are judged and rendered in one format`, () => {
    check(
      fc.property(hostileCase(shape), fc.constantFrom(...OUTPUT_FORMATS), (testCase, format) => {
        const document = parsePositioned(serialize(testCase));
        const items = shape === "arm" ? readArmJson(document, "hostile.json") : readDeploymentYaml(document, "hostile.yml");

        const results = evaluateItems(items, RULES, config);

        assertJudged(testCase, results);
        if (renderReport(runReport(results), format).length === 0) {
          throw new Error(`the ${format} report is empty`);
        }
        assertPrototypeClean();
      }) as unknown as fc.IProperty<[HostileCase]>,
      TEXT_RUNS,
    );
  });
});

function runReport(results: readonly ResourceResult[]) {
  return buildRunReport({
    results,
    rules: reportRules(RULES),
    evidence: {
      tool: { name: "amlguard", version: "0.0.0", ruleCatalogueVersion: "test" },
      command: "check",
      limits: { source: "built-in" },
      scope: { files: ["hostile"] },
      startedAt: "2026-01-01T00:00:00.000Z",
      endedAt: "2026-01-01T00:00:01.000Z",
    },
  });
}

/** Bytes that are not UTF-8: a lone continuation byte, a truncated sequence, an overlong form, a surrogate, 0xFF. */
const INVALID_UTF8 = [[0x80], [0xc3], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xf8, 0x88, 0x80, 0x80, 0x80]];

describe("files", () => {
  test(`${FILE_RUNS} files with bytes that are not UTF-8 are input errors`, async () => {
    await check(
      fc.asyncProperty(
        hostileCase("yaml"),
        fc.constantFrom(...INVALID_UTF8),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (testCase, bytes, where) => {
          const text = Buffer.from(serialize(testCase), "utf8");
          const at = Math.floor(where * text.length);
          const file = path.join(directory, "invalid.yml");
          writeFileSync(file, Buffer.concat([text.subarray(0, at), Buffer.from(bytes), text.subarray(at)]));

          await expect(readInputFile(file)).rejects.toThrow(InputError);
        },
      ) as unknown as fc.IAsyncProperty<[HostileCase]>,
      FILE_RUNS,
    );
  });

  test.each<Shape>(["arm", "yaml"])(`${LARGE_RUNS} %s files with a multi-megabyte value are judged`, async (shape) => {
    const large = fc.tuple(hostileCase(shape), fc.integer({ min: 2_000_000, max: 4_000_000 }), fc.constantFrom("x", "é", "\u{1F600}", "\\"));
    await check(
      fc.asyncProperty(large, async ([testCase, length, unit]) => {
        const huge = unit.repeat(Math.ceil(length / unit.length));
        const target = testCase.invalidPaths[0].split(".");
        let node = testCase.resource;
        for (const key of target.slice(0, -1)) {
          node = node[key] as Record<string, unknown>;
        }
        node[target[target.length - 1]] = huge;
        const file = path.join(directory, shape === "arm" ? "large.json" : "large.yml");
        const text = serialize(testCase);
        writeFileSync(file, text);
        // JSON has no NaN, so a .json file that spells one as YAML does is rejected as a whole.
        if (shape === "arm" && !isJson(text)) {
          await expect(readInputFile(file)).rejects.toThrow(/is not valid JSON: .* at line 1, column \d+\./);
          return;
        }

        const results = evaluateItems(await readInputFile(file), RULES, config);

        assertJudged(testCase, results);
        const rendered = OUTPUT_FORMATS.map((format) => renderReport(runReport(results), format)).join("");
        expect(rendered.length).toBeLessThan(1_000_000);
      }) as unknown as fc.IAsyncProperty<[HostileCase]>,
      LARGE_RUNS,
    );
  });
});
