import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmEmulator, startArmEmulator } from "../../src/emulator/server";
import { workspaceId } from "../../src/emulator/tenant";
import { OUTPUT_FORMATS } from "../../src/cli/output";
import { auditArgs, runCli } from "../audit/audit-harness";
import { DEPLOYMENT_TYPE, type PackHarness, secret, startPack } from "../support/pack-harness";

/**
 * Canary secrets: unique strings in every free-text field and in the bearer token. None may appear in any
 * report format, on stdout or stderr (with --verbose), or in a pack diagnostic. A canary in a checked field
 * with an invalid value is echoed, cut to 80 characters, because checked fields hold settings, not secrets.
 */

function canary(label: string): string {
  return `CANARY${label}${randomUUID().replace(/-/g, "")}`;
}

const FREE_TEXT = {
  environmentVariable: canary("ENV"),
  environmentVariableName: canary("ENVNAME"),
  tag: canary("TAG"),
  codeConfiguration: canary("CODE"),
  sasSignature: canary("SIG"),
  description: canary("DESC"),
  properties: canary("PROPS"),
  environmentId: canary("ENVID"),
};
const TOKEN = canary("TOKEN");
// A checked field with an invalid value: the first 80 characters are echoed, the tail never is.
const CHECKED_HEAD = "CANARY-CHECKED-";
const CHECKED_TAIL = canary("TAIL");
const CHECKED_VALUE = `${CHECKED_HEAD}${"x".repeat(100)}${CHECKED_TAIL}`;
const SECRET_CHECKED = canary("SECRETCHECKED");
// Values of ARM template parameters declared secureString: a default, and one from the parameters file.
const SECURE_DEFAULT = canary("SECUREDEFAULT");
const SECURE_FILE_VALUE = canary("SECUREFILE");

const MODEL_URI = `https://store.blob.core.windows.net/models/model.onnx?sv=2024-05-04&se=2030-01-01&sr=b&sp=r&sig=${FREE_TEXT.sasSignature}`;
const NEVER_SHOWN = [...Object.values(FREE_TEXT), TOKEN, CHECKED_TAIL, SECRET_CHECKED, SECURE_DEFAULT, SECURE_FILE_VALUE];

/** The body of an ARM deployment with a canary in every free-text field. */
function armProperties(requestTimeout: unknown): Record<string, unknown> {
  return {
    endpointComputeType: "Managed",
    instanceType: "Standard_DS3_v2",
    description: FREE_TEXT.description,
    properties: { note: FREE_TEXT.properties },
    environmentId: FREE_TEXT.environmentId,
    environmentVariables: { [FREE_TEXT.environmentVariableName]: FREE_TEXT.environmentVariable },
    codeConfiguration: { codeId: "/subscriptions/x/codes/score/versions/1", scoringScript: FREE_TEXT.codeConfiguration },
    model: MODEL_URI,
    requestSettings: { requestTimeout },
    livenessProbe: { period: "PT10S" },
  };
}

function expectNoCanary(label: string, text: string): void {
  for (const value of NEVER_SHOWN) {
    expect({ label, found: text.includes(value) ? value : undefined }).toEqual({ label, found: undefined });
  }
}

let directory: string;

