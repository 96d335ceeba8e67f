import { AZURE_DEFAULTS, defaultInstanceType, defaultScaleType, probeDefaults } from "../model/defaults";
import type {
  ComputeType,
  ContainerResources,
  EgressPublicNetworkAccess,
  Locator,
  OnlineDeployment,
  Probe,
  ProbeKind,
  ResourceRef,
  ScaleSettings,
  ScaleType,
} from "../model/deployment";
import { type Field, invalidField, setField, unknownField, unsetField } from "../model/field";
import { applyKeyProblems } from "./apply-key-problems";
import { ARM_MATCHING, armResourceKeys } from "./arm-key-schema";
import { durationField, enumField, integerField, quantityField, stringField } from "./field-readers";
import { findKeyProblems, listWords } from "./key-check";
import { type ChildLookup, type Lookup, type PropertyAccess, createChildLookup, isPlainObject } from "./property-access";

/**
 * Reads the camelCase deployment body that ARM responses, ARM templates and Pulumi azure-native inputs share
 * (`properties` of an `OnlineDeploymentTrackedResource`) into the normalized model.
 */

// Spellings of all api-versions: 2021-03-01-preview used `K8S` for Kubernetes and `Auto` for TargetUtilization.
const COMPUTE_TYPES: Readonly<Record<string, ComputeType>> = { Managed: "Managed", Kubernetes: "Kubernetes", K8S: "Kubernetes" };
const EGRESS_VALUES: Readonly<Record<string, EgressPublicNetworkAccess>> = { Enabled: "Enabled", Disabled: "Disabled" };
const SCALE_TYPES: Readonly<Record<string, ScaleType>> = { Default: "Default", TargetUtilization: "TargetUtilization", Auto: "TargetUtilization" };

export interface DeploymentBodyInput {
  readonly ref: ResourceRef;
  /** The deployment body: `properties` of an ARM resource or of Pulumi v3 inputs, `onlineDeploymentProperties` in Pulumi v2. */
  readonly body: Lookup;
  /** Path of the body as the source spells it, for example `properties`. */
  readonly bodyPath: string;
  readonly sku: Lookup;
  readonly skuPath: string;
  readonly access: PropertyAccess;
  readonly locate?: Locator;
  /**
   * The resource that contains the body under the key `bodyPath` and the sku under `sku`. When given, a judged
   * key in another case or in the wrong object makes the field it was meant for invalid.
   */
  readonly resource?: Lookup;
}

/** Thrown when a resource is of a kind amlguard does not judge, so the caller can mark it not evaluated. */
export class UnsupportedDeploymentError extends Error {}

