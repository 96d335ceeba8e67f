import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defaultConfig } from "../../src/config/limits";
import { evaluateItems } from "../../src/engine/evaluate";
import type { ResourceResult } from "../../src/findings/finding";
import { RULES } from "../../src/rules/index";
import { readInputFile } from "../../src/sources/files";

/**
 * Real ARM JSON online deployments (Azure REST API examples, an azure-ai-ml test fixture and the two samples of
 * the REST API page "Online Deployments - Get") judged under the default limits. Each expected verdict was
 * written by reading the file, not by running amlguard.
 */

const SHARED = path.resolve(__dirname, "../../../shared");
const CORPUS = path.join(SHARED, "corpus");
const SEED_PAGE = path.join(SHARED, "seed", "000_21f051c2217de815.txt");

if (!existsSync(CORPUS) || !existsSync(SEED_PAGE)) {
  throw new Error(`The shared corpus is missing: expected ${CORPUS} and ${SEED_PAGE} beside the repository clone.`);
}

/** A finding as the expectation states it: rule, kind, level, path, actual value and whether Azure's default applied. */
type Verdict = readonly [ruleId: string, kind: string, level: string, path: string, actual: string | number | boolean | null, isDefault: boolean];

interface ExpectedResource {
  readonly computeType: "Managed" | "Kubernetes";
  readonly findings: readonly Verdict[];
}

const TIMEOUT = "properties.requestSettings.requestTimeout";
const QUEUE_WAIT = "properties.requestSettings.maxQueueWait";
const LIVENESS = "properties.livenessProbe";
const READINESS = "properties.readinessProbe";
const EGRESS = "properties.egressPublicNetworkAccess";

// The example body most api-versions share for Managed: liveness probe of PT5M with failureThreshold 1,
// requestTimeout and maxQueueWait of PT5M, sku.capacity 1, egressPublicNetworkAccess absent.
const MANAGED_EXAMPLE: ExpectedResource = {
  computeType: "Managed",
  findings: [
    ["request-timeout", "violation", "mandatory", TIMEOUT, "PT5M", false],
    ["request-max-queue-wait", "violation", "advisory", QUEUE_WAIT, "PT5M", false],
    ["probe-failure-threshold", "violation", "mandatory", `${LIVENESS}.failureThreshold`, 1, false],
    ["probe-period", "violation", "mandatory", `${LIVENESS}.period`, "PT5M", false],
    ["probe-timeout", "violation", "mandatory", `${LIVENESS}.timeout`, "PT5M", false],
    ["instance-count", "violation", "advisory", "sku.capacity", 1, false],
    ["egress-public-network-access", "violation", "mandatory", EGRESS, "Enabled", true],
  ],
};

// The Kubernetes example body: the same liveness probe and request settings, no readiness probe, scale type
// Default with sku.capacity 1, and requests equal to limits ("1" cpu, "2Gi" memory, "1" gpu, JSON-quoted).
const KUBERNETES_EXAMPLE: ExpectedResource = {
  computeType: "Kubernetes",
  findings: [
    ["request-timeout", "violation", "mandatory", TIMEOUT, "PT5M", false],
    ["request-max-queue-wait", "violation", "advisory", QUEUE_WAIT, "PT5M", false],
    ["probe-required", "violation", "advisory", READINESS, false, true],
    ["probe-failure-threshold", "violation", "mandatory", `${LIVENESS}.failureThreshold`, 1, false],
    ["probe-period", "violation", "mandatory", `${LIVENESS}.period`, "PT5M", false],
    ["probe-timeout", "violation", "mandatory", `${LIVENESS}.timeout`, "PT5M", false],
    ["instance-count", "violation", "advisory", "sku.capacity", 1, false],
  ],
};

