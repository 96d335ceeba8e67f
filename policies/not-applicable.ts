/**
 * Calls the SDK's `notApplicable`, which throws an error that @pulumi/policy 1.21.0 catches in `server.js` and
 * turns into a "not applicable" entry from its reason alone. Each rule judges only some compute types, so many
 * policies of a request end this way. Capturing a stack trace for each was a measurable part of the request, so
 * the error is created without one.
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