export function readDeploymentBody(input: DeploymentBodyInput): OnlineDeployment {
  const { access, bodyPath } = input;
  const child = createChildLookup(access);

  const body = input.body;
  const computeTypePath = `${bodyPath}.endpointComputeType`;
  let computeType: Field<ComputeType>;
  if (body.kind === "absent") {
    computeType = invalidField(computeTypePath, undefined, "is missing; Azure requires Managed or Kubernetes");
  } else {
    const lookup = child(body, "endpointComputeType");
    if (lookup.kind === "present" && lookup.value === "AzureMLCompute") {
      throw new UnsupportedDeploymentError("endpointComputeType AzureMLCompute is not an online deployment kind amlguard judges");
    }
    computeType =
      lookup.kind === "absent"
        ? invalidField(computeTypePath, undefined, "is missing; Azure requires Managed or Kubernetes")
        : enumField(lookup, computeTypePath, COMPUTE_TYPES, undefined);
  }
  const knownComputeType = computeType.state === "set" ? computeType.value : undefined;

  const requestSettings = child(body, "requestSettings");
  const requestPath = `${bodyPath}.requestSettings`;
  const scale = readScaleSettings(child, child(body, "scaleSettings"), `${bodyPath}.scaleSettings`, knownComputeType);
  const resources = child(body, "containerResourceRequirements");
  const resourcesPath = `${bodyPath}.containerResourceRequirements`;

  const deployment: OnlineDeployment = {
    ref: input.ref,
    computeType,
    instanceType: stringField(child(body, "instanceType"), `${bodyPath}.instanceType`, defaultInstanceType(knownComputeType)),
    // NOTE: Azure documents no default for sku.capacity. An absent capacity is judged as 1, the instance
    // count we expect Azure to create, but no source confirms it.
    instanceCount: integerField(child(input.sku, "capacity"), `${input.skuPath}.capacity`, 1),
    egressPublicNetworkAccess: enumField(
      child(body, "egressPublicNetworkAccess"),
      `${bodyPath}.egressPublicNetworkAccess`,
      EGRESS_VALUES,
      AZURE_DEFAULTS.egressPublicNetworkAccess,
    ),
    requestSettings: {
      requestTimeoutMs: durationField(child(requestSettings, "requestTimeout"), `${requestPath}.requestTimeout`, AZURE_DEFAULTS.requestTimeoutMs),
      maxQueueWaitMs: durationField(child(requestSettings, "maxQueueWait"), `${requestPath}.maxQueueWait`, AZURE_DEFAULTS.maxQueueWaitMs),
      maxConcurrentRequestsPerInstance: integerField(
        child(requestSettings, "maxConcurrentRequestsPerInstance"),
        `${requestPath}.maxConcurrentRequestsPerInstance`,
        AZURE_DEFAULTS.maxConcurrentRequestsPerInstance,
      ),
    },
    probes: {
      liveness: readProbe(child, "liveness", child(body, "livenessProbe"), `${bodyPath}.livenessProbe`),
      readiness: readProbe(child, "readiness", child(body, "readinessProbe"), `${bodyPath}.readinessProbe`),
      startup: readProbe(child, "startup", child(body, "startupProbe"), `${bodyPath}.startupProbe`),
    },
    scaleSettings: scale,
    ...readContainerResources(child, resources, resourcesPath),
    locate: input.locate,
  };
  if (input.resource === undefined) {
    return deployment;
  }
  return applyKeyProblems(deployment, findKeyProblems(input.resource, armResourceKeys(bodyPath), access, ARM_MATCHING));
}

function readProbe(child: ChildLookup, kind: ProbeKind, probe: Lookup, path: string): Probe {
  // A declared probe takes Azure's ProbeSettings defaults for the fields it omits, the startup probe included.
  const defaults = probeDefaults(kind, probe.kind === "present");
  let declared: Field<boolean>;
  if (probe.kind === "absent") {
    declared = unsetField(path, false);
  } else if (probe.kind === "unknown") {
    declared = unknownField(path);
  } else if (probe.kind === "unreadable") {
    declared = invalidField(path, undefined, probe.reason, probe.fix);
  } else {
    declared = isPlainObject(probe.value) ? setField(path, true) : invalidField(path, probe.value, "must be an object of probe settings");
  }

  return {
    kind,
    declared,
    failureThreshold: integerField(child(probe, "failureThreshold"), `${path}.failureThreshold`, defaults?.failureThreshold),
    successThreshold: integerField(child(probe, "successThreshold"), `${path}.successThreshold`, defaults?.successThreshold),
    initialDelayMs: durationField(child(probe, "initialDelay"), `${path}.initialDelay`, defaults?.initialDelayMs),
    periodMs: durationField(child(probe, "period"), `${path}.period`, defaults?.periodMs),
    timeoutMs: durationField(child(probe, "timeout"), `${path}.timeout`, defaults?.timeoutMs),
  };
}

function readScaleSettings(child: ChildLookup, scale: Lookup, path: string, computeType: ComputeType | undefined): ScaleSettings {
  const defaultType = computeType === undefined ? undefined : defaultScaleType(computeType);
  const scaleType = enumField(child(scale, "scaleType"), `${path}.scaleType`, SCALE_TYPES, defaultType);
  // TargetUtilization defaults apply only when the effective scale type is TargetUtilization.
  let effectiveType: ScaleType | undefined;
  if (scaleType.state === "set") {
    effectiveType = scaleType.value;
  } else if (scaleType.state === "unset") {
    effectiveType = scaleType.defaultValue;
  }
  const defaults = effectiveType === "TargetUtilization" ? AZURE_DEFAULTS.targetUtilization : undefined;

  return {
    scaleType,
    minInstances: integerField(child(scale, "minInstances"), `${path}.minInstances`, defaults?.minInstances),
    maxInstances: integerField(child(scale, "maxInstances"), `${path}.maxInstances`, defaults?.maxInstances),
    targetUtilizationPercentage: integerField(
      child(scale, "targetUtilizationPercentage"),
      `${path}.targetUtilizationPercentage`,
      defaults?.targetUtilizationPercentage,
    ),
    pollingIntervalMs: durationField(child(scale, "pollingInterval"), `${path}.pollingInterval`, defaults?.pollingIntervalMs),
  };
}

