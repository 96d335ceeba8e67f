import { ONLINE_DEPLOYMENT_TYPE, isOnlineDeploymentType } from "../src/sources/pulumi-types";

/**
 * Lets @pulumi/policy skip a policy of amlguard without calling it: on resources that are not OnlineDeployments,
 * and on deployments of a compute type the policy's rule does not judge.
 *
 * Before it calls an enabled resource policy whose validator is a single function, @pulumi/policy 1.21.0
 * (`server.js`) reads the validator's `__pulumiType`, and Remediate reads the remediation's the same way.
 * When that is a string other than the request's type, the SDK adds a not-applicable entry whose reason names
 * that string, and moves on. A policy that reports not applicable itself throws an error instead, which the SDK
 * catches. That path cost about as much as judging the resource: each of the 19 policies took it on every
 * other resource of a stack, and one policy took it on most deployments. So `__pulumiType` is set per request:
 * - on a request whose type is not an OnlineDeployment token, to the default token;
 * - on a deployment, to what the policy's `narrow` function returns, a string that names the deployments the
 *   policy judges, or undefined, and then the SDK calls the policy, which checks the type again itself.
 *
 * Two hooks set it. The SDK's Analyze and Remediate handlers call the generated `AnalyzeRequest.getType` and
 * then, in the same synchronous step, start a `for…of` loop over the pack's policies array. Each turn of that
 * loop reads `__pulumiType` before the handler awaits. A wrapper around `getType` notes the request. The
 * array's own iterator takes it when the loop starts, and at each step sets the filter of the policy it is
 * about to return. Requests may interleave at the handler's awaits, but each step sets the filter for its own
 * request just before the SDK reads it.
 *
 * An AsyncLocalStorage carried the request before. On Node.js 20 it makes the process track every promise, which
 * cost about 8 µs of the handler's p50 on a deployment (bench/method.md).
 */

/** The request an Analyze or Remediate handler of the SDK is working on. */
export interface HandledRequest {
  readonly type: string;
  readonly message: AnalyzeRequestMessage;
}

/** The fields of the generated `AnalyzeRequest` that amlguard reads before the SDK calls a policy. */
export interface AnalyzeRequestMessage {
  getName(): string;
  getUrn(): string;
  getProperties(): object | undefined;
}

// The request whose getType was called last, until a policy loop takes it or the synchronous step ends.
let started: HandledRequest | undefined;
let installed = false;

/** Wraps the getter once. Returns false when the generated code no longer has the expected shape. */
export function installTypeFilter(): boolean {
  if (installed) {
    return true;
  }
  const analyzer = require("@pulumi/pulumi/proto/analyzer_pb") as { AnalyzeRequest?: { prototype: { getType?: () => string } } };
  const prototype = analyzer.AnalyzeRequest?.prototype;
  const original = prototype?.getType;
  if (prototype === undefined || typeof original !== "function") {
    return false;
  }

  prototype.getType = function (this: AnalyzeRequestMessage) {
    const type = original.call(this);
    const request = { type, message: this };
    started = request;
    // A loop that starts in a later step, such as AnalyzeStack's, must not take this request.
    queueMicrotask(() => {
      if (started === request) {
        started = undefined;
      }
    });
    return type;
  };
  installed = true;
  return true;
}

/** The handlers of a policy that a policy loop reads, either of which may be filtered. */
interface PolicyHandlers {
  readonly validateResource?: unknown;
  readonly remediateResource?: unknown;
}

// The `narrow` function of each filtered handler, or null for a handler that is filtered by type only.
const filters = new WeakMap<object, ((request: HandledRequest) => string | undefined) | null>();

/**
 * Gives `policies` an iterator that sets the type filter of each policy for the loop's request just before the
 * loop reaches it, and returns the same array. The pack passes this array to `PolicyPack`, whose handlers loop
 * over it. A policy's filter stays set until the loop requests the next policy. Loops without a request (the SDK's
 * startup check, AnalyzeStack, GetAnalyzerInfo) set every filter to undefined.
 */
export function trackPolicyLoops<T extends object>(policies: T[]): T[] {
  Object.defineProperty(policies, Symbol.iterator, {
    value: function* (this: readonly T[]) {
      const request = started;
      started = undefined;
      for (let index = 0; index < this.length; index++) {
        const policy = this[index];
        setFilters(policy, request);
        try {
          yield policy;
        } finally {
          setFilters(policy, undefined);
        }
      }
    },
  });
  return policies;
}

/**
 * Marks a validator or remediation as one for OnlineDeployments only, and returns it. `narrow` returns, for a
 * deployment the handler does not judge, the text the SDK puts in its reason ("Policy only applies to resources
 * of type '…'"). Outside a tracked policy loop the filter is unset and the SDK calls the handler for every
 * resource, so the handler must still stop by itself where it does not apply.
 */
export function forOnlineDeployments<F extends object>(handler: F, narrow?: (request: HandledRequest) => string | undefined): F {
  // A data property, because @pulumi/policy reads it on every policy of every request. Getters on the 19
  // handlers made that read cost about 3 µs per request.
  Object.defineProperty(handler, "__pulumiType", { value: undefined, writable: true });
  filters.set(handler, narrow ?? null);
  return handler;
}

function setFilters(policy: object, request: HandledRequest | undefined): void {
  setFilter((policy as PolicyHandlers).validateResource, request);
  setFilter((policy as PolicyHandlers).remediateResource, request);
}

function setFilter(handler: unknown, request: HandledRequest | undefined): void {
  if (typeof handler !== "function" || !filters.has(handler)) {
    return;
  }
  let pulumiType: string | undefined;
  if (request !== undefined) {
    pulumiType = isOnlineDeploymentType(request.type) ? narrowedType(filters.get(handler) ?? undefined, request) : ONLINE_DEPLOYMENT_TYPE;
  }
  (handler as { __pulumiType?: string }).__pulumiType = pulumiType;
}

// The SDK advances its policy loop outside the try block that names the policy and pack in an error. So a failure
// here, such as properties the SDK cannot deserialize, lets the policy run, and the SDK raises it again with that
// context.
function narrowedType(narrow: ((request: HandledRequest) => string | undefined) | undefined, request: HandledRequest): string | undefined {
  try {
    return narrow?.(request);
  } catch {
    return undefined;
  }
}
