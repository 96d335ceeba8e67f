import { quantityLimit } from "../config/schema-types";
import type { ContainerResources } from "../model/deployment";
import type { EffectiveValue } from "../model/field";
import { type RuleContext, defineRule, describeValue } from "./rule";

type Resource = keyof ContainerResources;

const RESOURCES: readonly { key: Resource; name: string }[] = [
  { key: "cpuCores", name: "CPU" },
  { key: "memoryBytes", name: "Memory" },
  { key: "gpuCount", name: "GPU" },
];

// Binary suffixes first, so 2Gi stays 2Gi; decimal ones next, so 64G (the legacy memoryInGB) stays 64G.
const MEMORY_SUFFIXES: readonly [string, number][] = [
  ["Ti", 2 ** 40],
  ["Gi", 2 ** 30],
  ["Mi", 2 ** 20],
  ["T", 1e12],
  ["G", 1e9],
  ["M", 1e6],
  ["Ki", 2 ** 10],
  ["k", 1e3],
];

/** Renders a quantity in base units as Kubernetes spells it: cores and devices as numbers, memory with the largest exact suffix. */
export function renderQuantity(resource: Resource, value: number): string {
  if (resource !== "memoryBytes") {
    return String(value);
  }
  const suffix = MEMORY_SUFFIXES.find(([, factor]) => value >= factor && Number.isInteger(value / factor));
  return suffix === undefined ? String(value) : `${value / suffix[1]}${suffix[0]}`;
}

/**
 * Renders a quantity as the field at `path` takes it. The legacy `memoryInGB` and `memoryInGBLimit` of
 * api-version 2021-03-01-preview, and `memory_in_gb` and `memory_in_gb_limit` of its CLI YAML, are numbers of
 * gigabytes, so a cap of 32Gi is written there as 34.359, rounded down to stay within the cap.
 */
function valueFor(path: string, resource: Resource, value: number): string {
  if (resource === "memoryBytes" && /\.(?:memoryInGB(?:Limit)?|memory_in_gb(?:_limit)?)$/.test(path)) {
    return String(Math.floor(value / 1e6) / 1e3);
  }
  return renderQuantity(resource, value);
}

export const containerResources = defineRule({
  id: "container-resources",
  description: "A Kubernetes deployment's container resource requests must not exceed its limits, and neither may exceed the organization's caps.",
  severity: "medium",
  rationale:
    "Azure rejects requests above limits with BadArgument, and a container that requests more CPU, memory or GPUs " +
    "than a node offers stays unschedulable; caps keep one deployment from taking a shared cluster.",
  remediation: "Lower containerResourceRequirements.containerResourceRequests and containerResourceLimits (resources.requests and resources.limits in CLI YAML) to the caps, with each request at or below its limit.",
  azureFact: {
    statement:
      "Kubernetes deployments set containerResourceRequirements with cpu, memory and gpu quantities; requests must " +
      "be less than or equal to limits, and Azure ML applies default limits when none are set.",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (KubernetesOnlineDeployment); " +
      "https://learn.microsoft.com/azure/machine-learning/how-to-troubleshoot-online-endpoints",
  },
  defaultEnforcementLevel: "mandatory",
  computeTypes: ["Kubernetes"],
  limits: {
    maxCpu: quantityLimit("Highest allowed CPU request or limit, as a Kubernetes quantity (cores).", "8"),
    maxMemory: quantityLimit("Highest allowed memory request or limit, as a Kubernetes quantity (bytes).", "32Gi"),
    maxGpu: quantityLimit("Highest allowed GPU request or limit, as a Kubernetes quantity (devices).", "1"),
  },

  check(deployment, limits, context) {
    const caps: Readonly<Record<Resource, number>> = { cpuCores: limits.maxCpu, memoryBytes: limits.maxMemory, gpuCount: limits.maxGpu };

    for (const { key, name } of RESOURCES) {
      const request = context.read(deployment.containerRequests[key]);
      const limit = context.read(deployment.containerLimits[key]);
      if (request !== undefined) {
        checkCap(`${name} request`, key, request, caps[key], context);
      }
      const cappedLimit = limit !== undefined && checkCap(`${name} limit`, key, limit, caps[key], context);
      // A request above the cap may still be above a lower limit, and then Azure rejects it too. A limit above the
      // cap must come down, so "raise the limit" would be the wrong fix.
      if (request === undefined || limit === undefined || cappedLimit || request.value <= limit.value) {
        continue;
      }
      const limitText = renderQuantity(key, limit.value);
      context.report({
        path: request.path,
        actual: renderQuantity(key, request.value),
        actualIsDefault: request.isDefault,
        limit: limitText,
        message: `${name} request is ${describeValue(request, (value) => renderQuantity(key, value))}, above its limit of ${limitText}; Azure rejects a request above the limit. Set ${request.path} to ${valueFor(request.path, key, limit.value)} or less, or raise ${limit.path}.`,
      });
    }
  },
});

/** Reports a quantity above the organization's cap and returns whether it did. */
function checkCap(label: string, resource: Resource, quantity: EffectiveValue<number>, cap: number, context: RuleContext): boolean {
  if (quantity.value <= cap) {
    return false;
  }
  const capText = renderQuantity(resource, cap);
  context.report({
    path: quantity.path,
    actual: renderQuantity(resource, quantity.value),
    actualIsDefault: quantity.isDefault,
    limit: capText,
    message: `${label} is ${describeValue(quantity, (value) => renderQuantity(resource, value))}, above the maximum of ${capText}. Set ${quantity.path} to ${valueFor(quantity.path, resource, cap)} or less.`,
  });
  return true;
}
