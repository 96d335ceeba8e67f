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
  const names = match.slice(1).map(decodeSegment);
  if (names.some((name) => name === undefined)) {
    return undefined;
  }
  const [subscriptionId, resourceGroupName, workspaceName, endpointName, deploymentName] = names as string[];
  return { subscriptionId, resourceGroupName, workspaceName, endpointName, deploymentName };
}

/**
 * Decodes the percent-escapes of one id segment, or returns undefined when an escape is malformed or the segment
 * would decode to a slash, which would make it two segments and point the id at another resource.
 */
function decodeSegment(segment: string): string | undefined {
  const decoded = decodeEscapes(segment);
  return decoded?.includes("/") === true ? undefined : decoded;
}

/** Decodes percent-escapes, or returns undefined when one is malformed. */
function decodeEscapes(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
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
  return id.split("/").map(canonicalSegment).join("/").toLowerCase();
}

/**
 * Spells a segment's escapes the one way encodeURIComponent does, so the spellings of one name give one text and
 * different names never do. A segment with a malformed escape is kept as written, which no canonical text contains.
 */
function canonicalSegment(segment: string): string {
  const decoded = decodeEscapes(segment);
  return decoded === undefined ? segment : encodeURIComponent(decoded);
}
