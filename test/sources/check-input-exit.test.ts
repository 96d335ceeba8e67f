import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { EXIT_CODES } from "../../src/findings/report";
import { runCli } from "../cli/run-cli";

/** Exit codes of `amlguard check` for inputs that used to pass silently: nested templates and files with nothing to judge. */

let directory: string;

beforeAll(() => {
  directory = mkdtempSync(path.join(tmpdir(), "amlguard-check-input-"));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function write(name: string, content: string): string {
  const file = path.join(directory, name);
  writeFileSync(file, content);
  return file;
}

const SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

// A request timeout of ten minutes is above the default maximum of 90 seconds, a mandatory violation.
const SLOW_DEPLOYMENT = {
  type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
  apiVersion: "2025-06-01",
  name: "ws/fraud/blue",
  sku: { name: "Default", capacity: 3 },
  properties: { endpointComputeType: "Managed", requestSettings: { requestTimeout: "PT10M" } },
};

describe("check exit code", () => {
  test("nested template violation fails", async () => {
    const inner = { $schema: SCHEMA, contentVersion: "1.0.0.0", resources: [SLOW_DEPLOYMENT] };
    const outer = { $schema: SCHEMA, contentVersion: "1.0.0.0", resources: [{ type: "Microsoft.Resources/deployments", name: "nested", properties: { mode: "Incremental", template: inner } }] };

    const run = await runCli(["check", write("nested.json", JSON.stringify(outer))]);

    expect(run.code).toBe(EXIT_CODES.failed);
  });

  test.each([
    ["empty-list.json", JSON.stringify({ value: [] })],
    ["no-deployment.json", JSON.stringify({ $schema: SCHEMA, contentVersion: "1.0.0.0", resources: [] })],
    ["other.yml", "steps:\n  - run: make\n"],
    ["no-type.json", JSON.stringify({ id: "x", title: "y" })],
    ["skus.json", JSON.stringify({ value: [{ resourceType: "Microsoft.MachineLearning.Services/endpoints/deployments", sku: { name: "Default", tier: "Free" } }] })],
  ])("%s is incomplete", async (name, content) => {
    const run = await runCli(["check", write(name, content)]);

    expect(run.code).toBe(EXIT_CODES.incomplete);
  });

  test.each([
    ["empty.yml", ""],
    ["null.json", "null"],
    ["duplicate.json", '{"properties":{"requestSettings":{"requestTimeout":"PT10M","requestTimeout":"PT10S"}}}'],
  ])("%s is an input error", async (name, content) => {
    const run = await runCli(["check", write(name, content)]);

    expect(run.code).toBe(EXIT_CODES.usage);
  });
});
