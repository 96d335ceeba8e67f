import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { defaultConfig } from "../../src/config/limits";
import { evaluateItems } from "../../src/engine/evaluate";
import type { ResourceResult } from "../../src/findings/finding";
import { RULES } from "../../src/rules/index";
import { readInputFile } from "../../src/sources/files";
import { CORPUS_DIR } from "../support/corpus";

/**
 * Verdicts of the real Azure ML CLI YAML files in the shared corpus under the default limits. Each entry lists,
 * per rule, the actual values of its violation or invalid findings, as read from the file by hand. Every rule
 * not listed must pass or not apply. Durations are ISO 8601, as findings report them.
 */



type Failures = Readonly<Record<string, readonly (string | number | boolean)[]>>;

interface Expected {
  /** Deployment name to failures, for files with several deployments; `*` for a file with one. */
  readonly deployments?: Readonly<Record<string, Failures>>;
  /** Reason text a not-evaluated file must contain. */
  readonly notEvaluated?: string;
  /** Message text of the input error a file must raise. */
  readonly inputError?: string;
}

// A Managed deployment with instance_count 1 and nothing else set: public egress is Azure's default, the count is
// below the minimum of 3, and neither liveness nor readiness probe is declared.
const MANAGED_MINIMAL: Failures = {
  "egress-public-network-access": ["Enabled"],
  "instance-count": [1],
  "probe-required": [false, false],
};

// Foundation-model YAMLs with liveness_probe {initial_delay: 180, period: 180, failure_threshold: 49, timeout: 299}
// and request_timeout_ms 90000 (at the limit): the readiness probe is still undeclared.
const FOUNDATION_LIVENESS: Failures = {
  "egress-public-network-access": ["Enabled"],
  "instance-count": [1],
  "probe-required": [false],
  "probe-failure-threshold": [49],
  "probe-period": ["PT3M"],
  "probe-timeout": ["PT4M59S"],
};

// Kubernetes YAMLs with request/queue 3000 ms, probes {initial_delay 5, period 5, timeout 10, failure 1},
// instance_count 1 and scale type default.
const KUBERNETES_BLUE_FAST_PROBES: Failures = {
  "request-max-queue-wait": ["PT3S"],
  "probe-failure-threshold": [1, 1],
  "probe-timeout": ["PT10S", "PT10S"],
  "instance-count": [1],
};

const one = (failures: Failures): Expected => ({ deployments: { "*": failures } });
const placeholder = (name: string): Expected => ({ notEvaluated: name });

