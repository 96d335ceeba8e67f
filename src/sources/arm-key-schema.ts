import type { KeyMatching, KeySchema } from "./key-check";

/**
 * The keys of an online deployment resource that amlguard judges, in the camelCase of the REST API (api-version
 * 2025-06-01 and the older names it reads). ARM and the Azure Machine Learning resource provider ignore a key they
 * do not know, so only a judged key in another case, which their JSON readers may match, or in the wrong object is
 * a problem.
 */

export const ARM_MATCHING: KeyMatching = { style: "case", schemaName: "the Azure Machine Learning REST API" };

const PROBE: KeySchema = { judged: { failureThreshold: null, successThreshold: null, initialDelay: null, period: null, timeout: null } };

const RESOURCE_SETTINGS: KeySchema = { judged: { cpu: null, memory: null, gpu: null } };

const BODY: KeySchema = {
  judged: {
    endpointComputeType: null,
    instanceType: null,
    egressPublicNetworkAccess: null,
    requestSettings: { judged: { requestTimeout: null, maxQueueWait: null, maxConcurrentRequestsPerInstance: null } },
    livenessProbe: PROBE,
    readinessProbe: PROBE,
    startupProbe: PROBE,
    scaleSettings: { judged: { scaleType: null, minInstances: null, maxInstances: null, targetUtilizationPercentage: null, pollingInterval: null } },
    containerResourceRequirements: {
      // api-version 2021-03-01-preview used flat numbers: cpu, cpuLimit, memoryInGB, memoryInGBLimit and gpu.
      judged: {
        containerResourceRequests: RESOURCE_SETTINGS,
        containerResourceLimits: RESOURCE_SETTINGS,
        cpu: null,
        cpuLimit: null,
        memoryInGB: null,
        memoryInGBLimit: null,
        gpu: null,
      },
    },
  },
};

const SKU: KeySchema = { judged: { capacity: null } };

// One schema per body key, so the key check prepares each schema once.
const resourceKeys = new Map<string, KeySchema>();

/** Returns the keys of a resource whose deployment body is under `bodyKey` and whose instance count is `sku.capacity`. */
export function armResourceKeys(bodyKey: string): KeySchema {
  const known = resourceKeys.get(bodyKey);
  if (known !== undefined) {
    return known;
  }
  const schema: KeySchema = { judged: { [bodyKey]: BODY, sku: SKU } };
  resourceKeys.set(bodyKey, schema);
  return schema;
}
