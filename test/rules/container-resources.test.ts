import { containerResources } from "../../src/rules/container-resources";
import { evaluateDeployment } from "../../src/engine/evaluate";
import { defaultConfig } from "../../src/config/limits";
import { deployment } from "../support/deployment-builder";
import { describeRuleCases, findingsOfYaml, invalid } from "./rule-table";

const REQUESTS = "properties.containerResourceRequirements.containerResourceRequests";
const LIMITS = "properties.containerResourceRequirements.containerResourceLimits";
const resources = (requests: Record<string, unknown>, limits: Record<string, unknown>) => ({
  containerResourceRequirements: { containerResourceRequests: requests, containerResourceLimits: limits },
});
const K8S = "Kubernetes";

describeRuleCases(
  containerResources,
  [
    { name: "at the caps", computeType: K8S, properties: resources({ cpu: "8", memory: "32Gi", gpu: "1" }, { cpu: "8", memory: "32Gi", gpu: "1" }), expected: [] },
    { name: "cpu one millicore past", computeType: K8S, properties: resources({}, { cpu: "8001m" }), expected: [{ path: `${LIMITS}.cpu`, actual: "8.001", limit: "8" }] },
    { name: "memory one byte past", computeType: K8S, properties: resources({}, { memory: String(32 * 2 ** 30 + 1) }), expected: [{ path: `${LIMITS}.memory`, actual: String(32 * 2 ** 30 + 1), limit: "32Gi" }] },
    { name: "gpu past", computeType: K8S, properties: resources({ gpu: "2" }, {}), expected: [{ path: `${REQUESTS}.gpu`, actual: "2", limit: "1" }] },
    { name: "request equal to limit", computeType: K8S, properties: resources({ cpu: "500m" }, { cpu: "0.5" }), expected: [] },
    { name: "request above limit", computeType: K8S, properties: resources({ memory: "2Gi" }, { memory: "1Gi" }), expected: [{ path: `${REQUESTS}.memory`, actual: "2Gi", limit: "1Gi" }] },
    { name: "quoted quantities", computeType: K8S, properties: resources({ cpu: '"1"', memory: '"1.5Gi"' }, { cpu: '"1"', memory: '"1.5Gi"' }), expected: [] },
    { name: "unset passes", computeType: K8S, expected: [] },
    {
      name: "request above cap and limit",
      computeType: K8S,
      properties: resources({ cpu: "6" }, { cpu: "3" }),
      limits: { maxCpu: "4" },
      expected: [
        { path: `${REQUESTS}.cpu`, actual: "6", limit: "4" },
        { path: `${REQUESTS}.cpu`, actual: "6", limit: "3" },
      ],
    },
    { name: "limit above cap", computeType: K8S, properties: resources({ cpu: "9" }, { cpu: "8.5" }), expected: [{ path: `${REQUESTS}.cpu`, actual: "9", limit: "8" }, { path: `${LIMITS}.cpu`, actual: "8.5", limit: "8" }] },
    { name: "lower caps from limits", computeType: K8S, limits: { maxCpu: "500m" }, properties: resources({ cpu: "1" }, {}), expected: [{ path: `${REQUESTS}.cpu`, actual: "1", limit: "0.5" }] },
    { name: "junk quantity", computeType: K8S, properties: resources({ cpu: "lots" }, {}), expected: [invalid(`${REQUESTS}.cpu`, '"lots"')] },
    { name: "negative quantity", computeType: K8S, properties: resources({}, { memory: "-1Gi" }), expected: [invalid(`${LIMITS}.memory`, '"-1Gi"')] },
    { name: "object quantity", computeType: K8S, properties: resources({ gpu: { count: 1 } }, {}), expected: [invalid(`${REQUESTS}.gpu`, "an object")] },
    { name: "legacy gpu alone", computeType: K8S, properties: { containerResourceRequirements: { gpu: 8 } }, expected: [{ path: "properties.containerResourceRequirements.gpu", actual: "8", limit: "1" }] },
    {
      name: "legacy key in other case beside current layout",
      computeType: K8S,
      properties: { containerResourceRequirements: { Cpu: 100, containerResourceRequests: { cpu: "1" }, containerResourceLimits: { cpu: "2" } } },
      expected: ["cpu", "memory", "gpu"].flatMap((key) => [REQUESTS, LIMITS].map((parent) => ({ path: `${parent}.${key}`, actual: null, limit: null, kind: "invalid" as const }))),
    },
    {
      name: "legacy key beside current layout",
      computeType: K8S,
      properties: { containerResourceRequirements: { cpu: "1", containerResourceRequests: { cpu: "100", memory: "1000Gi" }, containerResourceLimits: { cpu: "200", memory: "2000Gi" } } },
      expected: ["cpu", "memory", "gpu"].flatMap((key) => [REQUESTS, LIMITS].map((parent) => ({ path: `${parent}.${key}`, actual: null, limit: null, kind: "invalid" as const }))),
    },
  ],
  [{ name: "cpu limit", computeType: K8S, field: ["containerLimits", "cpuCores"], path: `${LIMITS}.cpu` }],
);

describe("container-resources scope", () => {
  test("Managed is not applicable", () => {
    const result = evaluateDeployment(deployment({ properties: resources({ cpu: "99" }, {}) }), [containerResources], defaultConfig([containerResources]));
    expect(result.rules).toEqual([{ ruleId: "container-resources", outcome: "not-applicable", reason: "the rule judges only Kubernetes deployments" }]);
  });

  test("limits reject a bad quantity", () => {
    expect(containerResources.limits.safeParse({ maxMemory: "32 gigs" }).success).toBe(false);
  });
});

describe("container-resources on the 2021-03-01-preview fields", () => {
  const legacy = { containerResourceRequirements: { cpu: 1, memoryInGB: 64, memoryInGBLimit: 64 } };

  test("memoryInGB fix in gigabytes", () => {
    const result = evaluateDeployment(deployment({ computeType: K8S, properties: legacy }), [containerResources], defaultConfig([containerResources]));

    expect(result.findings.map((finding) => finding.message)).toEqual([
      "Memory request is 64G, above the maximum of 32Gi. Set properties.containerResourceRequirements.memoryInGB to 34.359 or less.",
      "Memory limit is 64G, above the maximum of 32Gi. Set properties.containerResourceRequirements.memoryInGBLimit to 34.359 or less.",
    ]);
  });
});

describe("container-resources on the 2021 preview CLI YAML", () => {
  test("memory_in_gb fix in gigabytes", () => {
    const text = "$schema: https://azuremlschemas.azureedge.net/latest/k8sOnlineEndpoint.schema.json\nname: ep\ndeployments:\n  - name: blue\n    resource_requirements:\n      memory_in_gb: 40\n";

    const findings = findingsOfYaml(containerResources, text);

    expect(findings.map((finding) => finding.message)).toEqual([
      "Memory request is 40G, above the maximum of 32Gi. Set resource_requirements.memory_in_gb to 34.359 or less.",
    ]);
  });
});