beforeAll(() => {
  directory = mkdtempSync(path.join(tmpdir(), "amlguard-canary-"));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** Runs a command with --output for every format and returns every text it produced, by name. */
async function runAllFormats(args: string[], env: Record<string, string> = {}): Promise<Record<string, string>> {
  const outputs = OUTPUT_FORMATS.map((format) => ({ format, file: path.join(directory, `report-${randomUUID()}.${format}`) }));
  const run = await runCli([...args, "--include-passes", ...outputs.flatMap(({ format, file }) => ["--output", `${format}=${file}`])], env);
  const texts: Record<string, string> = { stdout: run.stdout, stderr: run.stderr };
  for (const { format, file } of outputs) {
    texts[format] = readFileSync(file, "utf8");
  }
  return texts;
}

describe("check", () => {
  let texts: Record<string, string>;

  beforeAll(async () => {
    const arm = path.join(directory, "deployment.json");
    writeFileSync(arm, JSON.stringify({ name: "blue", tags: { owner: FREE_TEXT.tag }, sku: { capacity: 1 }, properties: armProperties(CHECKED_VALUE) }));
    const yaml = path.join(directory, "deployment.yml");
    writeFileSync(
      yaml,
      [
        "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json",
        "name: green",
        "endpoint_name: ep",
        `description: ${FREE_TEXT.description}`,
        `model: "${MODEL_URI}"`,
        "code_configuration:",
        "  code: ./score",
        `  scoring_script: ${FREE_TEXT.codeConfiguration}`,
        "environment_variables:",
        `  ${FREE_TEXT.environmentVariableName}: ${FREE_TEXT.environmentVariable}`,
        "tags:",
        `  owner: ${FREE_TEXT.tag}`,
        "instance_type: Standard_DS3_v2",
        "instance_count: 1",
        "request_settings:",
        `  request_timeout_ms: ${CHECKED_VALUE}`,
        "",
      ].join("\n"),
    );
    const template = path.join(directory, "template.json");
    writeFileSync(
      template,
      JSON.stringify({
        $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        contentVersion: "1.0.0.0",
        parameters: { timeout: { type: "secureString", defaultValue: SECURE_DEFAULT }, wait: { type: "securestring" } },
        resources: [
          {
            type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
            apiVersion: "2025-06-01",
            name: "ws/ep/red",
            properties: { ...armProperties("[parameters('timeout')]"), requestSettings: { requestTimeout: "[parameters('timeout')]", maxQueueWait: "[parameters('wait')]" } },
          },
        ],
      }),
    );
    const parameters = path.join(directory, "template.parameters.json");
    writeFileSync(parameters, JSON.stringify({ parameters: { wait: { value: SECURE_FILE_VALUE } } }));
    texts = await runAllFormats(["check", arm, yaml, template, "--parameters", parameters, "--format", "table"]);
  });

  test.each(["stdout", "stderr", ...OUTPUT_FORMATS])("%s has no canary", (name) => {
    expectNoCanary(name, texts[name]);
  });

  test("checked value is echoed cut", () => {
    const json = JSON.parse(texts.json) as { resources: { findings: { path: string; actual: unknown }[] }[] };
    const actuals = json.resources.flatMap((resource) => resource.findings).filter((finding) => /request_?[tT]imeout/.test(finding.path));

    expect(actuals.map((finding) => finding.actual)).toEqual([expect.stringContaining(CHECKED_HEAD), expect.stringContaining(CHECKED_HEAD), null]);
    expect(actuals.every((finding) => String(finding.actual).length <= 80)).toBe(true);
  });

  test("secure parameter is not read", () => {
    const json = JSON.parse(texts.json) as { resources: { name: string; rules: { ruleId: string; outcome: string }[] }[] };
    const red = json.resources.find((resource) => resource.name === "red");

    expect(red?.rules.filter((rule) => rule.ruleId.startsWith("request-") && rule.ruleId !== "request-concurrency")).toEqual([
      { ruleId: "request-timeout", outcome: "unverified" },
      { ruleId: "request-max-queue-wait", outcome: "unverified" },
    ]);
  });
});

describe("audit", () => {
  const SUBSCRIPTION = "12121212-3434-4565-8787-909090909090";
  const GROUP = "rg-canary";
  let emulator: ArmEmulator;
  let texts: Record<string, string>;

  beforeAll(async () => {
    const endpoint = `${workspaceId(SUBSCRIPTION, GROUP, "ws")}/onlineEndpoints/ep`;
    emulator = await startArmEmulator({
      token: TOKEN,
      tenant: {
        subscriptions: [
          {
            id: SUBSCRIPTION,
            resourceGroups: [
              {
                name: GROUP,
                workspaces: [{ name: "ws", endpoints: [{ name: "ep", deployments: [{ name: "blue", sku: { capacity: 1 }, properties: armProperties(CHECKED_VALUE) }] }] }],
              },
            ],
          },
        ],
      },
      // Faults make the audit log retries and failures, so --verbose has lines that could carry a secret.
      faults: [
        { path: `${endpoint}/deployments`, kind: "status", status: 503, times: 1 },
        { path: `${endpoint}/deployments`, kind: "status", status: 429, retryAfterSeconds: 1, times: 1 },
        { path: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${GROUP}/providers/Microsoft.Insights/autoscalesettings`, kind: "html" },
      ],
    });
    texts = await runAllFormats([...auditArgs(emulator.url, "--subscription", SUBSCRIPTION, "--verbose")], { AMLGUARD_ARM_TOKEN: TOKEN });
  });

  afterAll(async () => {
    await emulator.close();
  });

  test("--verbose logs retries", () => {
    expect(texts.stderr).toMatch(/503/);
  });

  test("deployment is judged", () => {
    expect(texts.json).toContain(CHECKED_HEAD);
  });

  test.each(["stdout", "stderr", ...OUTPUT_FORMATS])("%s has no canary", (name) => {
    expectNoCanary(name, texts[name]);
  });
});

describe("pack", () => {
  let pack: PackHarness;

  beforeAll(async () => {
    pack = await startPack();
  });

  afterAll(async () => {
    await pack.stop();
  });

  function props(wrap: (value: unknown) => unknown, requestTimeout: unknown): Record<string, unknown> {
    const properties = armProperties(requestTimeout);
    for (const key of ["description", "properties", "environmentId", "environmentVariables", "codeConfiguration", "model"]) {
      properties[key] = wrap(properties[key]);
    }
    return { resourceGroupName: "rg", workspaceName: "ws", endpointName: "ep", tags: wrap({ owner: FREE_TEXT.tag }), sku: { capacity: 1 }, properties };
  }

  test.each([
    ["plain", (value: unknown) => value],
    ["secret", secret],
  ])("%s free text is not in diagnostics", async (_name, wrap) => {
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "blue", props: props(wrap, CHECKED_VALUE) });

    expect(diagnostics.some((diagnostic) => diagnostic.policyName === "request-timeout")).toBe(true);
    expectNoCanary("diagnostics", JSON.stringify(diagnostics));
  });

  test("secret invalid value is not echoed", async () => {
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT_TYPE, name: "blue", props: props(secret, secret(SECRET_CHECKED)) });

    const timeout = diagnostics.find((diagnostic) => diagnostic.policyName === "request-timeout");
    expect(timeout?.message).toContain("properties.requestSettings.requestTimeout");
    expectNoCanary("diagnostics", JSON.stringify(diagnostics));
  });

  test("stack diagnostics have no canary", async () => {
    const { diagnostics } = await pack.analyzeStack([{ type: DEPLOYMENT_TYPE, name: "blue", props: props(secret, secret(SECRET_CHECKED)) }]);

    expectNoCanary("stack diagnostics", JSON.stringify(diagnostics));
  });

  test("pack stderr has no canary", () => {
    expectNoCanary("pack stderr", pack.stderr());
  });
});
