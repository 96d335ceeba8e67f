// Kept apart from arm-client.ts, so the CLI can name this error without loading @azure/core-rest-pipeline,
// which takes about 110 ms to load and only `amlguard audit` needs.

/** Raised when ARM rejects the token (HTTP 401): every later request would fail the same way, so the audit stops. */
export class ArmAuthenticationError extends Error {}
