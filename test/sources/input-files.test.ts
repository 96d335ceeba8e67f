import { mkdirSync } from "node:fs";
import path from "node:path";
import { InputError, readInputFile } from "../../src/sources/files";
import type { SourceItem } from "../../src/sources/source-item";
import { useTemporaryDirectory } from "../support/temporary-directory";

/** What readInputFile makes of files with no deployment, nothing at all, duplicated keys or several documents. */

const { path: directory, write } = useTemporaryDirectory("amlguard-input-");

function reasons(items: readonly SourceItem[]): string[] {
  return items.map((item) => (item.kind === "not-evaluated" ? item.reason : `deployment ${item.deployment.ref.name}`));
}

const NO_DEPLOYMENT = "contains no Azure Machine Learning online deployment";
const SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
const ARM_DEPLOYMENT = {
  type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
  name: "blue",
  properties: { endpointComputeType: "Managed" },
};
const YAML_DEPLOYMENT = "name: blue\nendpoint_name: ep\ninstance_type: Standard_DS3_v2\ninstance_count: 3\n";

describe("file without a deployment", () => {
  test.each([
    ["endpoint.yml", "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\nname: fraud\nauth_mode: key\n", "cli-yaml"],
    ["template.json", JSON.stringify({ $schema: SCHEMA, contentVersion: "1.0.0.0", resources: [{ type: "Microsoft.Storage/storageAccounts", name: "data" }] }), "arm-template"],
    ["empty-array.json", "[]", "arm"],
    ["empty-list.json", JSON.stringify({ value: [] }), "arm"],
    ["empty-object.json", "{}", "arm"],
    ["other-tool.yml", "jobs:\n  build:\n    runs-on: ubuntu-latest\n", "cli-yaml"],
    ["empty-mapping.yaml", "{}\n", "cli-yaml"],
  ])("%s is one not-evaluated item", async (name, content, source) => {
    const file = write(name, content);

    const items = await readInputFile(file);

    expect(items).toEqual([{ kind: "not-evaluated", ref: { name: file, source, file }, reason: NO_DEPLOYMENT }]);
  });

  test("empty object in a list names its item", async () => {
    const items = await readInputFile(write("list-with-empty.json", JSON.stringify({ value: [ARM_DEPLOYMENT, {}] })));

    expect(reasons(items)).toEqual(["deployment blue", `value[1] ${NO_DEPLOYMENT}`]);
  });

  test("number in a list names its item", async () => {
    const items = await readInputFile(write("list-with-number.json", JSON.stringify({ value: [ARM_DEPLOYMENT, ARM_DEPLOYMENT, 42] })));

    expect(reasons(items)[2]).toBe("value[2] is not a JSON object, so it is not an ARM resource");
  });

  test("number in a top-level array names its item", async () => {
    const items = await readInputFile(write("array-with-number.json", JSON.stringify([42])));

    expect(reasons(items)).toEqual(["item [0] of the top-level array is not a JSON object, so it is not an ARM resource"]);
  });
});

describe("file with nothing to read", () => {
  test.each([
    ["empty.yml", "", "is empty: it has no content other than whitespace or comments"],
    ["blank.json", " \n\t\n", "is empty: it has no content other than whitespace or comments"],
    ["comments.yml", "# name: blue\n# instance_count: 3\n", "is empty: it has no content other than whitespace or comments"],
    ["separator.yml", "---\n", "is empty: it has no content other than whitespace or comments"],
    ["null.json", "null", "contains only null, not a deployment"],
    ["tilde.yml", "~\n", "contains only null, not a deployment"],
    ["string.yml", "just some words\n", "contains a single string value, not a JSON object, a JSON array or a YAML mapping"],
    ["number.json", "42", "contains a single number value, not a JSON object, a JSON array or a YAML mapping"],
  ])("%s is an input error", async (name, content, message) => {
    const file = write(name, content);

    await expect(readInputFile(file)).rejects.toThrow(new InputError(`${file} ${message}.`));
  });

  test("binary bytes that are valid UTF-8 are an input error", async () => {
    // The start of an ELF executable: every byte is below 0x80, so it decodes and parses as one plain string.
    const file = write("program.yml", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]));

    await expect(readInputFile(file)).rejects.toThrow(new InputError(`${file} contains a single string value, not a JSON object, a JSON array or a YAML mapping.`));
  });

  test("directory is an input error", async () => {
    const folder = path.join(directory(), "deployments");
    mkdirSync(folder, { recursive: true });

    await expect(readInputFile(folder)).rejects.toThrow(new InputError(`Cannot read ${folder}: it is a directory; name the files to check.`));
  });
});

