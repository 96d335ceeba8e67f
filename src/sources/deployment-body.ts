import { AZURE_DEFAULTS, defaultScaleType, probeDefaults } from "../model/defaults";
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
import { durationField, enumField, integerField, quantityField, stringField } from "./field-readers";
import { type Lookup, type PropertyAccess, isPlainObject } from "./property-access";

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
}

/** Thrown when a resource is of a kind amlguard does not judge, so the caller can mark it not evaluated. */
export class UnsupportedDeploymentError extends Error {}

export function readDeploymentBody(input: DeploymentBodyInput): OnlineDeployment {
  const { access, bodyPath } = input;
  const reader = new BodyReader(access);

  const body = input.body;
  const computeTypePath = `${bodyPath}.endpointComputeType`;
  let computeType: Field<ComputeType>;
  if (body.kind === "absent") {
    computeType = invalidField(computeTypePath, undefined, "is missing; Azure requires Managed or Kubernetes");
  } else {
    const lookup = reader.child(body, "endpointComputeType");
    if (lookup.kind === "present" && lookup.value === "AzureMLCompute") {
      throw new UnsupportedDeploymentError("endpointComputeType AzureMLCompute is not an online deployment kind amlguard judges");
    }
    computeType =
      lookup.kind === "absent"
        ? invalidField(computeTypePath, undefined, "is missing; Azure requires Managed or Kubernetes")
        : enumField(lookup, computeTypePath, COMPUTE_TYPES, undefined);
  }
  const knownComputeType = computeType.state === "set" ? computeType.value : undefined;

  const requestSettings = reader.child(body, "requestSettings");
  const requestPath = `${bodyPath}.requestSettings`;
  const scale = readScaleSettings(reader, reader.child(body, "scaleSettings"), `${bodyPath}.scaleSettings`, knownComputeType);
  const resources = reader.child(body, "containerResourceRequirements");
  const resourcesPath = `${bodyPath}.containerResourceRequirements`;

  return {
    ref: input.ref,
    computeType,
    instanceType: stringField(reader.child(body, "instanceType"), `${bodyPath}.instanceType`, AZURE_DEFAULTS.instanceType),
    // NOTE: Azure documents no default for sku.capacity. An absent capacity is judged as 1, the instance
    // count we expect Azure to create, but no source confirms it.
    instanceCount: integerField(reader.child(input.sku, "capacity"), `${input.skuPath}.capacity`, 1),
    egressPublicNetworkAccess: enumField(
      reader.child(body, "egressPublicNetworkAccess"),
      `${bodyPath}.egressPublicNetworkAccess`,
      EGRESS_VALUES,
      AZURE_DEFAULTS.egressPublicNetworkAccess,
    ),
    requestSettings: {
      requestTimeoutMs: durationField(reader.child(requestSettings, "requestTimeout"), `${requestPath}.requestTimeout`, AZURE_DEFAULTS.requestTimeoutMs),
      maxQueueWaitMs: durationField(reader.child(requestSettings, "maxQueueWait"), `${requestPath}.maxQueueWait`, AZURE_DEFAULTS.maxQueueWaitMs),
      maxConcurrentRequestsPerInstance: integerField(
        reader.child(requestSettings, "maxConcurrentRequestsPerInstance"),
        `${requestPath}.maxConcurrentRequestsPerInstance`,
        AZURE_DEFAULTS.maxConcurrentRequestsPerInstance,
      ),
    },
    probes: {
      liveness: readProbe(reader, "liveness", reader.child(body, "livenessProbe"), `${bodyPath}.livenessProbe`),
      readiness: readProbe(reader, "readiness", reader.child(body, "readinessProbe"), `${bodyPath}.readinessProbe`),
      startup: readProbe(reader, "startup", reader.child(body, "startupProbe"), `${bodyPath}.startupProbe`),
    },
    scaleSettings: scale,
    ...readContainerResources(reader, resources, resourcesPath),
    locate: input.locate,
  };
}

/** Looks up children through the source's access, carrying "unknown" and "not an object" down the tree. */
class BodyReader {
  constructor(private readonly access: PropertyAccess) {}

  child(parent: Lookup, key: string): Lookup {
    if (parent.kind !== "present") {
      return parent;
    }
    if (!isPlainObject(parent.value)) {
      return { kind: "unreadable", reason: "cannot be read because its parent is not an object" };
    }
    return this.access.get(parent.value, key);
  }
}

