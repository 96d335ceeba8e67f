import { CST, Lexer } from "yaml";
import { AZURE_DEFAULTS, defaultInstanceType, defaultScaleType, probeDefaults } from "../model/defaults";
import type {
  ComputeType,
  ContainerResources,
  EgressPublicNetworkAccess,
  OnlineDeployment,
  Probe,
  ProbeKind,
  ResourceRef,
  ScaleSettings,
  ScaleType,
} from "../model/deployment";
import { type Field, effectiveValue, invalidField, setField, unsetField } from "../model/field";
import { applyKeyProblems } from "./apply-key-problems";
import { CLI_DEPLOYMENT_KEYS, CLI_MATCHING, PREVIEW_DEPLOYMENT_KEYS } from "./cli-key-schema";
import { enumField, integerField, numericDurationField, quantityField, stringField } from "./field-readers";
import { findKeyProblems } from "./key-check";
import type { PositionedDocument } from "./locator";
import { type Lookup, createChildLookup, isPlainObject, plainAccess } from "./property-access";
import type { SourceItem } from "./source-item";

/**
 * Reads Azure ML CLI v2 deployment YAML (`az ml online-deployment create -f`), in the managedOnlineDeployment
 * and kubernetesOnlineDeployment schemas, and the 2021 preview endpoint YAML with inline `deployments:`.
 * Keys are snake_case. Request durations are milliseconds, while probe durations and `polling_interval` are
 * seconds; both are converted to milliseconds here.
 */

const MS = 1;
const SECONDS = 1_000;

// azure-ai-ml (OnlineDeployment._load, entities/_deployment/online_deployment.py) loads a deployment as
// Kubernetes only for `type: kubernetes`, and as Managed otherwise, whatever its $schema names.
const DEPLOYMENT_TYPES: Readonly<Record<string, ComputeType>> = { managed: "Managed", kubernetes: "Kubernetes" };
const EGRESS_VALUES: Readonly<Record<string, EgressPublicNetworkAccess>> = {
  enabled: "Enabled",
  disabled: "Disabled",
  Enabled: "Enabled",
  Disabled: "Disabled",
};
const SCALE_TYPES: Readonly<Record<string, ScaleType>> = { default: "Default", target_utilization: "TargetUtilization" };
// The 2021 preview spelled scale types `manual` and `auto`.
const PREVIEW_SCALE_TYPES: Readonly<Record<string, ScaleType>> = { manual: "Default", auto: "TargetUtilization" };

const child = createChildLookup(plainAccess, "a mapping");

// Python's int() of a string: whitespace around (ASCII \t\n\v\f\r and space, and the non-ASCII spaces, which
// differs from JavaScript's \s in U+0085 and U+FEFF), a sign, ASCII digits with single underscores between them.
// Python also takes digits of other scripts, which stay strings here and so are invalid, never judged at another value.
const PYTHON_SPACE = "[\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const PYTHON_INT_TEXT = new RegExp(`^${PYTHON_SPACE}*([+-]?[0-9]+(?:_[0-9]+)*)${PYTHON_SPACE}*$`);

/**
 * Looks up a key that azure-ai-ml declares as `fields.Int()`. marshmallow's Integer is not strict there, so it
 * converts a string with Python's int(): `request_timeout_ms: "30000"` deploys 30000. Such a string is read as
 * that number, and any other string stays a string, which the field reader rejects.
 * NOTE: marshmallow's conversion was not run here; the whitespace set was checked against Python 3's int().
 */
function integerChild(parent: Lookup, key: string): Lookup {
  const lookup = child(parent, key);
  const digits = lookup.kind === "present" && typeof lookup.value === "string" ? PYTHON_INT_TEXT.exec(lookup.value)?.[1] : undefined;
  return digits === undefined ? lookup : { kind: "present", value: Number(digits.replaceAll("_", "")) };
}

const PLACEHOLDER_PATTERN = /\{\{\s*[\w.-]+\s*\}\}/g;
const LEXER_CONTROL_CHARACTERS = /[\u0000-\u0008\u000e-\u001f]/g;

/**
 * Returns the `{{NAME}}` placeholders a templated file contains outside YAML comments, each once, in order of
 * appearance. A comment that mentions a placeholder, such as a note on how to fill in the file, leaves the
 * values readable.
 */