const LEGACY_RESOURCE_KEYS: ReadonlySet<string> = new Set(["cpu", "cpulimit", "memoryingb", "memoryingblimit", "gpu"]);
const CURRENT_RESOURCE_KEYS: ReadonlySet<string> = new Set(["containerresourcerequests", "containerresourcelimits"]);

function readContainerResources(
  child: ChildLookup,
  resources: Lookup,
  path: string,
): { containerRequests: ContainerResources; containerLimits: ContainerResources } {
  const requests = child(resources, "containerResourceRequests");
  const limits = child(resources, "containerResourceLimits");
  const requestsPath = `${path}.containerResourceRequests`;
  const limitsPath = `${path}.containerResourceLimits`;

  // api-version 2021-03-01-preview used flat numbers: cpu, cpuLimit, memoryInGB, memoryInGBLimit and gpu. Keys are
  // matched in any case, as Azure's readers may, so that a key in another case decides the layout as well, and the
  // key check makes its field invalid.
  const keys = resources.kind === "present" && isPlainObject(resources.value) ? Object.keys(resources.value).filter((key) => child(resources, key).kind !== "absent") : [];
  const legacyKeys = keys.filter((key) => LEGACY_RESOURCE_KEYS.has(key.toLowerCase()));
  const currentKeys = keys.filter((key) => CURRENT_RESOURCE_KEYS.has(key.toLowerCase()));
  // Azure reads only the layout of the request's api-version, which a body alone does not show, so judging either
  // layout could pass the one Azure applies.
  if (legacyKeys.length > 0 && currentKeys.length > 0) {
    const mixed = (field: string): Field<number> =>
      invalidField(
        field,
        undefined,
        `cannot be read because ${path} mixes ${listWords(legacyKeys, "and")} of api-version 2021-03-01-preview with ` +
          `${listWords(currentKeys, "and")} of later api-versions, and Azure applies only one of them`,
        `Keep one layout in ${path}: containerResourceRequests and containerResourceLimits for api-version 2022-02-01-preview ` +
          "and later, or cpu, cpuLimit, memoryInGB, memoryInGBLimit and gpu for 2021-03-01-preview",
      );
    return {
      containerRequests: { cpuCores: mixed(`${requestsPath}.cpu`), memoryBytes: mixed(`${requestsPath}.memory`), gpuCount: mixed(`${requestsPath}.gpu`) },
      containerLimits: { cpuCores: mixed(`${limitsPath}.cpu`), memoryBytes: mixed(`${limitsPath}.memory`), gpuCount: mixed(`${limitsPath}.gpu`) },
    };
  }
  if (legacyKeys.length > 0) {
    return {
      containerRequests: {
        cpuCores: quantityField(child(resources, "cpu"), `${path}.cpu`),
        memoryBytes: gigabytesToBytes(quantityField(child(resources, "memoryInGB"), `${path}.memoryInGB`)),
        gpuCount: quantityField(child(resources, "gpu"), `${path}.gpu`),
      },
      containerLimits: {
        cpuCores: quantityField(child(resources, "cpuLimit"), `${path}.cpuLimit`),
        memoryBytes: gigabytesToBytes(quantityField(child(resources, "memoryInGBLimit"), `${path}.memoryInGBLimit`)),
        gpuCount: unsetField<number>(`${path}.gpuLimit`, undefined),
      },
    };
  }

  return {
    containerRequests: {
      cpuCores: quantityField(child(requests, "cpu"), `${requestsPath}.cpu`),
      memoryBytes: quantityField(child(requests, "memory"), `${requestsPath}.memory`),
      gpuCount: quantityField(child(requests, "gpu"), `${requestsPath}.gpu`),
    },
    containerLimits: {
      cpuCores: quantityField(child(limits, "cpu"), `${limitsPath}.cpu`),
      memoryBytes: quantityField(child(limits, "memory"), `${limitsPath}.memory`),
      gpuCount: quantityField(child(limits, "gpu"), `${limitsPath}.gpu`),
    },
  };
}

function gigabytesToBytes(field: Field<number>): Field<number> {
  return field.state === "set" ? setField(field.path, field.value * 1e9) : field;
}

