/**
 * Calls the SDK's `notApplicable`, which throws an error that @pulumi/policy 1.21.0 catches in `server.js` and
 * turns into a "not applicable" entry from its reason alone. Every policy of a request ends this way on a
 * deployment amlguard cannot read, and on other types and compute types when the type filter is not installed.
 * Capturing a stack trace for each was a measurable part of the request, so the error is created without one.
 */
export function stopAsNotApplicable(args: { notApplicable(reason?: string): never }, reason: string): never {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return args.notApplicable(reason);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}
