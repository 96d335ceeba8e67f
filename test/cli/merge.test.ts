import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { generateTenant } from "../../src/emulator/generate-tenant";
import { type ArmEmulator, startArmEmulator } from "../../src/emulator/server";
import { countDeployments } from "../../src/emulator/tenant";
import { EXIT_CODES } from "../../src/findings/report";
import { CORPUS_DIR } from "../support/corpus";
import { useTemporaryDirectory } from "../support/temporary-directory";
import { runCli } from "./run-cli";

/**
 * Two CI jobs audit one subscription each against the ARM emulator and write JSON shard reports. The tests
 * merge them with `amlguard report --merge` and check the merged report against the shards.
 */

const TOKEN = "merge-test-token";
const TENANT = generateTenant({ subscriptions: 2, workspaces: 4, endpointsPerWorkspace: 2, deploymentsPerEndpoint: 2 });
const [FIRST, SECOND] = TENANT.subscriptions.map((subscription) => subscription.id);

interface JsonReport {
  readonly tool: { readonly version: string };
  readonly evidence: {
    readonly command: string;
    readonly limits: { readonly source: string; readonly sha256?: string };
    readonly scope: { readonly subscriptions?: string[] };
    readonly startedAt: string;
    readonly endedAt: string;
    readonly shards?: {
      readonly file: string;
      readonly sha256: string;
      readonly scope: { readonly subscriptions?: string[]; readonly armEndpoint?: string; readonly apiVersion?: string };
      readonly inputs?: unknown[];
      readonly shards?: { readonly file: string; readonly scope: { readonly armEndpoint?: string; readonly apiVersion?: string } }[];
      readonly counts: { readonly resources: number; readonly warned?: number; readonly failOn?: string };
    }[];
  };
  readonly resources: { readonly id?: string; readonly name: string; readonly status: string; readonly findings: unknown[] }[];
  readonly summary: { readonly resources: number; readonly evaluated: number; readonly warned: number; readonly failed: number; readonly failOn: string; readonly findings: { readonly mandatory: number } };
  readonly checks: { readonly evaluated: number; readonly failed: number };
}

/** The parts of a shard's resource that the consistency tests edit. */
interface EditableResource {
  status: string;
  findings: { ruleId: string; enforcementLevel?: string }[];
  rules: { ruleId: string; outcome: string }[];
}

const temporaryDirectory = useTemporaryDirectory("amlguard-merge-");

let emulator: ArmEmulator;
let directory: string;
let shardA: string;
let shardB: string;
let limitsFile: string;

async function audit(subscription: string, output: string, ...extra: string[]): Promise<void> {
  process.env.AMLGUARD_ARM_TOKEN = TOKEN;
  const run = await runCli(["audit", "--subscription", subscription, "--arm-endpoint", emulator.url, "--output", `json=${output}`, "--format", "json", ...extra]);
  if (run.code !== EXIT_CODES.failed && run.code !== EXIT_CODES.ok) {
    throw new Error(`audit of ${subscription} exited ${run.code}: ${run.stderr}`);
  }
}

async function readJson(file: string): Promise<JsonReport> {
  return JSON.parse(await readFile(file, "utf8")) as JsonReport;
}

/** The fields of a report that versions before 1.8 lack, in part. */
interface OlderReport {
  schemaVersion: string;
  summary: Record<string, unknown>;
  evidence: { inputs?: unknown; incomplete?: unknown; scope?: { armEndpoint?: string; apiVersion?: string } };
  resources: { workspaceName?: string; type?: string }[];
}

/** Edits a report into what JSON report 1.`minor` wrote, by removing the fields later versions added. */
function asVersion(report: OlderReport, minor: number): OlderReport {
  report.schemaVersion = `1.${minor}`;
  if (minor < 3) {
    delete report.summary.failOn;
    delete report.summary.warned;
  }
  if (minor < 4) {
    delete report.evidence.inputs;
  }
  if (minor < 6) {
    delete report.evidence.scope?.armEndpoint;
    delete report.evidence.scope?.apiVersion;
  }
  if (minor < 7) {
    delete report.evidence.incomplete;
  }
  for (const resource of report.resources) {
    delete resource.workspaceName;
    delete resource.type;
  }
  return report;
}

async function merge(...args: string[]): Promise<{ code: number; stderr: string; report?: JsonReport }> {
  const run = await runCli(["report", "--format", "json", "--merge", ...args]);
  return { code: run.code, stderr: run.stderr, ...(run.stdout === "" ? {} : { report: JSON.parse(run.stdout) as JsonReport }) };
}

beforeAll(async () => {
  emulator = await startArmEmulator({ tenant: TENANT, token: TOKEN });
  directory = temporaryDirectory.path();
  limitsFile = join(directory, "limits.json");
  await writeFile(limitsFile, JSON.stringify({ "request-timeout": { maxRequestTimeout: "PT1M" } }));
  shardA = join(directory, "shard-a.json");
  shardB = join(directory, "shard-b.json");
  await audit(FIRST, shardA);
  await audit(SECOND, shardB);
});

afterAll(async () => {
  delete process.env.AMLGUARD_ARM_TOKEN;
  await emulator.close();
});

