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

// Deployments that meet every default limit. Each case below adds a request timeout of 500 s, above the maximum.
const COMPLIANT_YAML = `name: blue
endpoint_name: fraud
instance_type: Standard_DS3_v2
instance_count: 3
egress_public_network_access: disabled
liveness_probe: {initial_delay: 10, period: 10, timeout: 2, failure_threshold: 3, success_threshold: 1}
readiness_probe: {initial_delay: 10, period: 10, timeout: 2, failure_threshold: 3, success_threshold: 1}
`;
const PROBE = { initialDelay: "PT10S", period: "PT10S", timeout: "PT2S", failureThreshold: 3, successThreshold: 1 };
const COMPLIANT_BODY = { endpointComputeType: "Managed", egressPublicNetworkAccess: "Disabled", instanceType: "Standard_DS3_v2", livenessProbe: PROBE, readinessProbe: PROBE };
const compliantArm = (properties: Record<string, unknown>): string =>
  JSON.stringify({ type: SLOW_DEPLOYMENT.type, name: "blue", sku: { name: "Default", capacity: 3 }, properties: { ...COMPLIANT_BODY, ...properties } });

describe("request timeout Azure applies", () => {
  test.each([
    ["compliant.yml", COMPLIANT_YAML],
    ["compliant.json", compliantArm({})],
  ])("%s passes", async (name, content) => {
    const run = await runCli(["check", write(name, content)]);

    expect(run.code).toBe(EXIT_CODES.ok);
  });

  test.each([
    ["merge key", `defaults: &d {request_timeout_ms: 500000}\n${COMPLIANT_YAML}request_settings: {<<: *d}\n`],
    ["top-level merge key", `<<: {request_settings: {request_timeout_ms: 500000}}\n${COMPLIANT_YAML}`],
    ["misspelled key", `${COMPLIANT_YAML}request_settings: {request_timout_ms: 500000}\n`],
    ["misplaced key", `${COMPLIANT_YAML}request_timeout_ms: 500000\n`],
    ["ARM spelling in YAML", `${COMPLIANT_YAML}requestSettings: {requestTimeout: PT10M}\n`],
    ["object in another case", `${COMPLIANT_YAML}Request_Settings: {request_timeout_ms: 500000}\n`],
  ])("YAML %s fails", async (_name, content) => {
    const run = await runCli(["check", write("timeout.yml", content)]);

    expect(run.code).toBe(EXIT_CODES.failed);
  });

  test("JSON key in another case fails", async () => {
    const run = await runCli(["check", write("timeout.json", compliantArm({ requestSettings: { RequestTimeout: "PT10M" } }))]);

    expect(run.code).toBe(EXIT_CODES.failed);
  });
});

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
