/**
 * Calls the SDK's `notApplicable`, which throws an error that @pulumi/policy 1.21.0 catches in `server.js` and
 * turns into a "not applicable" entry from its reason alone. Most rules do not judge one of the two compute
 * types, so an Analyze request throws about a third of its policies out this way, and capturing a stack trace
 * for each of them was a measurable part of the request. The error is created without one.
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