export function findPlaceholders(text: string): string[] {
  // A templated file may not parse, but the YAML lexer still splits it into tokens and marks the comments, also
  // next to block scalars and quoted values. Its control tokens (U+0002, U+001F) are dropped, so that `{{NAME}}`,
  // which it reads as two flow-map starts around a scalar, reads as text again.
  const code = [...new Lexer().lex(text)]
    .filter((token) => CST.tokenType(token) !== "comment")
    .join("")
    .replace(LEXER_CONTROL_CHARACTERS, "");
  return [...new Set(code.match(PLACEHOLDER_PATTERN) ?? [])];
}

/** Returns whether a parsed document looks like CLI YAML: a deployment, or an endpoint with inline deployments. */
export function isCliYaml(value: unknown): boolean {
  if (!isPlainObject(value)) {
    return false;
  }
  const schema = typeof value.$schema === "string" ? value.$schema : "";
  if (/azureml|OnlineDeployment|OnlineEndpoint/i.test(schema) && !/deploymentTemplate|deploymentParameters/i.test(schema)) {
    return true;
  }
  return ["endpoint_name", "instance_type", "instance_count", "request_settings", "liveness_probe", "scale_settings", "egress_public_network_access"].some(
    (key) => key in value,
  ) || (Array.isArray(value.deployments) && ("traffic" in value || "auth_mode" in value));
}

/** Returns the not-evaluated item of a templated file, naming its placeholders, because its values are not known. */
export function placeholderItem(placeholders: readonly string[], file: string | undefined): SourceItem {
  const shown = placeholders.slice(0, 3).join(", ") + (placeholders.length > 3 ? `, and ${placeholders.length - 3} more` : "");
  return {
    kind: "not-evaluated",
    ref: { name: file ?? "input", source: "cli-yaml", ...(file === undefined ? {} : { file }) },
    reason: `is a template with placeholders (${shown}) that a script fills in, so its values are not known; check the rendered file instead`,
  };
}

/** Reads the deployments of a CLI YAML document. */
export function readDeploymentYaml(document: PositionedDocument, file?: string): SourceItem[] {
  const root = document.value;
  if (!isPlainObject(root)) {
    return [{ kind: "not-evaluated", ref: { name: file ?? "input", source: "cli-yaml", ...(file === undefined ? {} : { file }) }, reason: "is not a YAML mapping" }];
  }

  if (Array.isArray(root.deployments)) {
    const computeType = previewComputeType(root);
    const endpointName = typeof root.name === "string" ? root.name : undefined;
    return root.deployments.map((entry, index) => {
      const name = isPlainObject(entry) && typeof entry.name === "string" ? entry.name : `deployments[${index}]`;
      const ref = yamlRef(name, endpointName, file);
      if (!isPlainObject(entry)) {
        return { kind: "not-evaluated", ref, reason: `deployments[${index}] is not a mapping` };
      }
      return { kind: "deployment", deployment: readPreviewDeployment(entry, ref, computeType, document.locatorAt(["deployments", index])) };
    });
  }

  // An endpoint specification (managedOnlineEndpoint.schema.json) without a deployments list describes no
  // deployment, and the file is reported as containing none.
  const schema = typeof root.$schema === "string" ? root.$schema : "";
  if (/OnlineEndpoint\.schema/i.test(schema)) {
    return [];
  }

  const name = typeof root.name === "string" ? root.name : (file ?? "input");
  const endpointName = typeof root.endpoint_name === "string" ? root.endpoint_name : undefined;
  return [{ kind: "deployment", deployment: readV2Deployment(root, yamlRef(name, endpointName, file), document.locatorAt([])) }];
}

function yamlRef(name: string, endpointName: string | undefined, file: string | undefined): ResourceRef {
  return { name, ...(endpointName === undefined ? {} : { endpointName }), source: "cli-yaml", ...(file === undefined ? {} : { file }) };
}

