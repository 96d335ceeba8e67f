import { createHash } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { EXIT_CODES } from "../../src/findings/report";
import { useTemporaryDirectory } from "../support/temporary-directory";
import { runCli } from "./run-cli";

const EVENTS = join("test", "events", "fixtures");
const PREVIEW = join(EVENTS, "preview.ndjson");
const BLUE_URN = "urn:pulumi:dev::fraud-scoring::azure-native:machinelearningservices:OnlineDeployment::blue";

const temporaryDirectory = useTemporaryDirectory("amlguard-report-");

/** Creates a fresh directory for one test inside the file's temporary directory. */
async function scratch(): Promise<string> {
  return mkdtemp(join(temporaryDirectory.path(), "test-"));
}

describe("amlguard report", () => {
  test.each([
    { name: "mandatory failure exits 1", args: [], code: EXIT_CODES.failed },
    { name: "below the threshold is incomplete", args: ["--fail-on", "critical"], code: EXIT_CODES.incomplete },
    { name: "advisory threshold exits 1", args: ["--fail-on", "advisory"], code: EXIT_CODES.failed },
  ])("$name", async ({ args, code }) => {
    const run = await runCli(["report", "--from-pulumi-events", PREVIEW, "--format", "json", ...args]);

    expect(run.code).toBe(code);
  });

  test("writes every format at once", async () => {
    const directory = await scratch();
    const file = (name: string) => join(directory, "nested", name);

    const run = await runCli([
      "report",
      "--from-pulumi-events",
      PREVIEW,
      "--output",
      `json=${file("report.json")}`,
      "--output",
      `sarif=${file("report.sarif")}`,
      "--output",
      `junit=${file("report.xml")}`,
      "--output",
      `markdown=${file("report.md")}`,
    ]);

    expect(run.stdout).toContain("3 resources: 1 passed, 0 warned, 1 failed, 0 waived, 1 not evaluated (--fail-on mandatory)");
    const json = JSON.parse(await readFile(file("report.json"), "utf8"));
    expect(json.evidence.scope).toEqual(expect.objectContaining({ stack: "fraud-scoring/dev", eventLog: PREVIEW }));
    const sarif = JSON.parse(await readFile(file("report.sarif"), "utf8"));
    expect(sarif.runs[0].results).toHaveLength(2);
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseAttributeValue: true }).parse(await readFile(file("report.xml"), "utf8"));
    // One finding is mandatory and one advisory: under the default --fail-on mandatory, only the first fails a test.
    expect(junit.testsuites["@_failures"]).toBe(1);
    expect(await readFile(file("report.md"), "utf8")).toContain("## amlguard: limits violated");
  });

  test("SARIF without a limits file warns", async () => {
    const run = await runCli(["report", "--from-pulumi-events", PREVIEW, "--format", "sarif"]);

    expect(run.code).toBe(EXIT_CODES.failed);
    expect(run.stderr).toBe(
      "amlguard: warning: 2 results have no physicalLocation in the SARIF report, and GitHub code scanning rejects an upload with such results. " +
        "Pass --policy-pack-config with the limits file the preview used, so that the results point at it.\n",
    );
  });

  test("SARIF with a limits file does not warn", async () => {
    const run = await runCli(["report", "--from-pulumi-events", PREVIEW, "--format", "sarif", "--policy-pack-config", join("examples", "limits.json")]);

    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain("physicalLocation");
  });

  test("exemption waives the failure", async () => {
    const directory = await scratch();
    const exemptions = join(directory, "exemptions.yaml");
    await writeFile(
      exemptions,
      ["exemptions:", `  - resource: "${BLUE_URN}"`, '    rules: "*"', "    reason: Migration to the new scoring image", "    owner: team-fraud", '    expires: "2999-12-31"', ""].join("\n"),
    );

    const run = await runCli(["report", "--from-pulumi-events", PREVIEW, "--exemptions", exemptions, "--format", "json"]);

    expect(run.code).toBe(EXIT_CODES.incomplete);
    const report = JSON.parse(run.stdout);
    expect(report.summary.findings).toEqual({ mandatory: 0, advisory: 0, waived: 2 });
    expect(report.exemptions.applied).toEqual([expect.objectContaining({ index: 0, waivedFindings: 2 })]);
  });

  test("limits file exemption waives the failure", async () => {
    const directory = await scratch();
    const limits = join(directory, "limits.json");
    const entry = { resource: BLUE_URN, rules: "*", reason: "Migration to the new scoring image", owner: "team-fraud", expires: "2999-12-31" };
    await writeFile(limits, JSON.stringify({ exemptions: { entries: [entry] } }));

    const run = await runCli(["report", "--from-pulumi-events", PREVIEW, "--policy-pack-config", limits, "--format", "json"]);

    const report = JSON.parse(run.stdout);
    expect(report.summary.findings).toEqual({ mandatory: 0, advisory: 0, waived: 2 });
    expect(report.exemptions.limitsFileEntries).toBe(1);
  });

  test("limits file is hashed into evidence", async () => {
    const directory = await scratch();
    const limits = join(directory, "limits.json");
    await writeFile(limits, '{ "all": "mandatory" }\n');

    const run = await runCli(["report", "--from-pulumi-events", PREVIEW, "--policy-pack-config", limits, "--format", "json"]);

    const report = JSON.parse(run.stdout);
    const sha256 = createHash("sha256").update('{ "all": "mandatory" }\n').digest("hex");
    expect(report.evidence.limits).toEqual({ source: "file", file: limits, sha256 });
  });

  test("unwritable output file exits 2", async () => {
    const directory = await scratch();

    const run = await runCli(["report", "--from-pulumi-events", PREVIEW, "--output", `json=${directory}`]);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toContain(`cannot write the json report to ${directory}`);
  });

  test("stopped preview is incomplete", async () => {
    const run = await runCli(["report", "--from-pulumi-events", join(EVENTS, "preview-stopped.ndjson"), "--format", "json", "--fail-on", "critical"]);

    expect(run.code).toBe(EXIT_CODES.incomplete);
    expect(run.stderr).toContain("has no summary event");
  });

  test("log cut off mid-line is incomplete", async () => {
    const directory = await scratch();
    const stopped = await readFile(join(EVENTS, "preview-stopped.ndjson"), "utf8");
    const log = join(directory, "cut.ndjson");
    await writeFile(log, `${stopped.trimEnd()}\n{"sequence":999,"timestamp":17`);

    const run = await runCli(["report", "--from-pulumi-events", log, "--format", "json", "--fail-on", "critical"]);

    expect(run.code).toBe(EXIT_CODES.incomplete);
    const report = JSON.parse(run.stdout) as { evidence: { incomplete?: string[] } };
    expect(report.evidence.incomplete).toContain(`${log} ends in a line that is cut off, so the engine stopped writing it early`);
  });

  test("stopped preview records why", async () => {
    const log = join(EVENTS, "preview-stopped.ndjson");
    const run = await runCli(["report", "--from-pulumi-events", log, "--format", "json", "--fail-on", "critical"]);

    const report = JSON.parse(run.stdout) as { evidence: { incomplete?: string[] } };
    expect(report.evidence.incomplete).toEqual([`${log} has no summary event, so the preview stopped early and resources may be missing`]);
  });

  test("merge of a stopped preview is incomplete", async () => {
    const log = join(EVENTS, "preview-stopped.ndjson");
    const shard = join(await scratch(), "stopped.json");
    // A merge needs the limits a shard applied.
    await runCli(["report", "--from-pulumi-events", log, "--policy-pack-config", join("examples", "limits.json"), "--output", `json=${shard}`, "--fail-on", "critical"]);

    const run = await runCli(["report", "--merge", shard, "--format", "table", "--fail-on", "critical"]);

    expect(run.code).toBe(EXIT_CODES.incomplete);
    expect(run.stderr).toContain(`shard ${shard}: ${log} has no summary event`);
    expect(run.stdout).toContain(`Incomplete: ${shard}: ${log} has no summary event`);
  });

  test("stopped preview reason stays one line", async () => {
    const log = join(await scratch(), "stopped\nlog.ndjson");
    await writeFile(log, await readFile(join(EVENTS, "preview-stopped.ndjson")));
    const shard = join(await scratch(), "stopped-name.json");
    await runCli(["report", "--from-pulumi-events", log, "--policy-pack-config", join("examples", "limits.json"), "--output", `json=${shard}`, "--fail-on", "critical"]);

    const run = await runCli(["report", "--merge", shard, "--format", "json", "--fail-on", "critical"]);

    expect(run.code).toBe(EXIT_CODES.incomplete);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  test("stopped preview headline is incomplete", async () => {
    const run = await runCli(["report", "--from-pulumi-events", join(EVENTS, "preview-stopped.ndjson"), "--format", "markdown", "--fail-on", "critical"]);

    expect(run.stdout.split("\n")[0]).toBe("## amlguard: incomplete");
  });

  test("non-UTF-8 event log exits 2", async () => {
    const log = join(await scratch(), "latin1.ndjson");
    await writeFile(log, Buffer.concat([Buffer.from('{"sequence": 0, "timestamp": 1, "stdoutEvent": {"message": "'), Buffer.from([0xe9]), Buffer.from('"}}\n')]));

    const run = await runCli(["report", "--from-pulumi-events", log]);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toContain(`Cannot read Pulumi event log ${log}: it is not valid UTF-8 text`);
  });

  test.each([
    { name: "invalid event exits 2", args: ["--from-pulumi-events", join(EVENTS, "not-events.ndjson")], message: /line 2 is not a Pulumi engine event/ },
    { name: "missing log exits 2", args: ["--from-pulumi-events", join(EVENTS, "absent.ndjson")], message: /Cannot read Pulumi event log .*: not found/ },
    { name: "bad output spec exits 2", args: ["--from-pulumi-events", PREVIEW, "--output", "sarif"], message: /expected FORMAT=FILE/ },
    { name: "unknown output format exits 2", args: ["--from-pulumi-events", PREVIEW, "--output", "xml=report.xml"], message: /the format "xml" is not one of table, json/ },
    { name: "unknown format exits 2", args: ["--from-pulumi-events", PREVIEW, "--format", "html"], message: /Allowed choices are table, json, sarif, junit, markdown/ },
    { name: "bad exemptions exits 2", args: ["--from-pulumi-events", PREVIEW, "--exemptions", join(EVENTS, "preview.ndjson")], message: /Invalid exemptions file/ },
    { name: "no input exits 2", args: [], message: /needs exactly one of --from-pulumi-events FILE and --merge FILE/ },
    { name: "both inputs exit 2", args: ["--from-pulumi-events", PREVIEW, "--merge", PREVIEW], message: /needs exactly one of/ },
    { name: "--merge without shards exits 2", args: ["--merge", "--format", "json"], message: /--merge needs at least one shard report/ },
    { name: "shard without --merge exits 2", args: ["--from-pulumi-events", PREVIEW, PREVIEW], message: /cannot be read as well; merge shard reports with --merge/ },
  ])("$name", async ({ args, message }) => {
    const run = await runCli(["report", ...args]);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toMatch(message);
  });
});