const EXPECTED: Readonly<Record<string, readonly ExpectedResource[]>> = {
  // api-version 2021-03-01-preview spells Kubernetes K8S and TargetUtilization Auto, and gives flat resource numbers.
  "rest-api-specs/2021-03-01-preview/OnlineDeployment/K8sOnlineDeployment/createOrUpdate.json": [
    {
      computeType: "Kubernetes",
      findings: [
        ["request-max-queue-wait", "violation", "advisory", QUEUE_WAIT, "PT1M", false],
        ["probe-required", "violation", "advisory", READINESS, false, true],
        ["probe-failure-threshold", "violation", "mandatory", `${LIVENESS}.failureThreshold`, 50, false],
        ["probe-success-threshold", "violation", "mandatory", `${LIVENESS}.successThreshold`, 50, false],
        ["probe-timeout", "violation", "mandatory", `${LIVENESS}.timeout`, "PT1M", false],
        ["container-resources", "violation", "mandatory", "properties.containerResourceRequirements.memoryInGB", "64G", false],
        ["container-resources", "violation", "mandatory", "properties.containerResourceRequirements.memoryInGBLimit", "64G", false],
      ],
    },
  ],
  // Scale type Auto (TargetUtilization) on Managed compute, probes of 50 failures 60 seconds apart, and no sku.
  "rest-api-specs/2021-03-01-preview/OnlineDeployment/ManagedOnlineDeployment/get.json": [
    {
      computeType: "Managed",
      findings: [
        ["request-max-queue-wait", "violation", "advisory", QUEUE_WAIT, "PT1M", false],
        ["probe-failure-threshold", "violation", "mandatory", `${LIVENESS}.failureThreshold`, 50, false],
        ["probe-failure-threshold", "violation", "mandatory", `${READINESS}.failureThreshold`, 50, false],
        ["probe-success-threshold", "violation", "mandatory", `${LIVENESS}.successThreshold`, 50, false],
        ["probe-success-threshold", "violation", "mandatory", `${READINESS}.successThreshold`, 50, false],
        ["probe-timeout", "violation", "mandatory", `${LIVENESS}.timeout`, "PT1M", false],
        ["probe-timeout", "violation", "mandatory", `${READINESS}.timeout`, "PT1M", false],
        ["probe-readiness-budget", "violation", "mandatory", READINESS, "PT51M", false],
        ["scale-type", "violation", "mandatory", "properties.scaleSettings.scaleType", "TargetUtilization", false],
        ["instance-count", "violation", "advisory", "sku.capacity", 1, true],
        ["egress-public-network-access", "violation", "mandatory", EGRESS, "Enabled", true],
      ],
    },
  ],
  // One Managed item with scale type Auto and the placeholder "string" as its polling interval.
  "rest-api-specs/2021-03-01-preview/OnlineDeployment/list.json": [
    {
      computeType: "Managed",
      findings: [
        ["probe-required", "violation", "advisory", LIVENESS, false, true],
        ["probe-required", "violation", "advisory", READINESS, false, true],
        ["scale-type", "violation", "mandatory", "properties.scaleSettings.scaleType", "TargetUtilization", false],
        ["scale-polling-interval", "invalid", "mandatory", "properties.scaleSettings.pollingInterval", '"string"', false],
        ["instance-count", "violation", "advisory", "sku.capacity", 1, true],
        ["egress-public-network-access", "violation", "mandatory", EGRESS, "Enabled", true],
      ],
    },
  ],
  "rest-api-specs/2022-02-01-preview/OnlineDeployment/KubernetesOnlineDeployment/get.json": [KUBERNETES_EXAMPLE],
  "rest-api-specs/2022-05-01/OnlineDeployment/ManagedOnlineDeployment/get.json": [MANAGED_EXAMPLE],
  "rest-api-specs/2022-05-01/OnlineDeployment/list.json": [KUBERNETES_EXAMPLE],
  "rest-api-specs/2023-04-01/OnlineDeployment/KubernetesOnlineDeployment/createOrUpdate.json": [KUBERNETES_EXAMPLE],
  "rest-api-specs/2023-04-01/OnlineDeployment/ManagedOnlineDeployment/createOrUpdate.json": [MANAGED_EXAMPLE],
  "rest-api-specs/2024-04-01/OnlineDeployment/list.json": [KUBERNETES_EXAMPLE],
  "rest-api-specs/2024-10-01/OnlineDeployment/KubernetesOnlineDeployment/createOrUpdate.json": [KUBERNETES_EXAMPLE],
  "rest-api-specs/2025-04-01-preview/OnlineDeployment/ManagedOnlineDeployment/createOrUpdate.json": [MANAGED_EXAMPLE],
  "rest-api-specs/2025-06-01/OnlineDeployment/KubernetesOnlineDeployment/createOrUpdate.json": [KUBERNETES_EXAMPLE],
  "rest-api-specs/2025-06-01/OnlineDeployment/KubernetesOnlineDeployment/update.json": [KUBERNETES_EXAMPLE],
  "rest-api-specs/2025-06-01/OnlineDeployment/ManagedOnlineDeployment/createOrUpdate.json": [MANAGED_EXAMPLE],
  "rest-api-specs/2025-06-01/OnlineDeployment/ManagedOnlineDeployment/get.json": [MANAGED_EXAMPLE],
  "rest-api-specs/2025-06-01/OnlineDeployment/list.json": [KUBERNETES_EXAMPLE],
  // A GET response recorded by the azure-ai-ml tests: production-like settings, egress set to Enabled on purpose.
  "azure-sdk-for-python/sdk/ml/azure-ai-ml/tests/test_configs/deployments/online/online_deployment_managed_rest.json": [
    { computeType: "Managed", findings: [["egress-public-network-access", "violation", "mandatory", EGRESS, "Enabled", false]] },
  ],
};

