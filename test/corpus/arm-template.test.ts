import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { defaultConfig } from "../../src/config/limits";
import { evaluateItems } from "../../src/engine/evaluate";
import { RULES } from "../../src/rules/index";
import { readInputFile, readTemplateParameters } from "../../src/sources/files";
import { CORPUS_DIR } from "../support/corpus";
import { useTemporaryDirectory } from "../support/temporary-directory";

/**
 * Verdicts of the real ARM templates in the shared corpus. Both azureml-examples templates take
 * endpointComputeType from a parameter without a defaultValue, so without a parameters file no rule can be
 * judged: every applicable rule is unverified, and none passes.
 */

const CORPUS = path.join(CORPUS_DIR, "arm-bicep");

const TEMPLATES = ["azureml-examples/arm-templates/online-endpoint-deployment.json", "azureml-examples-history/3461642/arm-templates/online-endpoint-deployment.json"];

/** Corpus files that are not ARM templates, with the reason they are not checked here. */
const SKIPPED: readonly { readonly matches: (file: string) => boolean; readonly reason: string }[] = [
  { matches: (file) => file.startsWith("azure-resource-manager-schemas/"), reason: "JSON schemas of the template language, not templates" },
  { matches: (file) => file.endsWith(".bicep"), reason: "Bicep source; compile it with `az bicep build` and check the ARM template it produces" },
];

function corpusFiles(): string[] {
  const files: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(CORPUS, relative))) {
      const child = relative === "" ? entry : `${relative}/${entry}`;
      if (statSync(path.join(CORPUS, child)).isDirectory()) {
        walk(child);
      } else {
        files.push(child);
      }
    }
  };
  walk("");
  return files.filter((file) => !SKIPPED.some((skipped) => skipped.matches(file))).sort();
}

describe("ARM template corpus", () => {
  const { write } = useTemporaryDirectory("amlguard-corpus-");

  test("every corpus template is listed", () => {
    expect(corpusFiles()).toEqual([...TEMPLATES].sort());
  });

  test.each(TEMPLATES)("%s: one deployment from the template", async (file) => {
    const items = await readInputFile(path.join(CORPUS, file));

    expect(items).toEqual([expect.objectContaining({ kind: "deployment", deployment: expect.objectContaining({ ref: expect.objectContaining({ source: "arm-template" }) }) })]);
  });

  test.each(TEMPLATES)("%s: every rule unverified without parameters", async (file) => {
    const [result] = evaluateItems(await readInputFile(path.join(CORPUS, file)), RULES, defaultConfig(RULES));

    expect(new Set(result.rules.map((rule) => rule.outcome))).toEqual(new Set(["unverified"]));
  });

  test.each(TEMPLATES)("%s: the unknown finding names the parameter", async (file) => {
    const [result] = evaluateItems(await readInputFile(path.join(CORPUS, file)), RULES, defaultConfig(RULES));

    expect(result.findings[0].message).toContain("[parameters('endpointComputeType')]: parameter 'endpointComputeType' has no defaultValue");
  });

  test.each(TEMPLATES)("%s: sku capacity from its defaultValue", async (file) => {
    const [item] = await readInputFile(path.join(CORPUS, file));

    expect(item.kind === "deployment" && item.deployment.instanceCount).toEqual({ state: "set", value: 1, path: "sku.capacity" });
  });

  test.each(TEMPLATES)("%s: deployment name from its defaultValue is not enough", async (file) => {
    const [item] = await readInputFile(path.join(CORPUS, file));

    // workspaceName and onlineEndpointName have no defaultValue, so the concat() name stays as written.
    expect(item.kind === "deployment" && item.deployment.ref.name).toBe("[concat(parameters('workspaceName'), '/', parameters('onlineEndpointName'),'/', parameters('onlineDeploymentName'))]");
  });

  test.each(TEMPLATES)("%s: judged with a parameters file", async (file) => {
    const parametersFile = write(
      "parameters.json",
      JSON.stringify({
        $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        contentVersion: "1.0.0.0",
        parameters: { workspaceName: { value: "mlw" }, onlineEndpointName: { value: "scoring" }, endpointComputeType: { value: "Managed" } },
      }),
    );

    const items = await readInputFile(path.join(CORPUS, file), { templateParameters: await readTemplateParameters(parametersFile) });
    const [result] = evaluateItems(items, RULES, defaultConfig(RULES));

    // The template sets no request settings, probes or egress, and sku.capacity defaults to 1.
    const failures = result.findings.map((finding) => [finding.ruleId, finding.actual]).sort();
    expect(failures).toEqual([
      ["egress-public-network-access", "Enabled"],
      ["instance-count", 1],
      ["probe-required", false],
      ["probe-required", false],
    ].filter(([ruleId]) => RULES.some((rule) => rule.id === ruleId)));
    expect(result.resource).toMatchObject({ name: "blue", endpointName: "scoring", workspaceName: "mlw" });
  });
});
