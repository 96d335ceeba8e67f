/**
 * Reasons a listed scope or resource was not evaluated. Each reason is a fixed sentence, because reports count
 * not-evaluated resources by reason. The request id and status of each failure go to the log instead.
 */
export const NOT_EVALUATED_REASONS = {
  forbidden: "access denied (HTTP 403): the caller cannot read this scope, so its deployments were not listed",
  notFound: "not found (HTTP 404): the scope or resource does not exist, or was deleted while the audit ran",
  malformedBody: "malformed response: the body is not the JSON shape ARM documents",
  truncatedBody: "truncated response: the connection closed before the whole body arrived",
  serverError: "server error: ARM kept failing after every retry",
  throttled: "throttled: ARM kept answering 429 after every retry",
  retryAfterTooLong: "throttled: ARM asked to wait longer than the audit's Retry-After cap",
  timeout: "timed out: no complete response within the per-request timeout, after every retry",
  networkError: "network error: the request failed after every retry",
  foreignNextLink: "listing not followed: nextLink points to a host other than the ARM endpoint, so the token was not sent there",
  httpError: "request rejected: ARM returned an error status that is not retried",
  nextLinkCycle: "listing not followed to the end: nextLink returned to a page already read",
  tooManyPages: "listing not followed to the end: it has more pages than the audit's page cap",
  resultTruncated: "listing incomplete: Resource Graph truncated the query result, so some deployments were not returned",
  foreignId: "misplaced response: the body's id is not the resource that was listed or requested, so it was neither judged nor followed",
  scopeNotInGraph: "scope not found: Resource Graph returned no row for it, so it does not exist or the caller cannot read it",
} as const;

export type NotEvaluatedReason = (typeof NOT_EVALUATED_REASONS)[keyof typeof NOT_EVALUATED_REASONS];

/**
 * Returns the failure part of a reason, before its colon, such as "access denied (HTTP 403)", for a message about
 * a request whose failure did not keep a deployment from being listed. Every reason above has one.
 */
export function failureOf(reason: string): string {
  const colon = reason.indexOf(": ");
  return colon === -1 ? reason : reason.slice(0, colon);
}
