import type { ComputeType, EgressPublicNetworkAccess, ProbeKind, ScaleType } from "./deployment";

/**
 * Values Azure applies when a field is absent, from the OpenAPI definitions of api-version 2025-06-01
 * (`OnlineDeployment`, `OnlineRequestSettings`, `ProbeSettings`, `TargetUtilizationScaleSettings` in
 * Azure/azure-rest-api-specs `machinelearningservices/.../stable/2025-06-01/mfe.json`).
 */
export const AZURE_DEFAULTS = {
  egressPublicNetworkAccess: "Enabled" as EgressPublicNetworkAccess,
  instanceType: "Standard_F4s_v2",
  requestTimeoutMs: 5_000,
  maxQueueWaitMs: 500,
  maxConcurrentRequestsPerInstance: 1,
  probe: {
    failureThreshold: 30,
    successThreshold: 1,
    periodMs: 10_000,
    timeoutMs: 2_000,
    // The OpenAPI definition gives no default; the Azure ML CLI and Python SDK document 10 seconds.
    initialDelayMs: 10_000,
  },
  targetUtilization: {
    minInstances: 1,
    maxInstances: 1,
    targetUtilizationPercentage: 70,
    pollingIntervalMs: 1_000,
  },
} as const;

// A Kubernetes deployment without an instance type runs on the cluster's default instance type, not on the REST
// definition's VM size: Azure ML creates it under this name when it attaches the cluster (Azure ML docs, "Create
// and manage instance types").
// NOTE: a Kubernetes compute's properties.defaultInstanceType can name another default, which the deployment does not show.
const KUBERNETES_DEFAULT_INSTANCE_TYPE = "defaultinstancetype";

/** Returns the instance type Azure uses when the deployment names none, or undefined when the compute type is not known. */
export function defaultInstanceType(computeType: ComputeType | undefined): string | undefined {
  if (computeType === "Kubernetes") {
    return KUBERNETES_DEFAULT_INSTANCE_TYPE;
  }
  return computeType === "Managed" ? AZURE_DEFAULTS.instanceType : undefined;
}

/** Scale type Azure uses when `scaleSettings` is absent: TargetUtilization for Kubernetes, Default for Managed. */
export function defaultScaleType(computeType: ComputeType): ScaleType {
  return computeType === "Kubernetes" ? "TargetUtilization" : "Default";
}

/**
 * Returns whether Azure runs a probe with default settings when the source omits it. Azure ML applies default
 * liveness and readiness probes to every online deployment; a startup probe runs only when configured.
 */
export function probeRunsByDefault(kind: ProbeKind): boolean {
  return kind !== "startup";
}

/** Returns the probe settings Azure fills in: for a probe that runs by default, or for any probe the source declares. */
export function probeDefaults(kind: ProbeKind, declared: boolean): typeof AZURE_DEFAULTS.probe | undefined {
  return probeRunsByDefault(kind) || declared ? AZURE_DEFAULTS.probe : undefined;
}
