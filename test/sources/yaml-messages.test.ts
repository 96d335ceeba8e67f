import { defaultConfig, resolveConfig } from "../../src/config/limits";
import { evaluateItems } from "../../src/engine/evaluate";
import { RULES } from "../../src/rules/index";
import { readInputFile } from "../../src/sources/files";
import { useTemporaryDirectory } from "../support/temporary-directory";

const YAML = [
  "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json",
  "name: blue",
  "endpoint_name: scoring",
  "instance_type: Standard_DS3_v2",
  "instance_count: 3",
  "request_settings:",
  "  request_timeout_ms: 120000",
  "",
].join("\n");

describe("messages on CLI YAML", () => {
  const { write } = useTemporaryDirectory("amlguard-yaml-");

  test("use the file's units and spelling", async () => {
    const file = write("blue.yml", YAML);

    const [result] = evaluateItems(await readInputFile(file), RULES, defaultConfig(RULES));
    const messages = result.findings.map((finding) => finding.message);

    expect(messages).toContain("Request timeout is 120000 ms, above the maximum of 90000 ms. Set request_settings.request_timeout_ms to 90000 or less.");
    expect(messages.some((message) => message.startsWith("Public egress is enabled (Azure default, not set), expected disabled."))).toBe(true);
  });

  test("empty instance type is named as empty", async () => {
    const file = write("empty-type.yml", YAML.replace("instance_type: Standard_DS3_v2", 'instance_type: ""'));
    const config = resolveConfig({ "instance-type-allowlist": { allowedManagedInstanceTypes: ["Standard_DS3_v2"] } }, RULES);

    const [result] = evaluateItems(await readInputFile(file), RULES, config);
    const finding = result.findings.find((candidate) => candidate.ruleId === "instance-type-allowlist");

    expect(finding?.message).toBe(
      'instance_type is "", which must be a non-empty string, not an empty string. Set a valid value: amlguard does not pass a value it cannot read.',
    );
  });
});