/** Lists every file under `directory` whose path relative to CORPUS passes `keep`. */
function listFiles(directory: string, keep: (relative: string) => boolean): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) {
      return listFiles(full, keep);
    }
    const relative = path.relative(CORPUS, full).split(path.sep).join("/");
    return keep(relative) ? [relative] : [];
  });
}

function verdictsOf(result: ResourceResult): Verdict[] {
  return result.findings.map((finding) => [finding.ruleId, finding.kind, finding.enforcementLevel, finding.path, finding.actual, finding.actualIsDefault]);
}

async function judge(file: string): Promise<ResourceResult[]> {
  return evaluateItems(await readInputFile(file), RULES, defaultConfig(RULES));
}

/** Returns the JSON samples of the API page: each starts at a line "{" and ends at the next line "}". */
function seedSamples(): string[] {
  const lines = readFileSync(SEED_PAGE, "utf8").split(/\r?\n/);
  const samples: string[] = [];
  let start: number | undefined;
  lines.forEach((line, index) => {
    if (line === "{" && start === undefined) {
      start = index;
    } else if (line === "}" && start !== undefined) {
      samples.push(lines.slice(start, index + 1).join("\n"));
      start = undefined;
    }
  });
  return samples;
}

describe("corpus of ARM JSON deployments", () => {
  const found = listFiles(CORPUS, (relative) =>
    (/^rest-api-specs\/.*\/OnlineDeployment\/.*\.json$/.test(relative) && !/listSkus/i.test(relative)) || relative.endsWith("/online_deployment_managed_rest.json"),
  );

  test("every corpus file has a verdict", () => {
    expect(found.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  test.each(Object.entries(EXPECTED))("%s", async (relative, expected) => {
    const results = await judge(path.join(CORPUS, relative));
    const actual = results.map((result) => ({ computeType: result.computeType, status: result.status, findings: verdictsOf(result) }));
    expect(actual).toEqual(expected.map((resource) => ({ ...resource, status: "evaluated" })));
  });
});

// Corpus JSON files that contain no online deployment, with the reason each one reports.
const WITHOUT_DEPLOYMENT: Readonly<Record<string, string>> = {
  // ListSkus returns SKU items with `sku` and `capacity` but no type and no properties.
  "rest-api-specs/2025-06-01/OnlineDeployment/ManagedOnlineDeployment/listSkus.json": "responses.200.body.value[0] contains no Azure Machine Learning online deployment",
  // The ARM template JSON schema has `id` and `title`, and the extracts have only definitions.
  "arm-bicep/azure-resource-manager-schemas/2025-06-01/Microsoft.MachineLearningServices.json": "contains no Azure Machine Learning online deployment",
  "arm-bicep/azure-resource-manager-schemas/2025-06-01/workspaces_onlineEndpoints_deployments.extract.json": "contains no Azure Machine Learning online deployment",
  "rest-api-specs/2025-06-01/mfe.online-deployment-definitions.excerpt.json": "contains no Azure Machine Learning online deployment",
  // A JSON schema with `type: object` and `properties`.
  "schemas/sarif-schema-2.1.0.json": "is of type object, not Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
};

// The ARM templates, whose verdicts the template corpus test states.
const TEMPLATE_FILES = ["arm-bicep/azureml-examples/arm-templates/online-endpoint-deployment.json", "arm-bicep/azureml-examples-history/3461642/arm-templates/online-endpoint-deployment.json"];

describe("corpus JSON without a deployment", () => {
  test("every corpus JSON file is listed", () => {
    const listed = [...Object.keys(EXPECTED), ...Object.keys(WITHOUT_DEPLOYMENT), ...TEMPLATE_FILES].sort();

    expect(listFiles(CORPUS, (relative) => relative.endsWith(".json")).sort()).toEqual(listed);
  });

  test.each(Object.entries(WITHOUT_DEPLOYMENT))("%s", async (relative, reason) => {
    const items = await readInputFile(path.join(CORPUS, relative));

    expect(items.map((item) => (item.kind === "not-evaluated" ? item.reason : "deployment"))).toEqual([reason]);
  });
});

describe("samples of the Online Deployments Get page", () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), "amlguard-seed-"));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  test("page has two samples", () => {
    expect(seedSamples()).toHaveLength(2);
  });

  // The page shows the Kubernetes sample first, then the Managed one; both are the api-version 2025-06-01 examples.
  test.each([
    [0, KUBERNETES_EXAMPLE],
    [1, MANAGED_EXAMPLE],
  ])("sample %d", async (index, expected) => {
    const file = path.join(directory, `sample-${index}.json`);
    writeFileSync(file, seedSamples()[index]);
    const results = await judge(file);
    expect(results.map((result) => ({ computeType: result.computeType, findings: verdictsOf(result) }))).toEqual([expected]);
  });
});
