import type { ManagedNetworkIsolationMode } from "../model/deployment";
import { type Field, invalidField, invalidParentField, setField, unknownField } from "../model/field";
import { enumField } from "./field-readers";
import { type Lookup, type PropertyAccess, createChildLookup } from "./property-access";

/**
 * Readers of the facts that resources related to a deployment contain: a workspace's managed network isolation
 * mode and the capacity counts of Azure Monitor autoscale profiles. The ARM audit and the policy pack's stack
 * check both use them.
 */

const ISOLATION_MODES: Readonly<Record<string, ManagedNetworkIsolationMode>> = {
  Disabled: "Disabled",
  AllowInternetOutbound: "AllowInternetOutbound",
  AllowOnlyApprovedOutbound: "AllowOnlyApprovedOutbound",
};

/**
 * Reads `managedNetwork.isolationMode` from a workspace's properties. A workspace without managed network
 * settings has no managed virtual network, so an absent block or mode takes Azure's default, Disabled.
 */
export function isolationModeField(access: PropertyAccess, properties: unknown, path: string): Field<ManagedNetworkIsolationMode> {
  // A managedNetwork that is not an object makes the mode unreadable, which is invalid, never the default.
  const child = createChildLookup(access);
  const mode = child(access.get(properties, "managedNetwork"), "isolationMode");
  return enumField(mode, path, ISOLATION_MODES, "Disabled");
}

export interface CapacityCountOptions {
  /**
   * Whether spaces around a string count, as in `" 3 "`, are accepted.
   * NOTE: no source confirms whether Azure Monitor accepts such a count, so the two readers may judge it differently.
   */
  readonly trimSpaces: boolean;
}

/**
 * Reads one capacity count of an autoscale profile (`minimum`, `maximum` or `default`). The Azure Monitor API
 * types the counts as decimal strings (`"2"`), and a JSON number is accepted as well. Azure Monitor requires all
 * three, so an absent count is invalid.
 */
export function capacityCountField(lookup: Lookup, path: string, options: CapacityCountOptions): Field<number> {
  switch (lookup.kind) {
    case "absent":
      return invalidField(path, undefined, "is missing; Azure Monitor requires minimum, maximum and default");
    case "unknown":
      return unknownField(path, lookup.reason);
    case "unreadable":
      return invalidParentField(path, lookup.parentValue, lookup.reason);
  }

  const value = lookup.value;
  let count: number | undefined;
  if (typeof value === "number") {
    count = value;
  } else if (typeof value === "string") {
    const digits = options.trimSpaces ? value.trim() : value;
    count = /^\d{1,9}$/.test(digits) ? Number(digits) : undefined;
  }

  return count !== undefined && Number.isSafeInteger(count) && count >= 0
    ? setField(path, count)
    : invalidField(path, value, "must be a whole number of instances, written as a string such as \"2\"");
}