function readProbe(reader: BodyReader, kind: ProbeKind, probe: Lookup, path: string): Probe {
  // A declared probe takes Azure's ProbeSettings defaults for the fields it omits, the startup probe included.
  const defaults = probeDefaults(kind, probe.kind === "present");
  let declared: Field<boolean>;
  if (probe.kind === "absent") {
    declared = unsetField(path, false);
  } else if (probe.kind === "unknown") {
    declared = unknownField(path);
  } else if (probe.kind === "unreadable") {
    declared = invalidField(path, undefined, probe.reason);
  } else {
    declared = isPlainObject(probe.value) ? setField(path, true) : invalidField(path, probe.value, "must be an object of probe settings");
  }

  return {
    kind,
    declared,
    failureThreshold: integerField(reader.child(probe, "failureThreshold"), `${path}.failureThreshold`, defaults?.failureThreshold),
    successThreshold: integerField(reader.child(probe, "successThreshold"), `${path}.successThreshold`, defaults?.successThreshold),
    initialDelayMs: durationField(reader.child(probe, "initialDelay"), `${path}.initialDelay`, defaults?.initialDelayMs),
    periodMs: durationField(reader.child(probe, "period"), `${path}.period`, defaults?.periodMs),
    timeoutMs: durationField(reader.child(probe, "timeout"), `${path}.timeout`, defaults?.timeoutMs),
  };
}

function readScaleSettings(reader: BodyReader, scale: Lookup, path: string, computeType: ComputeType | undefined): ScaleSettings {
  const defaultType = computeType === undefined ? undefined : defaultScaleType(computeType);
  const scaleType = enumField(reader.child(scale, "scaleType"), `${path}.scaleType`, SCALE_TYPES, defaultType);
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
    minInstances: integerField(reader.child(scale, "minInstances"), `${path}.minInstances`, defaults?.minInstances),
    maxInstances: integerField(reader.child(scale, "maxInstances"), `${path}.maxInstances`, defaults?.maxInstances),
    targetUtilizationPercentage: integerField(
      reader.child(scale, "targetUtilizationPercentage"),
      `${path}.targetUtilizationPercentage`,
      defaults?.targetUtilizationPercentage,
    ),
    pollingIntervalMs: durationField(reader.child(scale, "pollingInterval"), `${path}.pollingInterval`, defaults?.pollingIntervalMs),
  };
}

function readContainerResources(
  reader: BodyReader,
  resources: Lookup,
  path: string,
): { containerRequests: ContainerResources; containerLimits: ContainerResources } {
  const requests = reader.child(resources, "containerResourceRequests");
  const limits = reader.child(resources, "containerResourceLimits");
  const requestsPath = `${path}.containerResourceRequests`;
  const limitsPath = `${path}.containerResourceLimits`;

  // api-version 2021-03-01-preview used flat numbers: cpu, cpuLimit, memoryInGB, memoryInGBLimit.
  const legacy = ["cpu", "cpuLimit", "memoryInGB", "memoryInGBLimit"].some((key) => reader.child(resources, key).kind !== "absent");
  if (legacy) {
    return {
      containerRequests: {
        cpuCores: quantityField(reader.child(resources, "cpu"), `${path}.cpu`),
        memoryBytes: gigabytesToBytes(quantityField(reader.child(resources, "memoryInGB"), `${path}.memoryInGB`)),
        gpuCount: quantityField(reader.child(resources, "gpu"), `${path}.gpu`),
      },
      containerLimits: {
        cpuCores: quantityField(reader.child(resources, "cpuLimit"), `${path}.cpuLimit`),
        memoryBytes: gigabytesToBytes(quantityField(reader.child(resources, "memoryInGBLimit"), `${path}.memoryInGBLimit`)),
        gpuCount: unsetField<number>(`${path}.gpuLimit`, undefined),
      },
    };
  }

  return {
    containerRequests: {
      cpuCores: quantityField(reader.child(requests, "cpu"), `${requestsPath}.cpu`),
      memoryBytes: quantityField(reader.child(requests, "memory"), `${requestsPath}.memory`),
      gpuCount: quantityField(reader.child(requests, "gpu"), `${requestsPath}.gpu`),
    },
    containerLimits: {
      cpuCores: quantityField(reader.child(limits, "cpu"), `${limitsPath}.cpu`),
      memoryBytes: quantityField(reader.child(limits, "memory"), `${limitsPath}.memory`),
      gpuCount: quantityField(reader.child(limits, "gpu"), `${limitsPath}.gpu`),
    },
  };
}

function gigabytesToBytes(field: Field<number>): Field<number> {
  return field.state === "set" ? setField(field.path, field.value * 1e9) : field;
}

