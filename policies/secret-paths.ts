import { isPlainObject } from "../src/sources/property-access";
import { isUnsignedWireStruct } from "./request-decoding";
import { SIGNATURE_KEY } from "./struct-wire";

/**
 * In `Analyze` and `AnalyzeStack`, @pulumi/policy 1.21.0 unwraps secret values to plain values before a policy
 * reads them, so a policy cannot tell that a value was secret and could echo it in a message. This module
 * records where the engine sent secrets: it wraps the SDK's internal `deserializeProperties` (a module export
 * that `server.js` looks up on every call) and keys the secret paths by the object handed to the policy.
 * When the wrapper cannot be installed, or a props object was not seen, every value counts as possibly
 * secret, and messages show no values at all.
 */

// The signature that marks a secret under SIGNATURE_KEY (`runtime/rpc.js` in @pulumi/pulumi).
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
// Property of the SDK's proxies that returns the object they wrap (`proxy.js` `getSpecialProxyTarget`).
const PROXY_TARGET = "__getSpecialProxyTarget";

type DeserializeProperties = (struct: { toJavaScript(): unknown }, proxySecrets: boolean) => unknown;

const secretPathsByProps = new WeakMap<object, readonly string[]>();
// In Analyze and AnalyzeStack the SDK deserializes the same request Struct once per policy, with proxySecrets
// false. Those calls share one deserialized object and one walk of the Struct. Each policy still gets its own
// unknown-checking proxy, and no policy of this pack changes the properties it reads. Remediate deserializes
// once with proxySecrets true and hands that object to every policy, which may change it, so it is not shared.
const sharedPropsByStruct = new WeakMap<object, object>();
const sharedProps = new WeakSet<object>();
let deserializeShared: ((struct: object) => unknown) | undefined;
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

  const tracking: DeserializeProperties = (struct, proxySecrets) => {
    const shared = proxySecrets ? undefined : sharedPropsByStruct.get(struct);
    if (shared !== undefined) {
      return shared;
    }
    // The SDK's deserializer reads the Struct only through toJavaScript, and the conversion is costly, so the
    // wrapper converts once and hands the SDK the result.
    const wire = struct.toJavaScript();
    const paths: string[] = [];
    // A Struct that request-decoding.ts decoded without meeting the signature key contains no secret to look for.
    const plain = isUnsignedWireStruct(struct) || collectSecretPaths(wire, [], paths);
    // For plain JSON the SDK's deserializer returns a copy equal to its input. In Analyze that copy is only read,
    // so the policies get the converted Struct itself, and the request touches one tree of objects instead of two.
    const props = !proxySecrets && plain && isPlainObject(wire) ? wire : original({ toJavaScript: () => wire }, proxySecrets);
    if (props !== null && typeof props === "object") {
      secretPathsByProps.set(props, paths);
      if (!proxySecrets) {
        sharedPropsByStruct.set(struct, props);
        sharedProps.add(props);
      }
    }
    return props;
  };
  deserialize.deserializeProperties = tracking;
  deserializeShared = (struct) => tracking(struct as Parameters<DeserializeProperties>[0], false);
  installed = true;
  return true;
}

/**
 * Returns the properties of a request Struct as every policy of an Analyze request gets them, deserializing them
 * now if no policy has yet. Returns undefined when the SDK's deserializer could not be wrapped.
 */
export function sharedPropsOf(struct: object): object | undefined {
  const props = deserializeShared?.(struct);
  return typeof props === "object" && props !== null ? props : undefined;
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
 * Returns the deserialized object behind the SDK's proxy when every policy of the request shares it (Analyze
 * and AnalyzeStack), so a policy may reuse what another policy read from it. Returns undefined otherwise.
 */
export function sharedTargetOf(props: object): object | undefined {
  const proxied = (props as Record<string, unknown>)[PROXY_TARGET];
  const target = typeof proxied === "object" && proxied !== null ? proxied : props;
  return sharedProps.has(target) ? target : undefined;
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

/**
 * Collects the paths of secrets in a converted Struct. Returns false when the tree contains a value that the SDK's
 * deserializer changes: one with Pulumi's signature key (a secret, asset, archive or resource reference). Secrets
 * are rare, so the walk keeps the keys it passes through and spells a path only for a secret it finds.
 */
function collectSecretPaths(value: unknown, trail: (string | number)[], paths: string[]): boolean {
  if (Array.isArray(value)) {
    let plain = true;
    for (let index = 0; index < value.length; index++) {
      trail.push(index);
      plain = collectSecretPaths(value[index], trail, paths) && plain;
      trail.pop();
    }
    return plain;
  }
  if (value === null || typeof value !== "object") {
    return true;
  }
  const record = value as Record<string, unknown>;
  // Read as the SDK reads it, inherited and truthy, so that both see the same signatures.
  const signature = record[SIGNATURE_KEY];
  if (signature === SECRET_SIG) {
    paths.push(spellPath(trail));
    return false;
  }
  let plain = !signature;
  for (const key of Object.keys(record)) {
    trail.push(key);
    plain = collectSecretPaths(record[key], trail, paths) && plain;
    trail.pop();
  }
  return plain;
}

function spellPath(trail: readonly (string | number)[]): string {
  let path = "";
  for (const step of trail) {
    if (typeof step === "number") {
      path += `[${step}]`;
    } else {
      path = path === "" ? step : `${path}.${step}`;
    }
  }
  return path;
}