describe("duplicate keys", () => {
  test.each([
    ["timeout.json", '{"type":"Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",\n"properties":{"requestSettings":{"requestTimeout":"PT10M","requestTimeout":"PT10S"}}}', "requestTimeout", "first at line 2, column 34, again at line 2, column 59"],
    ["count.yml", `${YAML_DEPLOYMENT}instance_count: 5\n`, "instance_count", "first at line 4, column 1, again at line 5, column 1"],
    ["nested.yml", `${YAML_DEPLOYMENT}request_settings:\n  request_timeout_ms: 1000\n  request_timeout_ms: 900000\n`, "request_timeout_ms", "first at line 6, column 3, again at line 7, column 3"],
  ])("%s is an input error naming the key", async (name, content, key, where) => {
    const file = write(name, content);

    await expect(readInputFile(file)).rejects.toThrow(new InputError(`${file} has the key "${key}" twice (${where}), so its value is ambiguous; keep one of them.`));
  });

  test.each([
    ["alias.yml", `${YAML_DEPLOYMENT}tags: {&m <<: {team: ml}}\n*m : {request_settings: {request_timeout_ms: 120000}}\n`, "uses the alias *m as a key at line 6, column 1"],
    ["collection.yml", `${YAML_DEPLOYMENT}? {<<: {request_settings: {request_timeout_ms: 120000}}}\n: x\n`, "uses a mapping or a list as a key at line 5, column 3"],
  ])("%s key that is not a scalar is an input error", async (name, content, problem) => {
    const file = write(name, content);

    await expect(readInputFile(file)).rejects.toThrow(problem);
  });

  test("same key in two mappings is accepted", async () => {
    const items = await readInputFile(write("siblings.yml", `${YAML_DEPLOYMENT}liveness_probe:\n  period: 10\nreadiness_probe:\n  period: 10\n`));

    expect(reasons(items)).toEqual(["deployment blue"]);
  });
});

