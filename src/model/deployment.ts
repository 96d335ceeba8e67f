import type { Field } from "./field";

export type ComputeType = "Managed" | "Kubernetes";
export type EgressPublicNetworkAccess = "Enabled" | "Disabled";
export type ScaleType = "Default" | "TargetUtilization";
export type ProbeKind = "liveness" | "readiness" | "startup";
export type ManagedNetworkIsolationMode = "Disabled" | "AllowInternetOutbound" | "AllowOnlyApprovedOutbound";

/** Kind of input a deployment was read from. */
export type SourceKind = "arm" | "pulumi" | "cli-yaml" | "arm-template";

/** Names a deployment in every report: its ARM id or Pulumi URN, its name, and its parents' names. */
export interface ResourceRef {
  /** ARM resource id, when the source has one. */
  readonly id?: string;
  /** Pulumi URN, for preview and stack resources. */
  readonly urn?: string;
  readonly name: string;
  readonly endpointName?: string;
  readonly workspaceName?: string;
  readonly resourceGroupName?: string;
  readonly subscriptionId?: string;
  readonly source: SourceKind;
  /** File the deployment was read from, relative to the working directory as the user named it. */
  readonly file?: string;
  /** Pulumi type token or ARM resource type as the source spelled it. */
  readonly type?: string;
}

/** A 1-based line and column in a source file. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** Finds where a property path is spelled in the source file, when the source is a file. */
export type Locator = (path: string) => SourcePosition | undefined;

export interface RequestSettings {
  readonly requestTimeoutMs: Field<number>;
  readonly maxQueueWaitMs: Field<number>;
  readonly maxConcurrentRequestsPerInstance: Field<number>;
}

/** One probe. `declared` is set to true when the source configures the probe at all. */
export interface Probe {
  readonly kind: ProbeKind;
  readonly declared: Field<boolean>;
  readonly failureThreshold: Field<number>;
  readonly successThreshold: Field<number>;
  readonly initialDelayMs: Field<number>;
  readonly periodMs: Field<number>;
  readonly timeoutMs: Field<number>;
}

export interface ScaleSettings {
  readonly scaleType: Field<ScaleType>;
  readonly minInstances: Field<number>;
  readonly maxInstances: Field<number>;
  readonly targetUtilizationPercentage: Field<number>;
  readonly pollingIntervalMs: Field<number>;
}

/** Kubernetes container resources in base units: cores, bytes and GPU devices. */
export interface ContainerResources {
  readonly cpuCores: Field<number>;
  readonly memoryBytes: Field<number>;
  readonly gpuCount: Field<number>;
}

/** One profile of an Azure Monitor autoscale setting that targets the deployment. */
export interface AutoscaleProfile {
  /** ARM id or Pulumi URN of the autoscale setting. */
  readonly settingId: string;
  readonly profileName: string;
  readonly minimum: Field<number>;
  readonly maximum: Field<number>;
  readonly default: Field<number>;
}

/**
 * Facts from related resources. Only sources that see those resources fill them: the audit reads the workspace
 * and autoscale settings from ARM, and the pack's stack policies read them from the stack.
 */
export interface RelatedResources {
  /** `managedNetwork.isolationMode` of the deployment's workspace. */
  readonly workspaceIsolationMode?: Field<ManagedNetworkIsolationMode>;
  /** Profiles of `Microsoft.Insights/autoscalesettings` whose targetResourceUri is the deployment. */
  readonly autoscaleProfiles?: readonly AutoscaleProfile[];
}

/**
 * One Azure ML online deployment, normalized from any source. Fields carry Azure's default when unset, so
 * rules judge the effective value. Free-text fields (environment variables, code configuration, model URIs)
 * are deliberately absent: no rule reads them, so no report can echo a secret they hold.
 */
export interface OnlineDeployment {
  readonly ref: ResourceRef;
  readonly computeType: Field<ComputeType>;
  readonly instanceType: Field<string>;
  /** `sku.capacity`: the instance count of a Managed deployment. */
  readonly instanceCount: Field<number>;
  readonly egressPublicNetworkAccess: Field<EgressPublicNetworkAccess>;
  readonly requestSettings: RequestSettings;
  readonly probes: Readonly<Record<ProbeKind, Probe>>;
  readonly scaleSettings: ScaleSettings;
  readonly containerRequests: ContainerResources;
  readonly containerLimits: ContainerResources;
  readonly related?: RelatedResources;
  readonly locate?: Locator;
}
