/**
 * In `Analyze` and `AnalyzeStack`, @pulumi/policy 1.21.0 unwraps secret values to plain values before a policy
 * reads them, so a policy cannot tell that a value was secret and could echo it in a message. This module
 * records where the engine sent secrets: it wraps the SDK's internal `deserializeProperties` (a module export
 * that `server.js` looks up on every call) and keys the secret paths by the object handed to the policy.
 * When the wrapper cannot be installed, or a props object was not seen, every value counts as possibly
 * secret, and messages show no values at all.
 */

// Wire format of a secret: `{ [SIG_KEY]: SECRET_SIG, value }` (`runtime/rpc.js` in @pulumi/pulumi).
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
// Property of the SDK's proxies that returns the object they wrap (`proxy.js` `getSpecialProxyTarget`).
const PROXY_TARGET = "__getSpecialProxyTarget";

type DeserializeProperties = (struct: { toJavaScript(): unknown }, proxySecrets: boolean) => unknown;

const secretPathsByProps = new WeakMap<object, readonly string[]>();
// The SDK deserializes the same request Struct once per policy; these let 18 policies share one walk of it.
const secretPathsByStruct = new WeakMap<object, readonly string[]>();
const structByProps = new WeakMap<object, object>();
let installed = false;

/** Wraps the SDK's deserializer once. Returns false when the SDK no longer has the expected shape. */
export function installSecretTracking(): boolean {
  if (installed) {
    return true;
  }
  const deserialize = require("@pulumi/policy/deserialize") as { deserializeProperties?: DeserializeProperties };
  const original = deserialize.deserializeProperties;
  if (typeof original !== "function") {
    return false;
  }

  deserialize.deserializeProperties = (struct, proxySecrets) => {
    const props = original(struct, proxySecrets);
    if (props !== null && typeof props === "object") {
      let paths = secretPathsByStruct.get(struct);
      if (paths === undefined) {
        const collected: string[] = [];
        collectSecretPaths(struct.toJavaScript(), "", collected);
        paths = collected;
        secretPathsByStruct.set(struct, paths);
      }
      secretPathsByProps.set(props, paths);
      structByProps.set(props, struct);
    }
    return props;
  };
  installed = true;
  return true;
}

/**
 * Returns the paths of secret values in a policy's props, in the notation of finding paths
 * (`properties.requestSettings.requestTimeout`, `profiles[0].capacity`), or undefined when unknown.
 */
export function secretPathsOf(props: object): readonly string[] | undefined {
  const target = (props as Record<string, unknown>)[PROXY_TARGET];
  return secretPathsByProps.get(typeof target === "object" && target !== null ? target : props);
}

/**
 * Returns the engine's request properties (the Struct) a policy's props were deserialized from, and the
 * deserialized object behind the SDK's proxy, or undefined when unknown. In Analyze every policy gets its own
 * object from the same Struct, so the Struct identifies the request.
 */
export function requestOf(props: object): { readonly struct: object; readonly target: object } | undefined {
  const proxied = (props as Record<string, unknown>)[PROXY_TARGET];
  const target = typeof proxied === "object" && proxied !== null ? proxied : props;
  const struct = structByProps.get(target);
  return struct === undefined ? undefined : { struct, target };
}

/** Reports whether a value at `path` is, contains or lies inside a secret. */
export function touchesSecret(path: string, secretPaths: readonly string[] | undefined): boolean {
  if (secretPaths === undefined) {
    return true;
  }
  return secretPaths.some(
    (secret) =>
      secret === path ||
      path.startsWith(`${secret}.`) ||
      path.startsWith(`${secret}[`) ||
      secret.startsWith(`${path}.`) ||
      secret.startsWith(`${path}[`),
  );
}

function collectSecretPaths(value: unknown, path: string, paths: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => collectSecretPaths(item, `${path}[${index}]`, paths));
    return;
  }
  if (value === null || typeof value !== "object") {
    return;
  }
  const record = value as Record<string, unknown>;
  if (record[SIG_KEY] === SECRET_SIG) {
    paths.push(path);
    return;
  }
  for (const [key, child] of Object.entries(record)) {
    collectSecretPaths(child, path === "" ? key : `${path}.${key}`, paths);
  }
}