describe("parser messages", () => {
  test("syntax error names line and problem only", async () => {
    const file = write("broken.yml", "name: blue\ninstance_count: [3\n");

    await expect(readInputFile(file)).rejects.toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} cannot be parsed at line \\d+, column \\d+: [^:]+[^:.]\\.$`));
  });

  test("JSON syntax error names line and column", async () => {
    const file = write("broken.json", '{"properties": {"endpointComputeType": "Managed",}\n');

    await expect(readInputFile(file)).rejects.toThrow(new InputError(`${file} is not valid JSON: close brace expected at line 2, column 1. Fix the JSON syntax there.`));
  });

  test("YAML in a .json file is an input error", async () => {
    const file = write("deployment.json", YAML_DEPLOYMENT);

    await expect(readInputFile(file)).rejects.toThrow(new InputError(`${file} is not valid JSON: invalid symbol at line 1, column 1. Fix the JSON syntax there.`));
  });
});

describe("JSON with comments", () => {
  const commented = [
    "// deployed by the platform team",
    "{",
    '  "type": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments", /* the ARM type */',
    '  "name": "blue",',
    '  "properties": {',
    '    "endpointComputeType": "Managed",',
    "    /* a block",
    "       comment */",
    '    "requestSettings": { "requestTimeout": "PT5M" }',
    "  }",
    "}",
  ].join("\n");

  test.each(["template-like.json", "no-extension"])("%s skips comments", async (name) => {
    const items = await readInputFile(write(name, commented));

    const item = items[0];
    expect(items).toHaveLength(1);
    expect(item.kind === "deployment" ? item.deployment.requestSettings.requestTimeoutMs : undefined).toMatchObject({ state: "set", value: 300_000 });
  });

  test("positions stay on their lines", async () => {
    const items = await readInputFile(write("lines.json", commented));

    const item = items[0];
    expect(item.kind === "deployment" ? item.deployment.locate?.("properties.requestSettings.requestTimeout")?.line : undefined).toBe(9);
  });

  test.each(["flow.yml", "flow.json", "flow"])("// in flow-style CLI YAML is text in %s", async (name) => {
    const flow = [
      '{"name": "blue", "endpoint_name": "ep", "instance_type": "Standard_F4s_v2",',
      ' "description": null // , "request_settings": {"request_timeout_ms": 120000},',
      "}",
    ].join("\n");

    const items = await readInputFile(write(name, flow));

    const item = items[0];
    expect(item.kind === "deployment" ? item.deployment.requestSettings.requestTimeoutMs : undefined).toMatchObject({ state: "set", value: 120_000 });
  });

  test("ARM JSON in a .yaml file is read as JSON", async () => {
    const text = '{"type": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments", "name": "blue", "properties": {"endpointComputeType": "Managed", /* c */\r"requestSettings": {"requestTimeout": "PT5M"}}}\n';

    const items = await readInputFile(write("arm.yaml", text));

    const item = items[0];
    expect(item.kind === "deployment" ? item.deployment.requestSettings.requestTimeoutMs : undefined).toMatchObject({ state: "set", value: 300_000 });
  });

  test("YAML read differently by PyYAML is an input error", async () => {
    const text = "type: Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments\nname: blue\nproperties:\n  endpointComputeType: Managed\n  # reviewed\r  requestSettings: {requestTimeout: PT5M}\n";
    const file = write("block.yaml", text);

    await expect(readInputFile(file)).rejects.toThrow(`${file} reads differently as the Azure ML CLI reads it and as YAML 1.2 reads it`);
  });

  test("CLI YAML with carriage returns alone names them", async () => {
    const file = write("old-mac.yml", YAML_DEPLOYMENT.replace(/\n/g, "\r"));

    await expect(readInputFile(file)).rejects.toThrow("it has line breaks that YAML 1.2 does not count (a carriage return alone, U+0085, U+2028 or U+2029); use line feeds.");
  });

  test("carriage return alone ends a line", async () => {
    const text = '{"type": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments", "name": "blue", "properties": {"endpointComputeType": "Managed",\r"requestSettings": {"requestTimeout": "PT5M"}}}\n';

    const items = await readInputFile(write("cr.json", text));

    const item = items[0];
    expect(item.kind === "deployment" ? item.deployment.requestSettings.requestTimeoutMs : undefined).toMatchObject({ state: "set", value: 300_000 });
  });

  test.each(["azuredeploy", "azuredeploy.jsonc"])("%s with YAML-only syntax is an input error", async (name) => {
    const file = write(name, `{"name": 'blue', /* agreed */ "properties": {"requestSettings": {"requestTimeout": "PT5M"}}}\n`);

    await expect(readInputFile(file)).rejects.toThrow(new InputError(`${file} is not valid JSON: invalid symbol at line 1, column 10. Fix the JSON syntax there.`));
  });

  test("template that PyYAML reads as CLI YAML is an input error", async () => {
    const text = [
      "{",
      '  // cli, "name": "blue", "endpoint_name": "ep", "instance_type": "Standard_F4s_v2", "request_settings": {"request_timeout_ms": 180000}, zz: [',
      `  "$schema": "${SCHEMA}",`,
      '  "contentVersion": "1.0.0.0",',
      '  "resources": [], // ],',
      '  "outputs": {}',
      "}",
    ].join("\n");
    const file = write("dual.json", text);

    await expect(readInputFile(file)).rejects.toThrow(`${file} reads differently as the Azure ML CLI reads it and as JSON reads it, because of a comment`);
  });

  test("line separator inside a JSON string is text", async () => {
    const body = { ...ARM_DEPLOYMENT, tags: { description: "Fraud scoring\u2028owned by ML platform" } };

    const items = await readInputFile(write("separator.json", JSON.stringify(body).replace("\\u2028", "\u2028")));

    expect(reasons(items)).toEqual(["deployment blue"]);
  });

  test("commented JSON with braces in a string is not a placeholder file", async () => {
    const body = `// Rendered by deploy.sh from {{ENV}}.\n${JSON.stringify({ ...ARM_DEPLOYMENT, tags: { route: "{{0}}" } })}\n`;

    const items = await readInputFile(write("rendered.json", body));

    expect(reasons(items)).toEqual(["deployment blue"]);
  });

  test("URL in a YAML flow mapping is not a comment", async () => {
    const items = await readInputFile(write("flow.yml", "{name: blue, endpoint_name: ep, model: azureml://registries/r/models/m/versions/1}\n"));

    const item = items[0];
    expect(item.kind === "deployment" ? item.deployment.ref.name : undefined).toBe("blue");
  });
});