function readV2Deployment(root: Record<string, unknown>, ref: ResourceRef, locate: OnlineDeployment["locate"]): OnlineDeployment {
  const computeType = v2ComputeType(root);
  const known = computeType.state === "set" ? computeType.value : undefined;
  const top: Lookup = { kind: "present", value: root };
  const request = child(top, "request_settings");
  const resources = child(top, "resources");

  const deployment: OnlineDeployment = {
    ref,
    computeType,
    instanceType: stringField(child(top, "instance_type"), "instance_type", defaultInstanceType(known)),
    // NOTE: the CLI requires instance_count; when a file omits it, one instance is judged, as for ARM.
    instanceCount: integerField(integerChild(top, "instance_count"), "instance_count", 1),
    egressPublicNetworkAccess: enumField(child(top, "egress_public_network_access"), "egress_public_network_access", EGRESS_VALUES, AZURE_DEFAULTS.egressPublicNetworkAccess),
    requestSettings: readRequestSettings(request),
    probes: {
      liveness: readProbe("liveness", child(top, "liveness_probe"), "liveness_probe"),
      readiness: readProbe("readiness", child(top, "readiness_probe"), "readiness_probe"),
      startup: readProbe("startup", child(top, "startup_probe"), "startup_probe"),
    },
    scaleSettings: readScaleSettings(child(top, "scale_settings"), "scale_settings", "type", SCALE_TYPES, known),
    containerRequests: readContainerResources(child(resources, "requests"), "resources.requests"),
    containerLimits: readContainerResources(child(resources, "limits"), "resources.limits"),
    locate,
  };
  return applyKeyProblems(deployment, findKeyProblems(top, CLI_DEPLOYMENT_KEYS, plainAccess, CLI_MATCHING));
}

function readPreviewDeployment(entry: Record<string, unknown>, ref: ResourceRef, computeType: ComputeType, locate: OnlineDeployment["locate"]): OnlineDeployment {
  const top: Lookup = { kind: "present", value: entry };
  const scale = child(top, "scale_settings");
  const requirements = child(top, "resource_requirements");

  const deployment: OnlineDeployment = {
    ref,
    computeType: setField("$schema", computeType),
    instanceType: stringField(child(top, "instance_type"), "instance_type", defaultInstanceType(computeType)),
    instanceCount: integerField(integerChild(scale, "instance_count"), "scale_settings.instance_count", 1),
    egressPublicNetworkAccess: unsetField("egress_public_network_access", AZURE_DEFAULTS.egressPublicNetworkAccess),
    requestSettings: readRequestSettings(child(top, "request_settings")),
    probes: {
      liveness: readProbe("liveness", child(top, "liveness_probe"), "liveness_probe"),
      readiness: readProbe("readiness", child(top, "readiness_probe"), "readiness_probe"),
      startup: readProbe("startup", child(top, "startup_probe"), "startup_probe"),
    },
    scaleSettings: readScaleSettings(scale, "scale_settings", "scale_type", PREVIEW_SCALE_TYPES, computeType),
    containerRequests: {
      cpuCores: quantityField(child(requirements, "cpu"), "resource_requirements.cpu"),
      memoryBytes: gigabytesToBytes(quantityField(child(requirements, "memory_in_gb"), "resource_requirements.memory_in_gb")),
      gpuCount: quantityField(child(requirements, "gpu"), "resource_requirements.gpu"),
    },
    containerLimits: {
      cpuCores: quantityField(child(requirements, "cpu_cores_limit"), "resource_requirements.cpu_cores_limit"),
      memoryBytes: gigabytesToBytes(quantityField(child(requirements, "memory_in_gb_limit"), "resource_requirements.memory_in_gb_limit")),
      // The 2021 schema has no GPU limit.
      gpuCount: unsetField<number>("resource_requirements.gpu", undefined),
    },
    locate,
  };
  return applyKeyProblems(deployment, findKeyProblems(top, PREVIEW_DEPLOYMENT_KEYS, plainAccess, CLI_MATCHING));
}

function v2ComputeType(root: Record<string, unknown>): Field<ComputeType> {
  const type = plainAccess.get(root, "type");
  if (type.kind === "present") {
    return enumField(type, "type", DEPLOYMENT_TYPES, undefined);
  }
  // The CLI would deploy such a file as Managed and drop its Kubernetes keys, which the author did not mean.
  if (typeof root.$schema === "string" && /kubernetesOnlineDeployment/i.test(root.$schema)) {
    return invalidField(
      "type",
      undefined,
      "is missing, and $schema names the Kubernetes deployment schema, while the Azure ML CLI deploys a file without type: kubernetes as Managed",
      "Add type: kubernetes, or type: managed for a Managed deployment",
    );
  }
  return setField("type", "Managed");
}

/** Returns Kubernetes for a preview endpoint whose `$schema` is the k8s one or that names a `target` compute, else Managed. */
function previewComputeType(root: Record<string, unknown>): ComputeType {
  const schema = typeof root.$schema === "string" ? root.$schema : "";
  if (/k8sOnlineEndpoint|kubernetesOnlineEndpoint/i.test(schema) || "target" in root || "compute" in root) {
    return "Kubernetes";
  }
  return "Managed";
}

