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

/**
 * Returns the form under which two spellings of one resource id compare equal: Resource Manager compares ids
 * without regard to case, and an `--id` may spell a segment percent-encoded (`blue%2D0000` for `blue-0000`).
 */
export function armIdKey(id: string): string {
  let decoded = id;
  try {
    decoded = decodeURIComponent(id);
  } catch {
    // A malformed escape is compared as written.
  }
  return decoded.toLowerCase();
}