describe("report --merge", () => {
  test("lists every deployment of both shards", async () => {
    const { report } = await merge(shardA, shardB);
    const evaluated = report?.resources.filter((resource) => resource.status === "evaluated") ?? [];

    expect(evaluated).toHaveLength(countDeployments(TENANT));
  });

  test("sums the shards' counts", async () => {
    const [a, b] = await Promise.all([readJson(shardA), readJson(shardB)]);
    const { report } = await merge(shardA, shardB);

    expect(report?.summary.resources).toBe(a.summary.resources + b.summary.resources);
    expect(report?.summary.failed).toBe(a.summary.failed + b.summary.failed);
    expect(report?.summary.findings.mandatory).toBe(a.summary.findings.mandatory + b.summary.findings.mandatory);
    expect(report?.checks.evaluated).toBe(a.checks.evaluated + b.checks.evaluated);
  });

  test("records each shard's evidence", async () => {
    const { report } = await merge(shardA, shardB);
    const bytes = await readFile(shardB);

    expect(report?.evidence.shards?.map((shard) => shard.file)).toEqual([shardA, shardB]);
    expect(report?.evidence.shards?.[1].sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(report?.evidence.shards?.[0].scope.subscriptions).toEqual([FIRST]);
    expect(report?.evidence.scope.subscriptions).toEqual([FIRST, SECOND]);
  });

  test("records each shard's input files", async () => {
    const withLimits = join(directory, "shard-with-limits.json");
    await audit(FIRST, withLimits, "--policy-pack-config", limitsFile);
    const shard = JSON.parse(await readFile(withLimits, "utf8")) as { evidence: { inputs: unknown[] } };
    const limitsHash = createHash("sha256").update(await readFile(limitsFile)).digest("hex");

    const { report } = await merge(withLimits);

    expect(shard.evidence.inputs).toEqual([{ file: limitsFile, role: "limits", sha256: limitsHash }]);
    expect(report?.evidence.shards?.[0].inputs).toEqual(shard.evidence.inputs);
  });

  test("keeps shards of a merged shard", async () => {
    const first = join(directory, "merged-first.json");
    await runCli(["report", "--merge", shardA, "--output", `json=${first}`, "--format", "json"]);

    const { report } = await merge(first, shardB);

    expect(report?.evidence.shards?.[0].shards?.map((shard) => shard.file)).toEqual([shardA]);
    expect(report?.evidence.shards?.[0].shards?.[0].scope.armEndpoint).toBe(`${emulator.url}/`);
    expect(report?.evidence.shards?.[0].shards?.[0].scope.apiVersion).toBe("2025-06-01");
    expect(report?.evidence.shards?.[1]).not.toHaveProperty("shards");
  });

  test("rejects merged reports nested too deep", async () => {
    const first = join(directory, "merged-once.json");
    await runCli(["report", "--merge", shardA, "--output", `json=${first}`, "--format", "json"]);
    const report = JSON.parse(await readFile(first, "utf8")) as { evidence: { shards: Record<string, unknown>[] } };
    let nested = report.evidence.shards[0];
    // With the shard itself, 16 levels: merging it would write 17.
    for (let level = 0; level < 15; level++) {
      nested = { ...report.evidence.shards[0], shards: [nested] };
    }
    report.evidence.shards = [nested];
    const deep = join(directory, "merged-deep.json");
    await writeFile(deep, JSON.stringify(report));

    const { code, stderr } = await merge(deep);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`${deep} nests merged reports 16 or more levels deep`);
  });

  test("table names shards of a merged shard", async () => {
    const first = join(directory, "merged-first-table.json");
    await runCli(["report", "--merge", shardA, "--output", `json=${first}`, "--format", "json"]);

    const run = await runCli(["report", "--merge", first, shardB, "--format", "table"]);

    expect(run.stdout).toContain(`Shard ${shardA} (SHA-256 `);
    expect(run.stdout).toContain(`, merged into ${first}: `);
  });

  test("table names every verdict of a shard", async () => {
    const b = await readJson(shardB);
    const { passed, warned, failed, waived } = b.summary as unknown as Record<string, number>;

    const run = await runCli(["report", "--merge", shardA, shardB, "--format", "table"]);

    expect(run.stdout).toContain(`${passed} passed, ${warned} warned, ${failed} failed (--fail-on mandatory), ${waived} waived`);
  });

  test("table names each shard's input files", async () => {
    const withLimits = join(directory, "shard-with-limits-table.json");
    await audit(FIRST, withLimits, "--policy-pack-config", limitsFile);
    const limitsHash = createHash("sha256").update(await readFile(limitsFile)).digest("hex");

    const run = await runCli(["report", "--merge", withLimits, "--format", "table"]);

    expect(run.stdout).toContain(`read limits ${limitsFile} (SHA-256 ${limitsHash})`);
  });

  test("lists only the shards as read files", async () => {
    const withLimits = join(directory, "shard-limits-inputs.json");
    await audit(FIRST, withLimits, "--policy-pack-config", limitsFile);

    const { report } = await merge(withLimits);

    expect((report?.evidence as { inputs?: { role: string }[] }).inputs?.map((input) => input.role)).toEqual(["shard"]);
  });

  test("keeps the limits file's exemption count", async () => {
    const shard = join(directory, "shard-limits-exemptions.json");
    await audit(FIRST, shard, "--policy-pack-config", join("examples", "limits.json"));
    const written = JSON.parse(await readFile(shard, "utf8")) as { exemptions: { limitsFileEntries: number } };

    const { report } = await merge(shard);

    expect(written.exemptions.limitsFileEntries).toBeGreaterThan(0);
    expect((report as unknown as { exemptions: { limitsFileEntries?: number } }).exemptions.limitsFileEntries).toBe(written.exemptions.limitsFileEntries);
  });

  test("rejects edited limits file entry counts", async () => {
    const [first, second] = ["limits-entries-a.json", "limits-entries-b.json"].map((name) => join(directory, name));
    await audit(FIRST, first, "--policy-pack-config", join("examples", "limits.json"));
    await audit(SECOND, second, "--policy-pack-config", join("examples", "limits.json"));
    const report = JSON.parse(await readFile(second, "utf8")) as { exemptions: { limitsFileEntries: number } };
    report.exemptions.limitsFileEntries -= 1;
    await writeFile(second, JSON.stringify(report));

    const { code, stderr } = await merge(first, second);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("shards state different numbers of exemption entries for the same exemptions");
    expect(stderr).toContain(`of them from the limits file: ${second}`);
  });

  test("rejects an exemption index past the entries", async () => {
    const shard = join(directory, "limits-entries-index.json");
    await audit(FIRST, shard, "--policy-pack-config", join("examples", "limits.json"));
    const report = JSON.parse(await readFile(shard, "utf8")) as { exemptions: { entries: number; unused: { index: number }[]; applied: { index: number }[] } };
    const listed = [...report.exemptions.unused, ...report.exemptions.applied];
    listed[0].index = report.exemptions.entries;
    await writeFile(shard, JSON.stringify(report));

    const { code, stderr } = await merge(shard);

    expect(listed.length).toBeGreaterThan(0);
    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`its exemptions list entry ${report.exemptions.entries}, but state ${report.exemptions.entries} entries`);
  });

  type ForgeableReport = {
    summary: Record<string, number>;
    resources: { findings: Record<string, unknown>[]; rules: { ruleId: string; waived?: boolean }[] }[];
    exemptions?: { applied: Record<string, unknown>[]; expired: Record<string, unknown>[]; unused: Record<string, unknown>[] };
  };

  /**
   * Checks examples/deployment.yml, with `exemptions` when given, then edits the report so that the first finding
   * is waived by entry 0 and counted as waived, moving that entry to `applied` when the run listed it elsewhere.
   */
  async function forgedWaiver(name: string, exemptions?: string): Promise<string> {
    const forged = join(directory, name);
    await runCli(["check", join("examples", "deployment.yml"), "--output", `json=${forged}`, ...(exemptions === undefined ? [] : ["--exemptions", exemptions])]);
    const report = JSON.parse(await readFile(forged, "utf8")) as ForgeableReport;
    const status = report.exemptions;
    const entry = status === undefined ? undefined : [...status.expired, ...status.unused].find((use) => use.index === 0);
    if (status !== undefined && entry !== undefined) {
      status.expired = status.expired.filter((use) => use !== entry);
      status.unused = status.unused.filter((use) => use !== entry);
      status.applied.push({ ...entry, waivedFindings: 1 });
    }
    const finding = report.resources[0].findings[0];
    finding.waiver =
      entry === undefined
        ? { exemptionIndex: 0, resourcePattern: "**", reason: "forged", owner: "nobody", expires: "2099-01-01" }
        : { exemptionIndex: 0, resourcePattern: entry.resource, reason: "forged", owner: entry.owner, expires: entry.expires };
    report.resources[0].rules.find((rule) => rule.ruleId === finding.ruleId)!.waived = true;
    report.summary.failed -= 1;
    report.summary.waived += 1;
    await writeFile(forged, JSON.stringify(report));
    return forged;
  }

  /** Writes an exemptions file with one entry for request-timeout. */
  async function exemptionsFile(name: string, resource: string, expires: string): Promise<string> {
    const file = join(directory, name);
    await writeFile(file, `exemptions:\n  - resource: "${resource}"\n    rules: [request-timeout]\n    reason: Migration window.\n    owner: ml-platform\n    expires: "${expires}"\n`);
    return file;
  }

  /** Checks examples/deployment.yml and applies `edit` to its JSON report. */
  async function editedCheck(name: string, edit: (report: ForgeableReport & Record<string, unknown>) => void, ...extra: string[]): Promise<string> {
    const file = join(directory, name);
    await runCli(["check", join("examples", "deployment.yml"), "--output", `json=${file}`, ...extra]);
    const report = JSON.parse(await readFile(file, "utf8")) as ForgeableReport & Record<string, unknown>;
    edit(report);
    await writeFile(file, JSON.stringify(report));
    return file;
  }

  test.each([
    {
      name: "a lowered severity",
      edit: (report: ForgeableReport) => {
        report.resources[0].findings[0].severity = "low";
      },
      message: "with severity low, but the rule catalogue gives it severity medium",
    },
    {
      name: "an unknown rule",
      edit: (report: ForgeableReport) => {
        report.resources[0].findings[0].ruleId = "no-such-rule";
        report.resources[0].rules.push({ ruleId: "no-such-rule", outcome: "failed" } as never);
      },
      message: "has a finding of rule no-such-rule, which check and audit do not run",
    },
    {
      name: "an ARM id on a YAML deployment",
      edit: (report: ForgeableReport) => {
        (report.resources[0] as Record<string, unknown>).id = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e/deployments/d";
      },
      message: "has an ARM id or URN, which amlguard never records for a cli-yaml resource",
    },
    {
      name: "a stray waived flag",
      edit: (report: ForgeableReport) => {
        report.resources[0].rules.find((rule) => rule.ruleId === "request-timeout")!.waived = true;
      },
      message: "lists rule request-timeout as waived, but not every finding of it is waived",
    },
    {
      name: "a lowered level",
      edit: (report: ForgeableReport) => {
        report.resources[0].findings[0].enforcementLevel = "advisory";
        report.summary.failed -= 1;
        report.summary.warned += 1;
      },
      message: "judges rule request-timeout as advisory, but the built-in limits give it mandatory",
    },
  ])("rejects $name", async ({ edit, message }) => {
    const forged = await editedCheck("forged-finding.json", edit);

    const { code, stderr } = await merge(forged);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(message);
  });

  test.each([
    {
      name: "unrecorded limits in a check",
      edit: (report: ForgeableReport & Record<string, unknown>) => {
        (report.evidence as { limits: unknown }).limits = { source: "not-recorded" };
      },
      message: "it records its limits as not-recorded, which only a report of a Pulumi event log does",
    },
    {
      name: "a check relabelled as an event-log report",
      edit: (report: ForgeableReport & Record<string, unknown>) => {
        (report.evidence as { command: string }).command = "report";
        report.resources[0].findings[0].enforcementLevel = "advisory";
        report.summary.failed -= 1;
        report.summary.warned += 1;
      },
      message: "judges rule request-timeout as advisory, but the built-in limits give it mandatory",
    },
  ])("rejects $name", async ({ edit, message }) => {
    const forged = await editedCheck("forged-evidence.json", edit);

    const { code, stderr } = await merge(forged);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(message);
  });

  test("rejects two levels of one rule in one run", async () => {
    const fixture = await readFile(join("examples", "deployment.yml"), "utf8");
    const [blue, green] = ["two-blue.yml", "two-green.yml"].map((name) => join(directory, name));
    await writeFile(blue, fixture);
    await writeFile(green, fixture.replace("name: blue", "name: green"));
    const shard = join(directory, "two-levels.json");
    await runCli(["check", blue, green, "--output", `json=${shard}`]);
    const report = JSON.parse(await readFile(shard, "utf8")) as ForgeableReport;
    report.resources[1].findings[0].enforcementLevel = "advisory";
    report.summary.failed -= 1;
    report.summary.warned += 1;
    await writeFile(shard, JSON.stringify(report));

    const { code, stderr } = await merge(shard);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("judges rule request-timeout as advisory and mandatory in one run");
  });

  test("rejects a raised level for unknown values", async () => {
    const template = join(directory, "unknown-timeout.json");
    const deployment = {
      type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
      apiVersion: "2025-06-01",
      name: "mlw/scoring/blue",
      properties: { endpointComputeType: "Managed", requestSettings: { requestTimeout: "[reference('x').timeout]" } },
    };
    await writeFile(template, JSON.stringify({ $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", contentVersion: "1.0.0.0", resources: [deployment] }));
    const shard = join(directory, "unknown-level.json");
    await runCli(["check", template, "--output", `json=${shard}`]);
    const report = JSON.parse(await readFile(shard, "utf8")) as ForgeableReport;
    const unknown = report.resources[0].findings.find((finding) => finding.kind === "unknown" && finding.ruleId === "request-timeout")!;
    unknown.enforcementLevel = "mandatory";
    await writeFile(shard, JSON.stringify(report));

    const { code, stderr } = await merge(shard);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("judges rule request-timeout (unknown values) as mandatory, but the built-in limits give it advisory");
  });

  test.each([
    { name: "a lowered pack policy severity", severity: "low", policyName: "limits-file", message: "of policy limits-file with severity low, but the amlguard pack gives it severity high" },
    { name: "a policy the pack does not have", severity: "high", policyName: "org-baseline", message: "has a finding of policy org-baseline, which the amlguard pack does not have" },
  ])("rejects an event-log finding with $name", async ({ severity, policyName, message }) => {
    const log = join(directory, `pack-policy-${policyName}.ndjson`);
    const fixture = await readFile(join("test", "events", "fixtures", "preview.ndjson"), "utf8");
    const event = {
      sequence: 100,
      timestamp: 1764878406,
      policyEvent: {
        resourceUrn: "urn:pulumi:dev::fraud-scoring::azure-native:machinelearningservices:OnlineDeployment::blue",
        message: "Invalid policy pack config.",
        color: "raw",
        policyName: "limits-file",
        policyPackName: "amlguard",
        enforcementLevel: "mandatory",
        severity: "high",
      },
    };
    await writeFile(log, `${fixture}${JSON.stringify(event)}\n`);
    const shard = join(directory, `pack-policy-${policyName}.json`);
    await runCli(["report", "--from-pulumi-events", log, "--policy-pack-config", limitsFile, "--output", `json=${shard}`]);
    const report = JSON.parse(await readFile(shard, "utf8")) as ForgeableReport;
    const finding = report.resources.flatMap((resource) => resource.findings).find((candidate) => candidate.ruleId === "limits-file")!;
    finding.severity = severity;
    finding.ruleId = policyName;
    for (const rule of report.resources.flatMap((resource) => resource.rules).filter((candidate) => candidate.ruleId === "limits-file")) {
      rule.ruleId = policyName;
    }
    await writeFile(shard, JSON.stringify(report));

    const { code, stderr } = await merge(shard);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(message);
  });

  test("rejects an event-log finding with a kind it cannot have", async () => {
    const shard = join(directory, "event-log-kind.json");
    await runCli(["report", "--from-pulumi-events", join("test", "events", "fixtures", "preview.ndjson"), "--policy-pack-config", limitsFile, "--output", `json=${shard}`]);
    const report = JSON.parse(await readFile(shard, "utf8")) as ForgeableReport;
    const resource = report.resources.find((candidate) => candidate.findings.length > 0)!;
    resource.findings[0].kind = "unknown";
    await writeFile(shard, JSON.stringify(report));

    const { code, stderr } = await merge(shard);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("that a Pulumi event log does not give");
  });

  test("rejects levels that differ between shards", async () => {
    const limits = join("examples", "limits.json");
    const honest = await editedCheck("level-honest.json", () => undefined, "--policy-pack-config", limits);
    const lowered = await editedCheck(
      "level-lowered.json",
      (report) => {
        report.resources[0].findings[0].enforcementLevel = "advisory";
        report.summary.failed -= 1;
        report.summary.warned += 1;
        (report.resources[0] as Record<string, unknown>).file = "elsewhere.yml";
      },
      "--policy-pack-config",
      limits,
    );

    const { code, stderr } = await merge(honest, lowered);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`${honest} judges rule request-timeout as mandatory and ${lowered} as advisory, with the same limits`);
  });

  test("rejects a listed pattern amlguard refuses", async () => {
    const forged = await forgedWaiver("forged-broad.json", await exemptionsFile("broad.yaml", "examples/other.yml", "2099-12-31"));
    const report = JSON.parse(await readFile(forged, "utf8")) as ForgeableReport;
    report.exemptions!.applied[0].resource = "**";
    (report.resources[0].findings[0].waiver as Record<string, unknown>).resourcePattern = "**";
    await writeFile(forged, JSON.stringify(report));

    const { code, stderr } = await merge(forged);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("its exemptions list an entry amlguard would not load");
  });

  test("rejects a waiver amlguard would not choose", async () => {
    const exemptions = join(directory, "two-entries.yaml");
    const entry = (reason: string) => `  - resource: "examples/deployment.yml"\n    rules: [request-timeout]\n    reason: ${reason}\n    owner: ml-platform\n    expires: "2099-12-31"\n`;
    await writeFile(exemptions, `exemptions:\n${entry("First window.")}${entry("Second window.")}`);
    const forged = await editedCheck(
      "second-entry.json",
      (report) => {
        const status = report.exemptions!;
        const [first] = status.applied.splice(0, 1);
        const second = status.unused.splice(0, 1)[0];
        status.unused.push({ ...first, waivedFindings: 0 });
        status.applied.push({ ...second, waivedFindings: 1 });
        (report.resources[0].findings[0].waiver as Record<string, unknown>).exemptionIndex = second.index;
      },
      "--exemptions",
      exemptions,
    );

    const { code, stderr } = await merge(forged);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("has a finding of rule request-timeout that is waived by entry 1, but entry 0 is the first in force that waives it");
  });

  test("labels an unlisted subscription after merging", async () => {
    const missing = "11111111-1111-4111-8111-111111111111";
    const shard = join(directory, "unlisted-subscription.json");
    await runCli(["audit", "--subscription", missing, "--arm-endpoint", emulator.url, "--output", `json=${shard}`, "--format", "json"]);

    const run = await runCli(["report", "--format", "table", "--merge", shard]);

    expect(run.code).toBe(EXIT_CODES.incomplete);
    expect(run.stdout).toContain(`NOT EVALUATED  subscription '${missing}'`);
  });

  test("rejects a waiver without its exemption", async () => {
    const forged = await forgedWaiver("forged-waiver.json");

    const { code, stderr } = await merge(forged);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("waived by exemption entry 0, which its exemptions do not list as applied");
  });

  test("rejects a waiver by an expired entry", async () => {
    const forged = await forgedWaiver("forged-expired.json", await exemptionsFile("expired.yaml", "examples/deployment.yml", "2020-01-01"));

    const { code, stderr } = await merge(forged);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("its exemptions list entry 0 as applied, but it expired on 2020-01-01, before the run started at");
  });

  test("rejects a waiver whose owner differs", async () => {
    const exemptions = await exemptionsFile("owned.yaml", "examples/deployment.yml", "2099-12-31");
    const forged = await editedCheck(
      "forged-owner.json",
      (report) => {
        (report.resources[0].findings[0].waiver as Record<string, unknown>).owner = "someone-else";
      },
      "--exemptions",
      exemptions,
    );

    const { code, stderr } = await merge(forged);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain('whose owner is "ml-platform" in the exemptions and "someone-else" in the waiver');
  });

  test("rejects a waiver whose pattern misses", async () => {
    const forged = await forgedWaiver("forged-pattern.json", await exemptionsFile("other-file.yaml", "examples/other.yml", "2099-12-31"));

    const { code, stderr } = await merge(forged);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("whose resource pattern examples/other.yml does not match it");
  });

  test("rejects an entry two shards describe differently", async () => {
    const exemptions = await exemptionsFile("described.yaml", "examples/other.yml", "2099-12-31");
    const [honest, edited] = ["described-a.json", "described-b.json"].map((name) => join(directory, name));
    await runCli(["check", join("examples", "deployment.yml"), "--output", `json=${honest}`, "--exemptions", exemptions]);
    await runCli(["check", join("examples", "deployment.yml"), "--output", `json=${edited}`, "--exemptions", exemptions]);
    const report = JSON.parse(await readFile(edited, "utf8")) as ForgeableReport;
    report.exemptions!.unused[0].resource = "examples/**";
    report.resources = [];
    report.summary = { ...report.summary, resources: 0, evaluated: 0, failed: 0 };
    await writeFile(edited, JSON.stringify(report));

    const { code, stderr } = await merge(honest, edited);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("shards describe exemption entry 0 differently");
  });

  test("rejects an applied count no finding backs", async () => {
    const shard = join(directory, "applied-count.json");
    await audit(FIRST, shard, "--policy-pack-config", join("examples", "limits.json"));
    const report = JSON.parse(await readFile(shard, "utf8")) as { exemptions: { unused: Record<string, unknown>[]; applied: Record<string, unknown>[] } };
    const entry = report.exemptions.unused.shift()!;
    report.exemptions.applied.push({ ...entry, waivedFindings: 2 });
    await writeFile(shard, JSON.stringify(report));

    const { code, stderr } = await merge(shard);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`its exemptions list entry ${String(entry.index)} as waiving 2 findings, and 0 of its findings name it`);
  });

  test("rejects a summary without failOn", async () => {
    const shard = join(directory, "no-fail-on.json");
    await runCli(["check", join("examples", "deployment.yml"), "--output", `json=${shard}`]);
    const report = JSON.parse(await readFile(shard, "utf8")) as { summary: Record<string, unknown> };
    delete report.summary.failOn;
    await writeFile(shard, JSON.stringify(report));

    const { code, stderr } = await merge(shard);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("its summary has no failOn, which JSON report 1.8 always records");
  });

  test("rejects a later field under an older version", async () => {
    const shard = join(directory, "relabelled.json");
    await runCli(["check", join("examples", "deployment.yml"), "--output", `json=${shard}`]);
    const report = JSON.parse(await readFile(shard, "utf8")) as OlderReport;
    report.schemaVersion = "1.2";
    await writeFile(shard, JSON.stringify(report));

    const { code, stderr } = await merge(shard);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("it records summary.failOn, which JSON report 1.3 added, but states version 1.2");
  });

  test("recounts resources of a 1.2 shard", async () => {
    const shard = join(directory, "old-resource-count.json");
    await runCli(["check", join("examples", "deployment.yml"), "--output", `json=${shard}`]);
    const report = asVersion(JSON.parse(await readFile(shard, "utf8")) as OlderReport, 2);
    report.summary.resources = 7;
    await writeFile(shard, JSON.stringify(report));

    const { code, stderr } = await merge(shard);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("summary disagrees with its resources: resources 7 where its resources give 1");
  });

  test.each([
    { name: "an exemptions file", extra: (file: string) => ["--exemptions", file], fix: "Run the shards without exemptions to apply --exemptions when merging" },
    { name: "the limits file", extra: () => ["--policy-pack-config", join("examples", "limits.json")], fix: "Move exemptions.entries out of the limits file and run the shards again" },
  ])("rejects --exemptions over $name", async ({ extra, fix }) => {
    const exemptions = await exemptionsFile("merge-time.yaml", "examples/other.yml", "2099-12-31");
    const shard = join(directory, "exempted-shard.json");
    await audit(FIRST, shard, ...extra(exemptions));

    const { code, stderr } = await merge(shard, "--exemptions", exemptions);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`would apply others on top. ${fix}`);
  });

  test("rejects --policy-pack-config with --merge", async () => {
    const run = await runCli(["report", "--merge", shardA, "--policy-pack-config", limitsFile]);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toContain(`--policy-pack-config ${limitsFile} would be ignored; leave it out.`);
  });

  test("records each shard's warned count and threshold", async () => {
    const a = await readJson(shardA);
    const { report } = await merge(shardA, shardB);

    expect(report?.evidence.shards?.[0].counts).toMatchObject({ warned: a.summary.warned, failOn: a.summary.failOn });
  });

  test("merges a version 1.2 shard", async () => {
    const old = join(directory, "shard-version-1.2.json");
    const report = JSON.parse(await readFile(shardB, "utf8")) as OlderReport;
    await writeFile(old, JSON.stringify(asVersion(report, 2)));

    const merged = await merge(shardA, old);

    expect(merged.code).toBe(EXIT_CODES.failed);
    expect(merged.report?.evidence.shards?.[1].counts).not.toHaveProperty("warned");
  });

  test("spans the shards' times", async () => {
    const [a, b] = await Promise.all([readJson(shardA), readJson(shardB)]);
    const { report } = await merge(shardB, shardA);

    expect(report?.evidence.startedAt).toBe(a.evidence.startedAt);
    expect(report?.evidence.endedAt).toBe(b.evidence.endedAt);
  });

  test("exits as the merged findings require", async () => {
    const { code } = await merge(shardA, shardB);

    expect(code).toBe(EXIT_CODES.failed);
  });

  test("writes every format", async () => {
    const sarif = join(directory, "merged.sarif");
    const junit = join(directory, "merged.xml");
    const markdown = join(directory, "merged.md");
    const run = await runCli(["report", "--merge", shardA, shardB, "--output", `sarif=${sarif}`, "--output", `junit=${junit}`, "--output", `markdown=${markdown}`, "--format", "table"]);
    const sarifLog = JSON.parse(await readFile(sarif, "utf8")) as { runs: { results: unknown[]; properties: { evidence: { shards: unknown[] } } }[] };
    const testsuites = new XMLParser({ ignoreAttributes: false }).parse(await readFile(junit, "utf8")) as { testsuites: unknown };

    expect(run.code).toBe(EXIT_CODES.failed);
    expect(sarifLog.runs[0].results.length).toBeGreaterThan(0);
    expect(sarifLog.runs[0].properties.evidence.shards).toHaveLength(2);
    expect(testsuites.testsuites).toBeDefined();
    expect(await readFile(markdown, "utf8")).toContain(shardB);
    expect(run.stdout).toContain(shardA);
  });

  test("rejects different limits", async () => {
    const other = join(directory, "shard-other-limits.json");
    await audit(SECOND, other, "--policy-pack-config", limitsFile);

    const { code, stderr } = await merge(shardA, other);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("different limits");
  });

  test("rejects another rule catalogue", async () => {
    const edited = join(directory, "shard-old-catalogue.json");
    const report = JSON.parse(await readFile(shardB, "utf8")) as { evidence: { tool: { ruleCatalogueVersion: string } } };
    report.evidence.tool.ruleCatalogueVersion = "2020.1.1";
    await writeFile(edited, JSON.stringify(report));

    const { code, stderr } = await merge(shardA, edited);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("2020.1.1");
  });

  test("rejects overlapping shards", async () => {
    const { code, stderr } = await merge(shardA, shardA);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("in both");
  });

  test("merges a shard that lists one id twice", async () => {
    const fixture = join("test", "reporters", "fixtures", "deployments.json");
    const copy = join(directory, "deployments-copy.json");
    await writeFile(copy, await readFile(fixture));
    const checkShard = join(directory, "check-shard-twice.json");
    await runCli(["check", fixture, copy, "--output", `json=${checkShard}`]);
    const shard = await readJson(checkShard);

    const { code, stderr, report } = await merge(checkShard);

    expect(stderr).toBe("");
    expect(code).toBe(EXIT_CODES.failed);
    expect(report?.resources).toHaveLength(shard.resources.length);
  });

  // A stack policy such as quota-core-budget reports on the whole stack, without a resource URN.
  test("merges event-log reports of two stacks", async () => {
    const fixture = await readFile(join("test", "events", "fixtures", "preview.ndjson"), "utf8");
    const stackFinding = JSON.stringify({
      sequence: 100,
      timestamp: 1764878406,
      policyEvent: { message: "Cores above budget.", color: "raw", policyName: "quota-core-budget", policyPackName: "amlguard", enforcementLevel: "mandatory" },
    });
    const shards = await Promise.all(
      ["dev", "prod"].map(async (stack) => {
        const log = join(directory, `preview-${stack}.ndjson`);
        await writeFile(log, `${fixture.replaceAll("urn:pulumi:dev::", `urn:pulumi:${stack}::`)}${stackFinding}\n`);
        const shard = join(directory, `event-log-${stack}.json`);
        await runCli(["report", "--from-pulumi-events", log, "--policy-pack-config", limitsFile, "--output", `json=${shard}`]);
        return shard;
      }),
    );

    const { code, stderr, report } = await merge(...shards);

    expect(stderr).toBe("");
    expect(code).toBe(EXIT_CODES.failed);
    const stackResources = report?.resources.filter((resource) => resource.name.startsWith("stack policies"));
    expect(stackResources?.map((resource) => resource.name)).toEqual(["stack policies of fraud-scoring/dev", "stack policies of fraud-scoring/prod"]);
  });

  test.each([
    { name: "neither records", config: [[], []], code: EXIT_CODES.failed, message: "notice: the shards record no limits" },
    { name: "one records", config: [["--policy-pack-config", join("examples", "limits.json")], []], code: EXIT_CODES.usage, message: "shards applied different limits" },
  ])("merges event logs when $name limits", async ({ config, code, message }) => {
    const fixture = await readFile(join("test", "events", "fixtures", "preview.ndjson"), "utf8");
    const shards = await Promise.all(
      ["staging", "qa"].map(async (stack, index) => {
        const log = join(directory, `unrecorded-${stack}.ndjson`);
        await writeFile(log, fixture.replaceAll("urn:pulumi:dev::", `urn:pulumi:${stack}::`));
        const shard = join(directory, `unrecorded-${stack}-${config[index].length}.json`);
        await runCli(["report", "--from-pulumi-events", log, ...config[index], "--output", `json=${shard}`]);
        return shard;
      }),
    );

    const merged = await merge(...shards);

    expect(merged.code).toBe(code);
    expect(merged.stderr).toContain(message);
  });

  test.each([
    { name: "not JSON", text: "not json", message: "is not JSON" },
    { name: "not UTF-8", text: Buffer.from([0x7b, 0x22, 0xc3, 0x22, 0x7d]), message: "it is not valid UTF-8 text" },
    { name: "another document", text: JSON.stringify({ resources: [] }), message: "is not an amlguard JSON report: schemaVersion is missing;" },
    { name: "of a wrong version type", text: JSON.stringify({ schemaVersion: 1 }), message: "is not an amlguard JSON report: schemaVersion Invalid input: expected string, received number;" },
  ])("rejects a shard that is $name", async ({ text, message }) => {
    const file = join(directory, "not-a-report.json");
    await writeFile(file, text);

    const { code, stderr } = await merge(shardA, file);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(message);
  });

  test.each([
    {
      name: "a failed rule without its finding",
      edit: (resource: EditableResource) => {
        resource.findings = resource.findings.filter((finding) => finding.ruleId !== resource.findings[0].ruleId);
      },
      message: "as failed, but its findings make it passed",
    },
    {
      name: "a finding of a passed rule",
      edit: (resource: EditableResource) => {
        const rule = resource.rules.find((candidate) => candidate.ruleId === resource.findings[0].ruleId);
        if (rule !== undefined) {
          rule.outcome = "passed";
        }
      },
      message: "whose outcome is passed, not failed or unverified",
    },
    {
      name: "findings on a not-evaluated resource",
      edit: (resource: EditableResource) => {
        resource.status = "not-evaluated";
      },
      message: "is not evaluated but has findings",
    },
    {
      name: "an unjudged resource as evaluated",
      edit: (resource: EditableResource) => {
        resource.findings = [];
        resource.rules = resource.rules.map((rule) => ({ ...rule, outcome: "disabled" }));
      },
      message: "is evaluated, but no rule judged it",
    },
    {
      name: "only limits-file passed",
      edit: (resource: EditableResource) => {
        resource.findings = [];
        resource.rules = [...resource.rules.map((rule) => ({ ...rule, outcome: "not-applicable" })), { ruleId: "limits-file", outcome: "passed" }];
      },
      message: "is evaluated, but no rule judged it",
    },
  ])("rejects a shard with $name", async ({ edit, message }) => {
    const report = JSON.parse(await readFile(shardB, "utf8")) as { resources: EditableResource[] };
    const judged = report.resources.find((resource) => resource.findings.length > 0);
    if (judged === undefined) {
      throw new Error("the tenant has no deployment with a finding");
    }
    edit(judged);
    const edited = join(directory, "edited-shard.json");
    await writeFile(edited, JSON.stringify(report));

    const { code, stderr } = await merge(shardA, edited);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`${edited} is inconsistent:`);
    expect(stderr).toContain(message);
  });

  test("rejects an edited summary", async () => {
    const report = JSON.parse(await readFile(shardB, "utf8")) as { summary: { failed: number } };
    report.summary.failed += 1;
    const edited = join(directory, "edited-summary.json");
    await writeFile(edited, JSON.stringify(report));

    const { code, stderr } = await merge(shardA, edited);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`summary disagrees with its resources: failed ${report.summary.failed} where its resources give ${report.summary.failed - 1}`);
  });

  /** Writes a shard as amlguard writes one for a subscription without deployments: no resources, every count 0. */
  async function emptyShard(name: string): Promise<string> {
    const report = JSON.parse(await readFile(shardA, "utf8")) as { resources: unknown[]; summary: Record<string, unknown>; evidence: { scope: Record<string, unknown> } };
    report.evidence.scope = { ...report.evidence.scope, subscriptions: ["99999999-9999-4999-8999-999999999999"] };
    report.resources = [];
    report.summary = { ...report.summary, resources: 0, evaluated: 0, notEvaluated: 0, passed: 0, warned: 0, failed: 0, waived: 0 };
    const file = join(directory, name);
    await writeFile(file, JSON.stringify(report));
    return file;
  }

  /** Writes a copy of a shard without resources, as for a scope without deployments, keeping its scope. */
  async function emptyShardOf(source: string, name: string): Promise<string> {
    const report = JSON.parse(await readFile(source, "utf8")) as { resources: unknown[]; summary: Record<string, unknown> };
    report.resources = [];
    report.summary = { ...report.summary, resources: 0, evaluated: 0, notEvaluated: 0, passed: 0, warned: 0, failed: 0, waived: 0 };
    const file = join(directory, name);
    await writeFile(file, JSON.stringify(report));
    return file;
  }

  /** Merges the shards into a file and returns the parsed report, for tests that edit a merged report. */
  async function mergedFile(
    name: string,
    ...shards: string[]
  ): Promise<{ file: string; report: { evidence: { shards: Record<string, unknown>[]; inputs?: { role: string; file: string }[] } } & Record<string, unknown> }> {
    const file = join(directory, name);
    await runCli(["report", "--merge", ...shards, "--output", `json=${file}`, "--format", "json"]);
    return { file, report: JSON.parse(await readFile(file, "utf8")) };
  }

  test("rejects a resource group inside an audited subscription", async () => {
    const report = JSON.parse(await readFile(await emptyShardOf(shardA, "shard-empty-group.json"), "utf8")) as { evidence: { scope: Record<string, unknown> } };
    report.evidence.scope = { ...report.evidence.scope, resourceGroup: "rg-without-deployments" };
    const narrowed = join(directory, "shard-empty-group.json");
    await writeFile(narrowed, JSON.stringify(report));

    const { code, stderr } = await merge(shardA, narrowed);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`${shardA} audited subscription ${FIRST} and ${narrowed} audited resource group ${FIRST}/rg-without-deployments, which overlap`);
  });

  test("accepts one subscription on two endpoints", async () => {
    const otherCloud = JSON.parse(await readFile(shardA, "utf8")) as { evidence: { scope: Record<string, unknown> } };
    otherCloud.evidence.scope = { ...otherCloud.evidence.scope, armEndpoint: "https://management.usgovcloudapi.net/" };
    const file = join(directory, "shard-other-cloud.json");
    await writeFile(file, JSON.stringify(otherCloud));

    const { stderr } = await merge(await emptyShardOf(file, "shard-other-cloud-empty.json"), shardA);

    expect(stderr).not.toContain("which overlap");
  });

  test("rejects an empty shard given twice", async () => {
    const empty = await emptyShard("empty-twice.json");

    const { code, stderr } = await merge(empty, empty);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`is merged in ${empty} and in ${empty}`);
  });

  test("rejects an empty shard merged again", async () => {
    const empty = await emptyShard("empty-again.json");
    const { file } = await mergedFile("merged-with-empty.json", empty, shardA);

    const { code, stderr } = await merge(file, empty);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`is merged in ${file} and in ${empty}`);
  });

  test("rejects a checked file through a merged report", async () => {
    const fixture = join("test", "reporters", "fixtures", "deployments.json");
    const other = join(directory, "other-deployments.json");
    await writeFile(other, (await readFile(fixture, "utf8")).replaceAll("fraud-scoring", "churn-scoring"));
    const [first, second, third] = ["check-one.json", "check-same-file.json", "check-other.json"].map((name) => join(directory, name));
    await runCli(["check", fixture, "--output", `json=${first}`]);
    await runCli(["check", `./${fixture}`, "--output", `json=${second}`]);
    await runCli(["check", other, "--output", `json=${third}`]);
    const { file } = await mergedFile("merged-checks.json", first, third);

    const { code, stderr } = await merge(file, second);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`is in both ${file} and ${second}`);
  });

  test("overlap message escapes control characters", async () => {
    const yaml = join(directory, "control.yml");
    await writeFile(yaml, (await readFile(join("examples", "deployment.yml"), "utf8")).replace(/^name: .*$/m, 'name: "blue\\nFAKE: ok"'));
    const [first, second] = ["control-a.json", "control-b.json"].map((name) => join(directory, name));
    await runCli(["check", yaml, "--output", `json=${first}`]);
    await runCli(["check", yaml, "--output", `json=${second}`]);

    const { code, stderr } = await merge(first, second);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("deployment 'blue\\u000aFAKE: ok'");
    expect(stderr).not.toContain("\nFAKE: ok");
  });

  test("rejects edited counts of a merged shard", async () => {
    const { report } = await mergedFile("merged-to-edit.json", shardA);
    (report.evidence.shards[0].counts as { resources: number }).resources += 1;
    const edited = join(directory, "merged-edited.json");
    await writeFile(edited, JSON.stringify(report));

    const { code, stderr } = await merge(edited, shardB);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`${edited} is inconsistent: the shards of the report count`);
  });

  test("rejects edited verdicts of a merged shard", async () => {
    const { report } = await mergedFile("merged-verdicts.json", shardA);
    const counts = report.evidence.shards[0].counts as { passed: number; failed: number };
    counts.passed += 1;
    const edited = join(directory, "merged-verdicts-edited.json");
    await writeFile(edited, JSON.stringify(report));

    const { code, stderr } = await merge(edited, shardB);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`${edited} is inconsistent: shard`);
    expect(stderr).toContain(`, but ${counts.passed} passed, `);
  });

  test("rejects merged shards in an audit report", async () => {
    const { report: merged } = await mergedFile("merged-for-shards.json", shardA);
    const report = JSON.parse(await readFile(shardB, "utf8")) as { evidence: Record<string, unknown> };
    report.evidence.shards = merged.evidence.shards;
    const forged = join(directory, "audit-with-shards.json");
    await writeFile(forged, JSON.stringify(report));

    const { code, stderr } = await merge(forged);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("it lists merged shards, but it was written by audit");
  });

  test("drops unknown keys of a merged shard", async () => {
    const { report } = await mergedFile("merged-with-extra.json", shardA);
    report.evidence.shards[0].signedOffBy = "auditor";
    (report.evidence.shards[0].scope as Record<string, unknown>).extra = [[["deep"]]];
    const extra = join(directory, "merged-extra.json");
    await writeFile(extra, JSON.stringify(report));

    const { report: merged } = await merge(extra, shardB);

    expect(merged?.evidence.shards?.[0].shards?.[0]).not.toHaveProperty("signedOffBy");
    expect(merged?.evidence.shards?.[0].shards?.[0].scope).not.toHaveProperty("extra");
  });

  test("rejects a start time that is no date", async () => {
    const report = JSON.parse(await readFile(shardB, "utf8")) as { evidence: { startedAt: string } };
    report.evidence.startedAt = "yesterday";
    const edited = join(directory, "start-yesterday.json");
    await writeFile(edited, JSON.stringify(report));

    const { code, stderr } = await merge(shardA, edited);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("evidence.startedAt must be an ISO 8601 date and time");
  });

  test("rejects an edited outcome in a merged report", async () => {
    const { report } = await mergedFile("merged-outcome.json", shardB);
    const judged = (report.resources as EditableResource[]).find((resource) => resource.findings.length > 0)!;
    judged.findings = judged.findings.filter((finding) => finding.ruleId !== judged.findings[0].ruleId);
    const edited = join(directory, "merged-outcome-edited.json");
    await writeFile(edited, JSON.stringify(report));

    const { code, stderr } = await merge(shardA, edited);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("as failed, but its findings make it passed");
  });

  test("rejects one file name for two files after a merge", async () => {
    // CLI YAML deployments have no ARM id, so the file is part of their key.
    const fixture = await readFile(join("examples", "deployment.yml"));
    const [first, second] = ["first", "second"].map((name) => join(directory, name));
    const shards = ["name-first.json", "name-second.json", "name-path.json"].map((name) => join(directory, name));
    const original = process.cwd();
    for (const [index, dir] of [first, second].entries()) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "d.yml"), fixture);
      process.chdir(dir);
      try {
        await runCli(["check", "d.yml", "--output", `json=${shards[index]}`]);
      } finally {
        process.chdir(original);
      }
    }
    await runCli(["check", join(second, "d.yml"), "--output", `json=${shards[2]}`]);
    const { file } = await mergedFile("merged-same-name.json", shards[0], shards[1]);

    const { code, stderr } = await merge(file, shards[2]);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`is in both ${file} and ${shards[2]}`);
  });

  test("rejects one ARM id in two checked files", async () => {
    const id = `/subscriptions/${FIRST}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/mlw/onlineEndpoints/scoring/deployments/blue`;
    const body = { id, name: "blue", type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments", properties: { endpointComputeType: "Managed" } };
    const [first, second] = ["id-a.json", "id-b.json"].map((name) => join(directory, name));
    await writeFile(join(directory, "deployment-a.json"), JSON.stringify(body));
    await writeFile(join(directory, "deployment-b.json"), JSON.stringify(body));
    await runCli(["check", join(directory, "deployment-a.json"), "--output", `json=${first}`]);
    await runCli(["check", join(directory, "deployment-b.json"), "--output", `json=${second}`]);

    const { code, stderr } = await merge(first, second);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`deployment 'blue' of endpoint 'scoring' (${id}) is in both ${first} and ${second}`);
  });

  test.each([
    { name: "the same", prefix: "" },
    { name: "./", prefix: "./" },
  ])("rejects a 1.4 shard's file spelled $name", async ({ prefix }) => {
    const yaml = join("examples", "deployment.yml");
    const [current, older] = ["check-current.json", "check-older.json"].map((name) => join(directory, `${prefix === "" ? "same" : "dot"}-${name}`));
    await runCli(["check", yaml, "--output", `json=${current}`]);
    await runCli(["check", `${prefix}${yaml}`, "--output", `json=${older}`]);
    const report = JSON.parse(await readFile(older, "utf8")) as { schemaVersion: string; evidence: { inputs: { realPath?: string }[] } };
    report.schemaVersion = "1.4";
    for (const input of report.evidence.inputs) {
      delete input.realPath;
    }
    await writeFile(older, JSON.stringify(report));

    const { code, stderr } = await merge(current, older);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`is in both ${current} and ${older}`);
  });

  describe("one template with two parameters files", () => {
    const template = join(CORPUS_DIR, "arm-bicep", "azureml-examples", "arm-templates", "online-endpoint-deployment.json");

    /** Checks the template with a parameters file that deploys `blue` of endpoint `scoring` to the workspace. */
    async function checkFor(workspace: string, output: string, endpoint = "scoring"): Promise<void> {
      const parameters = join(directory, `parameters-${workspace}-${endpoint}.json`);
      const values = { workspaceName: workspace, onlineEndpointName: endpoint, onlineDeploymentName: "blue", codeId: "code", scoringScript: "score.py", environmentId: "env", model: "model" };
      const entries = Object.entries(values).map(([name, value]) => [name, { value }]);
      await writeFile(parameters, JSON.stringify({ parameters: Object.fromEntries(entries) }));
      await runCli(["check", template, "--parameters", parameters, "--output", `json=${output}`]);
    }

    test("rejects an endpoint name in another case", async () => {
      const [lower, upper] = ["template-endpoint-lower.json", "template-endpoint-upper.json"].map((name) => join(directory, name));
      await checkFor("mlw-dev", lower);
      await checkFor("mlw-dev", upper, "SCORING");

      const { code, stderr } = await merge(lower, upper);

      expect(code).toBe(EXIT_CODES.usage);
      expect(stderr).toContain(`is in both ${lower} and ${upper}`);
    });

    test("rejects a name the template cannot resolve", async () => {
      const [resolved, unresolved] = ["template-resolved.json", "template-unresolved.json"].map((name) => join(directory, name));
      await checkFor("mlw-dev", resolved);
      const parameters = join(directory, "parameters-key-vault.json");
      const values = { onlineEndpointName: "scoring", onlineDeploymentName: "blue", codeId: "code", scoringScript: "score.py", environmentId: "env", model: "model" };
      const reference = { reference: { keyVault: { id: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" }, secretName: "workspace" } };
      const entries = [...Object.entries(values).map(([name, value]) => [name, { value }]), ["workspaceName", reference]];
      await writeFile(parameters, JSON.stringify({ parameters: Object.fromEntries(entries) }));
      await runCli(["check", template, "--parameters", parameters, "--output", `json=${unresolved}`]);

      const { code, stderr } = await merge(resolved, unresolved);

      expect(code).toBe(EXIT_CODES.usage);
      expect(stderr).toContain(`is in both ${resolved} and ${unresolved}`);
    });

    test("merges two workspaces", async () => {
      const [dev, prod] = ["template-dev.json", "template-prod.json"].map((name) => join(directory, name));
      await checkFor("mlw-dev", dev);
      await checkFor("mlw-prod", prod);

      const { stderr, report } = await merge(dev, prod);

      expect(stderr).toBe("");
      expect(report?.summary.resources).toBe(2);
      expect(report?.resources.map((resource) => (resource as { workspaceName?: string }).workspaceName)).toEqual(["mlw-dev", "mlw-prod"]);
    });

    test("names each workspace in the table", async () => {
      const [dev, prod] = ["template-table-dev.json", "template-table-prod.json"].map((name) => join(directory, name));
      await checkFor("mlw-dev", dev);
      await checkFor("mlw-prod", prod);

      const run = await runCli(["report", "--format", "table", "--merge", dev, prod]);

      expect(run.stdout).toContain("deployment 'blue' of endpoint 'scoring' in workspace 'mlw-dev'");
      expect(run.stdout).toContain("deployment 'blue' of endpoint 'scoring' in workspace 'mlw-prod'");
    });

    test("rejects one workspace twice", async () => {
      const [first, second] = ["template-same-a.json", "template-same-b.json"].map((name) => join(directory, name));
      await checkFor("mlw-dev", first);
      await checkFor("MLW-DEV", second);

      const { code, stderr } = await merge(first, second);

      expect(code).toBe(EXIT_CODES.usage);
      // The real path follows when the corpus is reached through a symbolic link.
      expect(stderr).toContain(`deployment 'blue' of endpoint 'scoring' in file '${template}'`);
      expect(stderr).toContain(`in workspace 'MLW-DEV' is in both ${first} and ${second}`);
    });

    test("rejects a 1.7 shard without workspace", async () => {
      const [newer, older] = ["template-newer.json", "template-older.json"].map((name) => join(directory, name));
      await checkFor("mlw-dev", newer);
      await checkFor("mlw-prod", older);
      const report = JSON.parse(await readFile(older, "utf8")) as OlderReport;
      await writeFile(older, JSON.stringify(asVersion(report, 7)));

      const { code, stderr } = await merge(newer, older);

      expect(code).toBe(EXIT_CODES.usage);
      expect(stderr).toContain(`(workspace 'mlw-dev' in ${newer}, none recorded in ${older}) is in both ${newer} and ${older}`);
    });
  });

  test("rejects a 1.4 shard's file after a merge", async () => {
    const fixture = await readFile(join("examples", "deployment.yml"), "utf8");
    const [first, second] = ["older-dir", "newer-dir"].map((name) => join(directory, name));
    const [older, newer, again] = ["dir-older.json", "dir-newer.json", "dir-again.json"].map((name) => join(directory, name));
    const original = process.cwd();
    for (const [dir, content, output] of [
      [first, fixture, older],
      [second, fixture.replace("name: blue", "name: green"), newer],
      [first, fixture, again],
    ]) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "d.yml"), content);
      process.chdir(dir);
      try {
        await runCli(["check", "d.yml", "--output", `json=${output}`]);
      } finally {
        process.chdir(original);
      }
    }
    const report = JSON.parse(await readFile(older, "utf8")) as { schemaVersion: string; evidence: { inputs: { realPath?: string }[] } };
    report.schemaVersion = "1.4";
    for (const input of report.evidence.inputs) {
      delete input.realPath;
    }
    await writeFile(older, JSON.stringify(report));
    const { file } = await mergedFile("merged-older-newer.json", older, newer);

    const { code, stderr } = await merge(file, again);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`is in both ${file} and ${again}`);
  });

  test("rejects a non-hexadecimal exemptions hash", async () => {
    const report = JSON.parse(await readFile(shardB, "utf8")) as Record<string, unknown>;
    report.exemptions = { sha256: "not-a-hash", entries: 0, applied: [], expired: [], unused: [] };
    const edited = join(directory, "exemptions-hash.json");
    await writeFile(edited, JSON.stringify(report));

    const { code, stderr } = await merge(edited);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("exemptions.sha256 must be a SHA-256 in hexadecimal");
  });

  test("merges one exemptions file under two names", async () => {
    const exemptions = join(directory, "exemptions.yaml");
    await writeFile(exemptions, `exemptions:\n  - resource: "/subscriptions/${FIRST}/resourceGroups/nothing-matches/**"\n    rules: "*"\n    reason: Migration window for the retired cluster.\n    owner: ml-platform\n    expires: "2099-12-31"\n`);
    const [named, renamed] = ["exempt-a.json", "exempt-b.json"].map((name) => join(directory, name));
    await audit(FIRST, named, "--exemptions", exemptions);
    await audit(SECOND, renamed, "--exemptions", relative(process.cwd(), exemptions));

    const { code, stderr } = await merge(named, renamed);

    expect(stderr).toBe("");
    expect(code).toBe(EXIT_CODES.failed);
  });

  test("lists an entry expired between shards", async () => {
    const exemptions = join(directory, "expiring.yaml");
    const entry = `  - resource: "/subscriptions/${FIRST}/**"`;
    await writeFile(exemptions, `exemptions:\n${entry}\n    rules: "*"\n    reason: Migration window.\n    owner: ml-platform\n    expires: "2030-01-01"\n`);
    const [before, after] = ["expiring-before.json", "expiring-after.json"].map((name) => join(directory, name));
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "clearImmediate", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "hrtime", "performance"] });
    try {
      jest.setSystemTime(new Date("2030-01-01T23:59:00Z"));
      await audit(FIRST, before, "--exemptions", exemptions);
      jest.setSystemTime(new Date("2030-01-02T00:01:00Z"));
      await audit(SECOND, after, "--exemptions", exemptions);
    } finally {
      jest.useRealTimers();
    }

    const inOrder = await merge(before, after);
    const reversed = await merge(after, before);

    type Status = { applied: { index: number }[]; expired: { index: number }[] };
    const status = (report: JsonReport | undefined) => (report as unknown as { exemptions?: Status } | undefined)?.exemptions;
    expect(inOrder.stderr).toBe("");
    expect(status(inOrder.report)?.applied.map((use) => use.index)).toEqual([0]);
    expect(status(inOrder.report)?.expired.map((use) => use.index)).toEqual([0]);
    expect(status(reversed.report)).toEqual(status(inOrder.report));
  });

  test("rejects an entry applied and expired in one run", async () => {
    const shard = join(directory, "applied-expired.json");
    await audit(FIRST, shard, "--policy-pack-config", join("examples", "limits.json"));
    const report = JSON.parse(await readFile(shard, "utf8")) as { exemptions: { unused: Record<string, unknown>[]; expired: Record<string, unknown>[] } };
    report.exemptions.expired.push(report.exemptions.unused[0]);
    await writeFile(shard, JSON.stringify(report));

    const { code, stderr } = await merge(shard);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain(`its exemptions list entry ${String(report.exemptions.unused[0].index)} more than once among applied, expired and unused`);
  });

  test("rejects nested shard files the inputs do not name", async () => {
    const { file: inner } = await mergedFile("merged-inner.json", shardA);
    const { report: outerReport } = await mergedFile("merged-outer.json", inner);
    const nested = (outerReport.evidence.shards[0].shards as Record<string, unknown>[])[0];
    nested.file = "renamed.json";
    const edited = join(directory, "merged-outer-edited.json");
    await writeFile(edited, JSON.stringify(outerReport));

    const { code, stderr } = await merge(edited, shardB);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain("names other shard files or hashes among its inputs than among its shards");
  });

  test("merges a merged report that lists no inputs", async () => {
    const { report } = await mergedFile("merged-no-inputs.json", shardA);
    const older = join(directory, "merged-no-inputs-older.json");
    const early = asVersion(report as unknown as OlderReport, 4);
    delete early.evidence.inputs;
    await writeFile(older, JSON.stringify(early));
    const { file } = await mergedFile("merged-over-older.json", older);

    const { code, stderr } = await merge(file, shardB);

    expect(stderr).toBe("");
    expect(code).toBe(EXIT_CODES.failed);
  });

  test("quotes a crafted nested shard name", async () => {
    const { report } = await mergedFile("merged-name.json", shardA);
    report.evidence.shards[0].file = "x.json\namlguard: all fine";
    report.evidence.inputs!.find((input) => input.role === "shard")!.file = "x.json\namlguard: all fine";
    (report.evidence.shards[0].tool as { ruleCatalogueVersion: string }).ruleCatalogueVersion = "0.0.0";
    const edited = join(directory, "merged-name-edited.json");
    await writeFile(edited, JSON.stringify(report));

    const { code, stderr } = await merge(edited);

    expect(code).toBe(EXIT_CODES.usage);
    expect(stderr).toContain('shard "x.json\\namlguard: all fine" used rule catalogue 0.0.0');
  });

  test("merges a merged report", async () => {
    const mergedFile = join(directory, "merged-shard.json");
    await runCli(["report", "--merge", shardA, "--output", `json=${mergedFile}`]);

    const { code, report } = await merge(mergedFile, shardB);

    expect(code).toBe(EXIT_CODES.failed);
    expect(report?.resources).toHaveLength(countDeployments(TENANT));
  });

  // The engine's summary lists request-timeout as failed on blue, but the log lacks that policy event.
  test("merges an event-log report with a failed rule alone", async () => {
    const fixture = await readFile(join("test", "events", "fixtures", "preview.ndjson"), "utf8");
    const preview = join(directory, "preview-without-event.ndjson");
    await writeFile(preview, fixture.split("\n").filter((line) => !line.startsWith('{"sequence":5,')).join("\n"));
    const eventShard = join(directory, "event-log-shard.json");
    await runCli(["report", "--from-pulumi-events", preview, "--policy-pack-config", limitsFile, "--output", `json=${eventShard}`]);
    const shard = JSON.parse(await readFile(eventShard, "utf8")) as { resources: EditableResource[] };
    const blue = shard.resources.find((resource) => resource.rules.some((rule) => rule.ruleId === "request-timeout" && rule.outcome === "failed"));

    const { code, stderr, report } = await merge(eventShard);

    expect(stderr).toBe("");
    // The rule that failed without its policy event counts as a mandatory finding, which the merge keeps.
    expect(blue?.findings.map((finding) => [finding.ruleId, finding.enforcementLevel])).toContainEqual(["request-timeout", "mandatory"]);
    expect(code).toBe(EXIT_CODES.failed);
    expect(report?.resources).toHaveLength(shard.resources.length);
  });

  test.each([
    { name: "rejects both inputs at once", args: () => ["--merge", shardA, "--from-pulumi-events", shardB] },
    { name: "rejects events before --merge", args: () => ["--from-pulumi-events", shardB, "--merge", shardA] },
  ])("$name", async ({ args }) => {
    const run = await runCli(["report", ...args()]);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toContain("needs exactly one of --from-pulumi-events FILE and --merge FILE...");
  });

  test.each([
    { name: "shards after --merge", args: () => ["--merge", shardA, shardB, "--format", "json"] },
    { name: "options before --merge", args: () => ["--format", "json", "--merge", shardA, shardB] },
    { name: "option right after --merge", args: () => ["--merge", "--format", "json", shardA, shardB] },
    { name: "option between shards", args: () => ["--merge", shardA, "--format", "json", shardB] },
    { name: "shards before --merge", args: () => [shardA, shardB, "--merge", "--format", "json"] },
    { name: "repeatable option between shards", args: () => ["--merge", shardA, "--output", `json=${join(directory, "order.json")}`, shardB, "--format", "json"] },
  ])("reads $name", async ({ args }) => {
    const run = await runCli(["report", ...args()]);
    const report = JSON.parse(run.stdout) as JsonReport;

    expect(run.code).toBe(EXIT_CODES.failed);
    expect(report.evidence.shards?.map((shard) => shard.file)).toEqual([shardA, shardB]);
    expect(report.resources).toHaveLength(countDeployments(TENANT));
  });
});
