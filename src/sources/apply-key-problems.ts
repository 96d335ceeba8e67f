import type { ContainerResources, OnlineDeployment, Probe } from "../model/deployment";
import { type Field, invalidKeyField } from "../model/field";
import type { KeyProblem } from "./key-check";

/**
 * Returns the deployment with each field that a key problem targets made invalid: a field whose path is a
 * target, or lies under one. The first problem that targets a field names it.
 */
export function applyKeyProblems(deployment: OnlineDeployment, problems: readonly KeyProblem[]): OnlineDeployment {
  if (problems.length === 0) {
    return deployment;
  }
  const replace = <T>(field: Field<T>): Field<T> => {
    const problem = problems.find((candidate) => candidate.targets.some((target) => field.path === target || field.path.startsWith(`${target}.`)));
    return problem === undefined ? field : invalidKeyField(problem.keyPath, problem.value, problem.reason);
  };

  return {
    ...deployment,
    computeType: replace(deployment.computeType),
    instanceType: replace(deployment.instanceType),
    instanceCount: replace(deployment.instanceCount),
    egressPublicNetworkAccess: replace(deployment.egressPublicNetworkAccess),
    requestSettings: {
      requestTimeoutMs: replace(deployment.requestSettings.requestTimeoutMs),
      maxQueueWaitMs: replace(deployment.requestSettings.maxQueueWaitMs),
      maxConcurrentRequestsPerInstance: replace(deployment.requestSettings.maxConcurrentRequestsPerInstance),
    },
    probes: {
      liveness: replaceProbeFields(deployment.probes.liveness, replace),
      readiness: replaceProbeFields(deployment.probes.readiness, replace),
      startup: replaceProbeFields(deployment.probes.startup, replace),
    },
    scaleSettings: {
      scaleType: replace(deployment.scaleSettings.scaleType),
      minInstances: replace(deployment.scaleSettings.minInstances),
      maxInstances: replace(deployment.scaleSettings.maxInstances),
      targetUtilizationPercentage: replace(deployment.scaleSettings.targetUtilizationPercentage),
      pollingIntervalMs: replace(deployment.scaleSettings.pollingIntervalMs),
    },
    containerRequests: replaceResourceFields(deployment.containerRequests, replace),
    containerLimits: replaceResourceFields(deployment.containerLimits, replace),
  };
}

type Replace = <T>(field: Field<T>) => Field<T>;

function replaceProbeFields(probe: Probe, replace: Replace): Probe {
  return {
    kind: probe.kind,
    declared: replace(probe.declared),
    failureThreshold: replace(probe.failureThreshold),
    successThreshold: replace(probe.successThreshold),
    initialDelayMs: replace(probe.initialDelayMs),
    periodMs: replace(probe.periodMs),
    timeoutMs: replace(probe.timeoutMs),
  };
}

function replaceResourceFields(resources: ContainerResources, replace: Replace): ContainerResources {
  return { cpuCores: replace(resources.cpuCores), memoryBytes: replace(resources.memoryBytes), gpuCount: replace(resources.gpuCount) };
}