describe("list response page", () => {
  const deployment = { ...ARM_DEPLOYMENT, properties: { ...ARM_DEPLOYMENT.properties } };

  test("nextLink URL adds a not-evaluated item", async () => {
    const file = write("page-1.json", JSON.stringify({ value: [deployment], nextLink: "https://management.azure.com/subscriptions/s/providers/x?$skiptoken=2" }));

    const items = await readInputFile(file);

    expect(reasons(items)).toEqual([
      "deployment blue",
      "the list response has a nextLink, so it is one page of a longer list, and the deployments on the later pages are not in this file. " +
        "Put the value arrays of every page into one list without a nextLink and check that, or run amlguard audit.",
    ]);
  });

  test.each([
    ["placeholder", { nextLink: "string" }],
    ["null", { nextLink: null }],
    ["absent", {}],
  ])("%s nextLink adds nothing", async (_name, next) => {
    const items = await readInputFile(write("page.json", JSON.stringify({ value: [deployment], ...next })));

    expect(reasons(items)).toEqual(["deployment blue"]);
  });

  test("several YAML documents are each read", async () => {
    const items = await readInputFile(write("two.yml", `${YAML_DEPLOYMENT}---\n${YAML_DEPLOYMENT.replace("blue", "green")}`));

    expect(reasons(items)).toEqual(["deployment blue", "deployment green"]);
  });

  test("empty documents around YAML documents are skipped", async () => {
    const items = await readInputFile(write("framed.yml", `---\n${YAML_DEPLOYMENT}---\n`));

    expect(reasons(items)).toEqual(["deployment blue"]);
  });

  test("document without a deployment is named", async () => {
    const file = write("mixed.yml", `${YAML_DEPLOYMENT}---\nkind: ConfigMap\n`);

    const items = await readInputFile(file);

    expect(reasons(items)).toEqual(["deployment blue", `document 2 of ${file} ${NO_DEPLOYMENT}`]);
  });

  test("second document keeps its own lines", async () => {
    const items = await readInputFile(write("lines.yml", `${YAML_DEPLOYMENT}---\n${YAML_DEPLOYMENT.replace("blue", "green")}`));

    const second = items[1];
    expect(second.kind === "deployment" ? second.deployment.locate?.("instance_count")?.line : undefined).toBe(9);
  });
});
