import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import type * as Sarif from "sarif";
import { EXIT_CODES } from "../../src/findings/report";
import { CORPUS_DIR } from "../support/corpus";
import { armDeployment } from "../support/deployment-builder";
import { useTemporaryDirectory } from "../support/temporary-directory";
import { runCli } from "./run-cli";

/**
 * Runs `amlguard check` on one deployment and checks that the exit code, the table label and every report format
 * agree on whether the deployment fails the run, warns, passes or is waived.
 */

// Takes endpointComputeType from a parameter without a default, so every rule reports an unknown value.
const TEMPLATE = path.join(CORPUS_DIR, "arm-bicep", "azureml-examples", "arm-templates", "online-endpoint-deployment.json");

// Only advisory findings under the built-in limits: one instance (instance-count) and no declared probes.
const ADVISORY_ONLY = armDeployment({ name: "small", properties: { egressPublicNetworkAccess: "Disabled" }, sku: { name: "Default", capacity: 1 } });

// A request timeout of 3 minutes breaks the mandatory request-timeout rule, whose severity is medium.
const TOO_SLOW = armDeployment({
  name: "slow",
  properties: {
    requestSettings: { requestTimeout: "PT3M" },
    livenessProbe: { initialDelay: "PT10S", period: "PT10S", timeout: "PT2S", failureThreshold: 30, successThreshold: 1 },
    readinessProbe: { initialDelay: "PT10S", period: "PT10S", timeout: "PT2S", failureThreshold: 30, successThreshold: 1 },
    egressPublicNetworkAccess: "Disabled",
  },
  sku: { name: "Default", capacity: 3 },
});

const MANDATORY_UNKNOWN_LIMITS = { "request-timeout": { unknownValues: "mandatory" } };

const temporaryDirectory = useTemporaryDirectory("amlguard-verdicts-");

interface Counts {
  readonly passed: number;
  readonly unverified: number;
  readonly warned: number;
  readonly failed: number;
  readonly waived: number;
}

interface VerdictCase {
  readonly name: string;
  /** Arguments of `check` besides the report options; `write` saves a JSON input file in the case's directory. */
  readonly args: (write: (name: string, content: unknown) => Promise<string>) => Promise<string[]>;
  readonly code: number;
  readonly label: string;
  readonly counts: Counts;
}

const ZERO: Counts = { passed: 0, unverified: 0, warned: 0, failed: 0, waived: 0 };

const CASES: readonly VerdictCase[] = [
  {
    name: "mandatory unknown value",
    args: async (write) => [TEMPLATE, "--policy-pack-config", await write("limits.json", MANDATORY_UNKNOWN_LIMITS)],
    code: EXIT_CODES.failed,
    label: "FAIL",
    counts: { ...ZERO, failed: 1 },
  },
  {
    name: "advisory unknown values",
    args: async () => [TEMPLATE],
    code: EXIT_CODES.ok,
    label: "UNVERIFIED",
    counts: { ...ZERO, passed: 1, unverified: 1 },
  },
  {
    name: "waived mandatory unknown value",
    args: async (write) => [
      TEMPLATE,
      "--policy-pack-config",
      await write("limits.json", MANDATORY_UNKNOWN_LIMITS),
      "--exemptions",
      await write("exemptions.json", {
        exemptions: [{ resource: "**/online-endpoint-deployment.json", rules: ["request-timeout"], reason: "Parameter set at deployment.", owner: "team-a", expires: "2999-01-31" }],
      }),
    ],
    code: EXIT_CODES.ok,
    label: "WAIVED",
    counts: { ...ZERO, waived: 1 },
  },
  {
    name: "advisory findings only",
    args: async (write) => [await write("small.json", ADVISORY_ONLY)],
    code: EXIT_CODES.ok,
    label: "WARN",
    counts: { ...ZERO, warned: 1 },
  },
  {
    name: "advisory findings at fail-on advisory",
    args: async (write) => [await write("small.json", ADVISORY_ONLY), "--fail-on", "advisory"],
    code: EXIT_CODES.failed,
    label: "FAIL",
    counts: { ...ZERO, failed: 1 },
  },
  {
    name: "medium violation at fail-on high",
    args: async (write) => [await write("slow.json", TOO_SLOW), "--fail-on", "high"],
    code: EXIT_CODES.ok,
    label: "WARN",
    counts: { ...ZERO, warned: 1 },
  },
  {
    name: "medium violation at fail-on medium",
    args: async (write) => [await write("slow.json", TOO_SLOW), "--fail-on", "medium"],
    code: EXIT_CODES.failed,
    label: "FAIL",
    counts: { ...ZERO, failed: 1 },
  },
];

const junitParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseAttributeValue: true, isArray: (name) => name === "testsuite" });

describe.each(CASES)("check with $name", ({ name, args, code, label, counts }) => {
  let run: { code: number; stdout: string };
  let reports: { json: string; junit: string; sarif: string; markdown: string };

  beforeAll(async () => {
    const directory = path.join(temporaryDirectory.path(), name.replace(/\W+/g, "-"));
    await mkdir(directory);
    const write = async (file: string, content: unknown): Promise<string> => {
      const written = path.join(directory, file);
      await writeFile(written, JSON.stringify(content));
      return written;
    };
    const file = (format: string): string => path.join(directory, `report.${format}`);

    run = await runCli([
      "check",
      ...(await args(write)),
      "--format",
      "table",
      ...["json", "junit", "sarif", "markdown"].flatMap((format) => ["--output", `${format}=${file(format)}`]),
    ]);
    reports = {
      json: await readFile(file("json"), "utf8"),
      junit: await readFile(file("junit"), "utf8"),
      sarif: await readFile(file("sarif"), "utf8"),
      markdown: await readFile(file("markdown"), "utf8"),
    };
  });

  test("exit code", () => {
    expect(run.code).toBe(code);
  });

  test("table label", () => {
    expect(run.stdout.split("\n")[0]).toMatch(new RegExp(`^${label} {2,}deployment `));
  });

  test("table counts", () => {
    const passed = counts.unverified === 0 ? `${counts.passed} passed` : `${counts.passed} passed (${counts.unverified} with unverified rules)`;

    expect(run.stdout).toContain(`1 resource: ${passed}, ${counts.warned} warned, ${counts.failed} failed, ${counts.waived} waived, 0 not evaluated`);
  });

  test("JSON summary", () => {
    expect(JSON.parse(reports.json).summary).toMatchObject(counts);
  });

  test("Markdown counts", () => {
    const passed = counts.unverified === 0 ? `${counts.passed}` : `${counts.passed} (${counts.unverified} with unverified rules)`;

    expect(reports.markdown).toContain(`| 1 | ${passed} | ${counts.warned} | ${counts.failed} | ${counts.waived} | 0 |`);
  });

  test("JUnit failing suites", () => {
    const suites = (junitParser.parse(reports.junit) as { testsuites: { testsuite: { "@_failures": number }[] } }).testsuites.testsuite;

    expect(suites.filter((suite) => suite["@_failures"] > 0)).toHaveLength(counts.failed);
  });

  test("SARIF errors", () => {
    const results = (JSON.parse(reports.sarif) as Sarif.Log).runs[0].results ?? [];
    const errors = results.filter((result) => result.level === "error" && result.suppressions === undefined);

    expect(errors.length > 0).toBe(counts.failed > 0);
  });
});