const EXPECTED: Readonly<Record<string, Expected>> = {
  "azure-sdk-for-python/sdk/ml/azure-ai-ml/tests/test_configs/deployments/online/online_deployment_1_update_incomplete.yaml": one({
    "egress-public-network-access": ["Enabled"],
    "instance-count": [2],
    "probe-required": [false, false],
  }),
  // type: kubernetes overrides the managed $schema; probes {10, 10, 10, failure 1}, instance_count 2.
  "azure-sdk-for-python/sdk/ml/azure-ai-ml/tests/test_configs/deployments/online/online_deployment_blue_full.yaml": one({
    "probe-failure-threshold": [1, 1],
    "probe-timeout": ["PT10S", "PT10S"],
    "instance-count": [2],
  }),
  "azure-sdk-for-python/sdk/ml/azure-ai-ml/tests/test_configs/deployments/online/online_deployment_data_storage_standard.yaml": one(MANAGED_MINIMAL),
  // Target utilization 1..3, so instance_count is not judged.
  "azure-sdk-for-python/sdk/ml/azure-ai-ml/tests/test_configs/deployments/online/online_deployment_k8s_1.yaml": one({
    "request-max-queue-wait": ["PT3S"],
    "probe-failure-threshold": [1, 1],
    "probe-timeout": ["PT10S", "PT10S"],
  }),
  // instance_type appears twice; the later value wins. egress_public_network_access: enabled.
  // instance_type appears twice (cpuInstance at line 20, Standard_DS3_v2 at line 51), so the file states two
  // values for one field; amlguard rejects a duplicated key instead of judging the last value.
  "azure-sdk-for-python/sdk/ml/azure-ai-ml/tests/test_configs/deployments/online/online_deployment_managed_full.yml": {
    inputError: 'has the key "instance_type" twice (first at line 20, column 1, again at line 51, column 1)',
  },
  "azure-sdk-for-python/sdk/ml/azure-ai-ml/tests/test_configs/deployments/online/online_deployment_pe_1.yaml": one(MANAGED_MINIMAL),
  // scale_settings spells the scale type with the 2021 key scale_type, which the CLI v2 schema does not define, so
  // every rule that reads the scale type reports the key as invalid, with the value written under it.
  "azure-sdk-for-python/sdk/ml/azure-ai-ml/tests/test_configs/deployments/online/online_deployment_schema.yaml": one({
    ...MANAGED_MINIMAL,
    "scale-type": ['"default"'],
    "scale-instance-bounds": ['"default"'],
    "scale-polling-interval": ['"default"'],
    "scale-target-utilization": ['"default"'],
  }),

  "azureml-examples-history/1dbb0c1/cli/endpoints/online/kubernetes/kubernetes-green-deployment.yml": one({ "probe-required": [false, false] }),
  "azureml-examples-history/313e0e6/cli/endpoints/online/kubernetes/kubernetes-blue-deployment.yml": one(KUBERNETES_BLUE_FAST_PROBES),
  // Probes {10, 10, 10, failure 30}: the timeout equals the period.
  "azureml-examples-history/4625a18/cli/endpoints/online/kubernetes/kubernetes-blue-deployment.yml": one({
    "request-max-queue-wait": ["PT3S"],
    "probe-timeout": ["PT10S", "PT10S"],
    "instance-count": [1],
  }),
  // 2021 preview endpoints with inline deployments, scale_type manual and instance_count 1.
  "azureml-examples-history/5ae27ae/cli/endpoints/online/custom-container/tfserving-endpoint.yml": { deployments: { tfserving: MANAGED_MINIMAL } },
  "azureml-examples-history/66f30f4/cli/endpoints/online/managed/managed-identities/1-uai-create-endpoint-with-deployment.yml": { deployments: { blue: MANAGED_MINIMAL } },
  "azureml-examples-history/9836f3c/cli/endpoints/online/aks/simple-flow/1-create-aks-endpoint-with-blue.yml": {
    deployments: { blue: { "instance-count": [1], "probe-required": [false, false] } },
  },
  "azureml-examples-history/b89b6df/cli/endpoints/amlarc/canary-declarative-flow/2-scale-blue.yaml": placeholder("{{fullyQualifiedComputeId}}"),
  "azureml-examples-history/ca0430e/cli/endpoints/amlarc/canary-declarative-flow/3-create-green.yaml": placeholder("{{fullyQualifiedComputeId}}"),
  "azureml-examples-history/ef383a3/cli/endpoints/online/amlarc/blue-deployment.yml": one(KUBERNETES_BLUE_FAST_PROBES),
  "azureml-examples-history/ef383a3/cli/endpoints/online/amlarc/green-deployment.yml": one({ "probe-required": [false, false] }),

  "azureml-examples/cli/endpoints/online/custom-container/minimal/multimodel/minimal-multimodel-deployment.yml": placeholder("{{ENDPOINT_NAME}}"),
  "azureml-examples/cli/endpoints/online/custom-container/minimal/single-model/conda-in-dockerfile/minimal-single-model-conda-in-dockerfile-deployment.yml":
    placeholder("{{ENDPOINT_NAME}}"),
  "azureml-examples/cli/endpoints/online/custom-container/mlflow/multideployment-scikit/mlflow-deployment.yml": placeholder("{{deployment_name}}"),
  "azureml-examples/cli/endpoints/online/custom-container/r/multimodel-plumber/r-deployment.yml": placeholder("{{ACR_NAME}}"),
  "azureml-examples/cli/endpoints/online/custom-container/tfserving/half-plus-two/tfserving-deployment.yml": placeholder("{{MODEL_VERSION}}"),
  "azureml-examples/cli/endpoints/online/custom-container/torchserve/densenet/torchserve-deployment.yml": placeholder("{{ACR_NAME}}"),
  "azureml-examples/cli/endpoints/online/data-collector/custom-blob-storage/custom-blob-storage.YAML": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/data-collector/workspace-blob-storage/workspace-blob-storage-custom1.YAML": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/data-collector/workspace-blob-storage/workspace-blob-storage-payload1.YAML": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/data-collector/workspace-blob-storage/workspace-blob-storage-payload2.YAML": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/deploy-with-packages/custom-model/model-deployment.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/deploy-with-packages/mlflow-model/deployment.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/kubernetes/kubernetes-blue-deployment.yml": one({
    "request-max-queue-wait": ["PT3S"],
    "probe-required": [false, false],
    "instance-count": [1],
  }),
  "azureml-examples/cli/endpoints/online/kubernetes/kubernetes-green-deployment.yml": one({ "probe-required": [false, false] }),
  "azureml-examples/cli/endpoints/online/managed/inference-schema/deployment-numpy.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/managed/inference-schema/deployment-pandas.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/managed/keyvault/keyvault-deployment.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/managed/managed-identities/2-sai-deployment.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/managed/minimal/single-model-registered/deployment.yml": placeholder("{{ENDPOINT_NAME}}"),
  "azureml-examples/cli/endpoints/online/managed/openapi/deployment.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/managed/sample/blue-deployment-with-registered-assets.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/managed/sample/blue-deployment.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/managed/sample/green-deployment-with-registered-assets.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/managed/sample/green-deployment.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/managed/vnet/sample/blue-deployment-vnet.yml": one({ "instance-count": [1], "probe-required": [false, false] }),
  "azureml-examples/cli/endpoints/online/ncd/lightgbm-deployment.yaml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/ncd/sklearn-deployment.yaml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/endpoints/online/triton/single-model/create-managed-deployment.yaml": one(MANAGED_MINIMAL),
  // request_timeout_ms 180000: Azure's cap for Managed, above the organization's default maximum of 90 s.
  "azureml-examples/cli/foundation-models/meta-llama-3/inference/meta-llama-3-70b/deploy.yml": one({ ...MANAGED_MINIMAL, "request-timeout": ["PT3M"] }),
  "azureml-examples/cli/foundation-models/meta-llama-3/inference/meta-llama-3-8b-instruct/deploy.yml": one({ ...MANAGED_MINIMAL, "request-timeout": ["PT3M"] }),
  "azureml-examples/cli/foundation-models/system/finetune/image-classification/multiclass-classification/deploy.yaml": one(FOUNDATION_LIVENESS),
  "azureml-examples/cli/foundation-models/system/finetune/image-classification/multilabel-classification/deploy.yaml": one(FOUNDATION_LIVENESS),
  "azureml-examples/cli/foundation-models/system/finetune/image-object-detection/deploy.yaml": one(FOUNDATION_LIVENESS),
  "azureml-examples/cli/foundation-models/system/finetune/question-answering/deploy.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/foundation-models/system/finetune/text-classification/deploy.yml": one(MANAGED_MINIMAL),
  // liveness_probe.initial_delay 600 is at the maximum; only the readiness probe is undeclared.
  "azureml-examples/cli/foundation-models/system/finetune/text-generation/deploy.yml": one({
    "egress-public-network-access": ["Enabled"],
    "instance-count": [1],
    "probe-required": [false],
  }),
  "azureml-examples/cli/foundation-models/system/finetune/token-classification/deploy.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/foundation-models/system/finetune/translation/deploy.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/foundation-models/system/inference/automatic-speech-recognition/deploy.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/foundation-models/system/inference/fill-mask/deploy.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/foundation-models/system/inference/image-embeddings/deploy-online.yaml": one(FOUNDATION_LIVENESS),
  "azureml-examples/cli/foundation-models/system/inference/image-instance-segmentation/deploy-online.yaml": one(FOUNDATION_LIVENESS),
  "azureml-examples/cli/foundation-models/system/inference/image-text-embeddings/deploy-online.yaml": one(FOUNDATION_LIVENESS),
  "azureml-examples/cli/foundation-models/system/inference/image-to-text/deploy-online.yaml": one(FOUNDATION_LIVENESS),
  "azureml-examples/cli/foundation-models/system/inference/question-answering/deploy.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/foundation-models/system/inference/summarization/deploy.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/foundation-models/system/inference/text-generation/deploy.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/foundation-models/system/inference/text-to-image/deploy-online.yaml": one(FOUNDATION_LIVENESS),
  "azureml-examples/cli/foundation-models/system/inference/translation/deploy.yml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/foundation-models/system/inference/video-multi-object-tracking/deploy.yaml": one(FOUNDATION_LIVENESS),
  "azureml-examples/cli/foundation-models/system/inference/visual-question-answering/deploy-online.yaml": one(FOUNDATION_LIVENESS),
  "azureml-examples/cli/foundation-models/system/inference/zero-shot-image-classification/deploy-online.yaml": one(FOUNDATION_LIVENESS),
  "azureml-examples/cli/generative-ai/promptflow/deploy-flow/deployment.yaml": one(MANAGED_MINIMAL),
  "azureml-examples/cli/jobs/pipelines-with-components/nyc_taxi_data_regression/deploy.yml": one(MANAGED_MINIMAL),
};

