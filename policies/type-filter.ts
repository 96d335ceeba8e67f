import { AsyncLocalStorage } from "node:async_hooks";
import { ONLINE_DEPLOYMENT_TYPE, isOnlineDeploymentType } from "../src/sources/pulumi-types";

/**
 * Lets @pulumi/policy skip a policy of amlguard without calling it: on resources that are not OnlineDeployments,
 * and on deployments of a compute type the policy's rule does not judge.
 *
 * Before it calls a resource policy, @pulumi/policy 1.21.0 (`server.js`) reads the validator's `__pulumiType`.
 * When that is a string other than the request's type, the SDK adds a not-applicable entry whose reason names
 * that string, and moves on. A policy that reports not applicable itself throws an error instead, which the SDK
 * catches. That path cost about as much as judging the resource: each of the 19 policies took it on every
 * other resource of a stack, and one policy took it on most deployments. So `__pulumiType` is a getter:
 * - on a request whose type is not an OnlineDeployment token, it returns the default token;
 * - on a deployment, it returns what the policy's `narrow` function returns, a string that names the deployments
 *   the policy judges, or undefined, and then the SDK calls the policy, which checks the type again itself.
 *
 * The getter cannot see the request, so a wrapper around the generated `AnalyzeRequest.getType`, which the
 * Analyze and Remediate handlers call before they read any `__pulumiType`, stores the request in an
 * AsyncLocalStorage. The SDK's handler awaits between policies, and requests may interleave there. Each
 * handler's continuations keep the request stored at its start, so a policy never reads another request. The
 * store also stays with the gRPC code that called the handler. That is harmless: only those two handlers read
 * the getter, each after its own `getType`.
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

const handled = new AsyncLocalStorage<HandledRequest>();
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
    handled.enterWith({ type, message: this });
    return type;
  };
  installed = true;
  return true;
}

/**
 * Marks a validator or remediation as one for OnlineDeployments only, and returns it. `narrow` returns, for a
 * deployment the handler does not judge, the text the SDK puts in its reason ("Policy only applies to resources
 * of type '…'"). Without the wrapper the getter returns undefined and the SDK calls the handler for every
 * resource, so the handler must still stop by itself where it does not apply.
 */
export function forOnlineDeployments<F extends object>(handler: F, narrow?: (request: HandledRequest) => string | undefined): F {
  Object.defineProperty(handler, "__pulumiType", {
    get: () => {
      const request = handled.getStore();
      if (request === undefined) {
        return undefined;
      }
      return isOnlineDeploymentType(request.type) ? narrowedType(narrow, request) : ONLINE_DEPLOYMENT_TYPE;
    },
  });
  return handler;
}

// The SDK reads the getter outside the try block that names the policy and pack in an error. So a failure here,
// such as properties the SDK cannot deserialize, lets the policy run, and the SDK raises it again with that context.
function narrowedType(narrow: ((request: HandledRequest) => string | undefined) | undefined, request: HandledRequest): string | undefined {
  try {
    return narrow?.(request);
  } catch {
    return undefined;
  }
}
