import type { KeyMatching, KeySchema } from "./key-check";

/**
 * The keys of Azure ML CLI v2 deployment YAML, as the marshmallow schemas of azure-ai-ml define them
 * (`azure/ai/ml/_schema/_deployment`: DeploymentSchema, OnlineDeploymentSchema, ManagedOnlineDeploymentSchema,
 * KubernetesOnlineDeploymentSchema, RequestSettingsSchema, LivenessProbeSchema, the two scale settings schemas,
 * ResourceRequirementsSchema and ResourceSettingsSchema). azure-ai-ml's PathAwareSchema documents that loading
 * raises an error for a key the schemas do not define, to catch typos.
 */

export const CLI_MATCHING: KeyMatching = { style: "loose", schemaName: "the Azure ML CLI deployment schema" };

const REQUEST_SETTINGS: KeySchema = {
  judged: { request_timeout_ms: null, max_queue_wait_ms: null, max_concurrent_requests_per_instance: null },
  misspellings: { request_timeout_ms: ["requestTimeout"], max_queue_wait_ms: ["maxQueueWait"] },
  closed: true,
};

const PROBE: KeySchema = {
  judged: { period: null, initial_delay: null, timeout: null, success_threshold: null, failure_threshold: null },
  closed: true,
};

// The CLI converts `nvidia.com/gpu`, the Kubernetes spelling, to `gpu` before it validates the keys.
const RESOURCE_SETTINGS: KeySchema = {
  judged: { cpu: null, memory: null, gpu: null, "nvidia.com/gpu": null },
  sameField: { gpu: ["nvidia.com/gpu"], "nvidia.com/gpu": ["gpu"] },
  closed: true,
};

/** A deployment file: `az ml online-deployment create -f`. */
export const CLI_DEPLOYMENT_KEYS: KeySchema = {
  judged: {
    type: null,
    instance_type: null,
    instance_count: null,
    egress_public_network_access: null,
    request_settings: REQUEST_SETTINGS,
    liveness_probe: PROBE,
    readiness_probe: PROBE,
    // NOTE: the CLI schemas define no startup_probe; amlguard reads one as it reads the other probes.
    startup_probe: PROBE,
    scale_settings: {
      judged: { type: null, min_instances: null, max_instances: null, polling_interval: null, target_utilization_percentage: null },
      // `scale_type` is the 2021 preview spelling.
      misspellings: { type: ["scaleType", "scale_type"] },
      closed: true,
    },
    resources: {
      judged: { requests: RESOURCE_SETTINGS, limits: RESOURCE_SETTINGS },
      misspellings: { requests: ["containerResourceRequests"], limits: ["containerResourceLimits"] },
      closed: true,
    },
  },
  misspellings: { type: ["endpointComputeType"], instance_count: ["capacity"], resources: ["containerResourceRequirements"] },
  others: [
    "$schema",
    "name",
    "endpoint_name",
    "description",
    "id",
    "tags",
    "properties",
    "model",
    "code_configuration",
    "environment",
    "environment_variables",
    "app_insights_enabled",
    "provisioning_state",
    "model_mount_path",
    "data_collector",
    "private_network_connection",
    "creation_context",
  ],
};

/** An inline deployment of a 2021 preview endpoint file, as the CLI's 2021 JSON schemas define it. */
export const PREVIEW_DEPLOYMENT_KEYS: KeySchema = {
  judged: {
    instance_type: null,
    request_settings: REQUEST_SETTINGS,
    liveness_probe: PROBE,
    readiness_probe: PROBE,
    startup_probe: PROBE,
    scale_settings: {
      judged: { scale_type: null, instance_count: null, min_instances: null, max_instances: null, polling_interval: null, target_utilization_percentage: null },
      misspellings: { scale_type: ["type", "scaleType"] },
      closed: true,
    },
    resource_requirements: {
      judged: { cpu: null, cpu_cores_limit: null, memory_in_gb: null, memory_in_gb_limit: null, gpu: null },
      closed: true,
    },
  },
  others: ["$schema", "name", "description", "id", "tags", "properties", "type", "model", "code_configuration", "environment", "environment_variables", "app_insights_enabled", "provisioning_state"],
};
