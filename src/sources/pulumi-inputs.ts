import type { ResourceRef } from "../model/deployment";
import { UnsupportedDeploymentError, readDeploymentBody } from "./deployment-body";
import { ABSENT, type Lookup, type PropertyAccess, isPlainObject } from "./property-access";
import type { SourceItem } from "./source-item";

/**
 * Strings the Pulumi engine sends in place of values that are not known during a preview, one per value kind.
 * The engine defines them in `pkg/resource/plugin/rpc.go` of pulumi/pulumi, and @pulumi/policy's proxy repeats them.
 */
export const PULUMI_UNKNOWN_VALUES = {
  boolean: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  number: "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  string: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  array: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  asset: "030794c1-ac77-496b-92df-f27374a8bd58",
  archive: "e48ece36-62e2-4504-bad9-02848725956a",
  object: "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
} as const;

const UNKNOWN_SENTINELS: ReadonlySet<unknown> = new Set(Object.values(PULUMI_UNKNOWN_VALUES));
// Every sentinel is a UUID of 36 characters.
const SENTINEL_LENGTH = PULUMI_UNKNOWN_VALUES.string.length;

export function isPulumiUnknown(value: unknown): boolean {
  // Most values are not strings of a sentinel's length, and those need no lookup, which would hash the string.
  return typeof value === "string" && value.length === SENTINEL_LENGTH && UNKNOWN_SENTINELS.has(value);
}

/**
 * @pulumi/policy wraps resource properties in a proxy that throws `UnknownValueError` when a policy reads an
 * unknown value. The error class is internal to the SDK, so it is recognized by the sentinel it carries.
 */
function isUnknownValueError(error: unknown): boolean {
  return error instanceof Error && isPulumiUnknown((error as { unknownTypeSentinel?: unknown }).unknownTypeSentinel);
}

/**
 * Access to Pulumi resource properties, proxied by the policy SDK or plain. Each key is read on its own, so an
 * unknown value makes only that field unknown, and the other fields are still judged.
 */
export const pulumiAccess: PropertyAccess = {
  get(container, key) {
    if (!isPlainObject(container)) {
      return ABSENT;
    }

    let value: unknown;
    try {
      // Own keys only, so `__proto__` or `constructor` in hostile input never resolves to Object.prototype.
      if (!Object.prototype.hasOwnProperty.call(container, key)) {
        return ABSENT;
      }
      value = container[key];
    } catch (error) {
      if (isUnknownValueError(error)) {
        return { kind: "unknown" };
      }
      throw error;
    }

    if (isPulumiUnknown(value)) {
      return { kind: "unknown" };
    }
    return value === null || value === undefined ? ABSENT : { kind: "present", value };
  },
};

/** One resource as a Pulumi policy receives it: its type token, name, URN and properties (inputs or outputs). */
export interface PulumiResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Record<string, unknown>;
}

/** Returns the value of a top-level property when it is a known, non-empty string. */
export function knownString(props: Record<string, unknown>, key: string): string | undefined {
  const lookup = pulumiAccess.get(props, key);
  return lookup.kind === "present" && typeof lookup.value === "string" && lookup.value.length > 0 ? lookup.value : undefined;
}

/**
 * Names the deployment: the Azure name (`deploymentName`, or the `name` output after apply) when known, else
 * the Pulumi resource name, because azure-native derives the Azure name from it.
 */
function pulumiRef(resource: PulumiResource): ResourceRef {
  const { props } = resource;
  const endpointName = knownString(props, "endpointName");
  const workspaceName = knownString(props, "workspaceName");
  const resourceGroupName = knownString(props, "resourceGroupName");
  return {
    urn: resource.urn,
    name: knownString(props, "deploymentName") ?? knownString(props, "name") ?? resource.name,
    ...(endpointName === undefined ? {} : { endpointName }),
    ...(workspaceName === undefined ? {} : { workspaceName }),
    ...(resourceGroupName === undefined ? {} : { resourceGroupName }),
    source: "pulumi",
    type: resource.type,
  };
}

/**
 * Returns the property that contains the deployment body: `properties` in azure-native v3,
 * `onlineDeploymentProperties` in v2 and older. A resource with neither is read as v3, so the missing body is
 * reported under `properties`. A resource with both gets an unreadable body, because the type token does not
 * tell which major version of the provider deploys it, and so which body Azure receives.
 */
function deploymentBody(props: Record<string, unknown>): { readonly path: "properties" | "onlineDeploymentProperties"; readonly body: Lookup } {
  const v3 = pulumiAccess.get(props, "properties");
  const v2 = pulumiAccess.get(props, "onlineDeploymentProperties");
  if (v3.kind === "absent" && v2.kind !== "absent") {
    return { path: "onlineDeploymentProperties", body: v2 };
  }
  if (v3.kind !== "absent" && v2.kind !== "absent") {
    return { path: "properties", body: BOTH_BODIES };
  }
  return { path: "properties", body: v3 };
}

const BOTH_BODIES: Lookup = {
  kind: "unreadable",
  reason:
    "cannot be read because the resource sets both properties, the body that azure-native v3 deploys, and " +
    "onlineDeploymentProperties, the body of v2 and older",
  fix: "Remove the body that your azure-native version does not deploy",
};

/** Reads an OnlineDeployment's Pulumi properties into the normalized model. */
export function readPulumiDeployment(resource: PulumiResource): SourceItem {
  const ref = pulumiRef(resource);
  const { path: bodyKey, body } = deploymentBody(resource.props);

  try {
    const deployment = readDeploymentBody({
      ref,
      body,
      bodyPath: bodyKey,
      sku: pulumiAccess.get(resource.props, "sku"),
      skuPath: "sku",
      access: pulumiAccess,
      resource: { kind: "present", value: resource.props },
    });
    return { kind: "deployment", deployment };
  } catch (error) {
    if (error instanceof UnsupportedDeploymentError) {
      return { kind: "not-evaluated", ref, reason: error.message };
    }
    throw error;
  }
}