function readRequestSettings(request: Lookup): OnlineDeployment["requestSettings"] {
  return {
    requestTimeoutMs: numericDurationField(integerChild(request, "request_timeout_ms"), "request_settings.request_timeout_ms", MS, AZURE_DEFAULTS.requestTimeoutMs),
    maxQueueWaitMs: numericDurationField(integerChild(request, "max_queue_wait_ms"), "request_settings.max_queue_wait_ms", MS, AZURE_DEFAULTS.maxQueueWaitMs),
    maxConcurrentRequestsPerInstance: integerField(
      integerChild(request, "max_concurrent_requests_per_instance"),
      "request_settings.max_concurrent_requests_per_instance",
      AZURE_DEFAULTS.maxConcurrentRequestsPerInstance,
    ),
  };
}

function readProbe(kind: ProbeKind, probe: Lookup, path: string): Probe {
  const defaults = probeDefaults(kind, probe.kind === "present");
  let declared: Field<boolean>;
  if (probe.kind === "present") {
    declared = isPlainObject(probe.value) ? setField(path, true) : invalidField(path, probe.value, "must be a mapping of probe settings");
  } else {
    declared = unsetField(path, false);
  }

  return {
    kind,
    declared,
    failureThreshold: integerField(integerChild(probe, "failure_threshold"), `${path}.failure_threshold`, defaults?.failureThreshold),
    successThreshold: integerField(integerChild(probe, "success_threshold"), `${path}.success_threshold`, defaults?.successThreshold),
    initialDelayMs: numericDurationField(integerChild(probe, "initial_delay"), `${path}.initial_delay`, SECONDS, defaults?.initialDelayMs),
    periodMs: numericDurationField(integerChild(probe, "period"), `${path}.period`, SECONDS, defaults?.periodMs),
    timeoutMs: numericDurationField(integerChild(probe, "timeout"), `${path}.timeout`, SECONDS, defaults?.timeoutMs),
  };
}

function readScaleSettings(
  scale: Lookup,
  path: string,
  typeKey: string,
  accepted: Readonly<Record<string, ScaleType>>,
  computeType: ComputeType | undefined,
): ScaleSettings {
  const scaleType = enumField(child(scale, typeKey), `${path}.${typeKey}`, accepted, computeType === undefined ? undefined : defaultScaleType(computeType));
  // TargetUtilization defaults apply only when the effective scale type is TargetUtilization.
  const defaults = effectiveValue(scaleType)?.value === "TargetUtilization" ? AZURE_DEFAULTS.targetUtilization : undefined;

  return {
    scaleType,
    minInstances: integerField(integerChild(scale, "min_instances"), `${path}.min_instances`, defaults?.minInstances),
    maxInstances: integerField(integerChild(scale, "max_instances"), `${path}.max_instances`, defaults?.maxInstances),
    targetUtilizationPercentage: integerField(
      integerChild(scale, "target_utilization_percentage"),
      `${path}.target_utilization_percentage`,
      defaults?.targetUtilizationPercentage,
    ),
    pollingIntervalMs: numericDurationField(integerChild(scale, "polling_interval"), `${path}.polling_interval`, SECONDS, defaults?.pollingIntervalMs),
  };
}

function readContainerResources(resources: Lookup, path: string): ContainerResources {
  return {
    cpuCores: quantityField(child(resources, "cpu"), `${path}.cpu`),
    memoryBytes: quantityField(child(resources, "memory"), `${path}.memory`),
    gpuCount: readGpuCount(resources, path),
  };
}

/**
 * Reads the GPU count, which the CLI takes as `gpu` or as the Kubernetes name `nvidia.com/gpu`. Given both, the
 * file states two counts, and which one the CLI keeps depends on the key order, so neither is judged.
 */
function readGpuCount(resources: Lookup, path: string): Field<number> {
  const gpu = child(resources, "gpu");
  const kubernetesGpu = child(resources, "nvidia.com/gpu");
  if (gpu.kind === "present" && kubernetesGpu.kind === "present") {
    return invalidField(`${path}.gpu`, undefined, "is given twice, as gpu and as nvidia.com/gpu; keep one of them");
  }
  return gpu.kind === "present" ? quantityField(gpu, `${path}.gpu`) : quantityField(kubernetesGpu, `${path}.nvidia.com/gpu`);
}

function gigabytesToBytes(field: Field<number>): Field<number> {
  return field.state === "set" ? setField(field.path, field.value * 1e9) : field;
}
