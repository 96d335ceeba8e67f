/** The names in an online deployment's ARM id. */
export interface DeploymentIdParts {
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  readonly workspaceName: string;
  readonly endpointName: string;
  readonly deploymentName: string;
}

// ARM treats ids case-insensitively, so the segment names match in any case.
const DEPLOYMENT_ID_PATTERN =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/onlineEndpoints\/([^/]+)\/deployments\/([^/]+)\/?$/i;

/** Parses an online deployment's ARM id, or returns undefined when `id` is not one. */
export function parseDeploymentId(id: string): DeploymentIdParts | undefined {
  const match = DEPLOYMENT_ID_PATTERN.exec(id);
  if (match === null) {
    return undefined;
  }
  const [, subscriptionId, resourceGroupName, workspaceName, endpointName, deploymentName] = match.map((part) => decodeURIComponent(part));
  return { subscriptionId, resourceGroupName, workspaceName, endpointName, deploymentName };
}

/** Builds the ARM id of an online deployment from its names. */
export function formatDeploymentId(parts: DeploymentIdParts): string {
  return (
    `/subscriptions/${parts.subscriptionId}/resourceGroups/${parts.resourceGroupName}` +
    `/providers/Microsoft.MachineLearningServices/workspaces/${parts.workspaceName}` +
    `/onlineEndpoints/${parts.endpointName}/deployments/${parts.deploymentName}`
  );
}