/** Corpus files that are not CLI deployment YAML, with the reason they are not checked here. */
const SKIPPED: Readonly<Record<string, string>> = {
  "azureml-examples-history/fb19643/cli/.schemas/": "JSON schemas of the 2021 CLI YAML, not deployments",
  "azure-sdk-for-python/sdk/ml/azure-ai-ml/tests/test_configs/deployments/online/online_deployment_managed_rest.json": "an ARM REST body, read by the ARM JSON reader",
};

const RULE_IDS = new Set(RULES.map((rule) => rule.id));

function corpusFiles(): string[] {
  const roots = ["azureml-examples", "azureml-examples-history", "azure-sdk-for-python"];
  const files: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(CORPUS_DIR, relative))) {
      const child = `${relative}/${entry}`;
      if (statSync(path.join(CORPUS_DIR, child)).isDirectory()) {
        walk(child);
      } else {
        files.push(child);
      }
    }
  };
  roots.forEach(walk);
  return files.filter((file) => !Object.keys(SKIPPED).some((skipped) => file.startsWith(skipped))).sort();
}

/**
 * Actual values of violation and invalid findings by rule, limited to rules that exist, in a stable order. An
 * invalid finding without a value, such as one for a missing field that Azure requires, is listed as `invalid <path>`.
 */
