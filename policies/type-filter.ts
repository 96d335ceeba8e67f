import { AsyncLocalStorage } from "node:async_hooks";
import { ONLINE_DEPLOYMENT_TYPE, isOnlineDeploymentType } from "../src/sources/pulumi-types";

/**
 * Lets @pulumi/policy skip amlguard's policies on resources that are not OnlineDeployments without calling them.
 *
 * Before it calls a resource policy, @pulumi/policy 1.21.0 (`server.js`) reads the validator's `__pulumiType`.
 * When that is a string other than the request's type, the SDK adds a not-applicable entry and moves on. A
 * policy that reports not applicable itself throws an error instead, which the SDK catches. Every policy of
 * this pack did that on every other resource of a stack, which made an unrelated resource cost about as much
 * as a deployment. One type is all the SDK can compare, and a deployment has several tokens. So `__pulumiType`
 * is a getter that returns the default token only while the SDK handles a request whose type is not an
 * OnlineDeployment token. For any other request it returns undefined, and the policy runs and checks the type.
 *
 * The getter cannot see the request, so a wrapper around the generated `AnalyzeRequest.getType`, which the
 * Analyze and Remediate handlers call before they read any `__pulumiType`, stores the type in an
 * AsyncLocalStorage. The SDK's handler awaits between policies, and requests may interleave there. Each
 * handler's continuations keep the type stored at its start, so a request never reads another's type. The
 * store also stays with the gRPC code that called the handler. That is harmless: only those two handlers read
 * the getter, each after its own `getType`.
 */

const requestType = new AsyncLocalStorage<string>();
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

  prototype.getType = function (this: unknown) {
    const type = original.call(this);
    requestType.enterWith(type);
    return type;
  };
  installed = true;
  return true;
}

/**
 * Marks a validator or remediation as one for OnlineDeployments only, and returns it. Without the wrapper the
 * getter returns undefined and the SDK calls the handler for every resource, so the handler must still stop on
 * other types itself.
 */
export function forOnlineDeployments<F extends object>(handler: F): F {
  Object.defineProperty(handler, "__pulumiType", {
    get: () => {
      const type = requestType.getStore();
      return type === undefined || isOnlineDeploymentType(type) ? undefined : ONLINE_DEPLOYMENT_TYPE;
    },
  });
  return handler;
}