function failuresOf(result: ResourceResult): Record<string, (string | number | boolean)[]> {
  const failures: Record<string, (string | number | boolean)[]> = {};
  for (const finding of result.findings) {
    if (finding.kind === "unknown") {
      continue;
    }
    (failures[finding.ruleId] ??= []).push(finding.actual ?? `invalid ${finding.path}`);
  }
  for (const values of Object.values(failures)) {
    values.sort((a, b) => String(a).localeCompare(String(b)));
  }
  return failures;
}

/** Expected failures restricted to rules in the registry, so a rule not yet added is not asserted. */
function existingRules(failures: Failures): Record<string, (string | number | boolean)[]> {
  return Object.fromEntries(
    Object.entries(failures)
      .filter(([ruleId]) => RULE_IDS.has(ruleId))
      .map(([ruleId, values]) => [ruleId, [...values].sort((a, b) => String(a).localeCompare(String(b)))]),
  );
}

describe("CLI YAML corpus", () => {
  test("every corpus YAML has a verdict", () => {
    expect(corpusFiles()).toEqual(Object.keys(EXPECTED).sort());
  });

  test.each(Object.entries(EXPECTED))("%s", async (file, expected) => {
    if (expected.inputError !== undefined) {
      await expect(readInputFile(path.join(CORPUS_DIR, file))).rejects.toThrow(expected.inputError);
      return;
    }
    const items = await readInputFile(path.join(CORPUS_DIR, file));
    const results = evaluateItems(items, RULES, defaultConfig(RULES));

    if (expected.notEvaluated !== undefined) {
      expect(results).toEqual([expect.objectContaining({ status: "not-evaluated", reason: expect.stringContaining(expected.notEvaluated) })]);
      return;
    }

    const deployments = expected.deployments ?? {};
    const actual = Object.fromEntries(results.map((result) => [Object.keys(deployments).includes("*") ? "*" : result.resource.name, failuresOf(result)]));
    const wanted = Object.fromEntries(Object.entries(deployments).map(([name, failures]) => [name, existingRules(failures)]));
    expect(actual).toEqual(wanted);
    expect(results.every((result) => result.status === "evaluated" && result.resource.source === "cli-yaml")).toBe(true);
  });
});
