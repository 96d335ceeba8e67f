import { renderRaw } from "../model/field";

/** The result of looking up one key of a source object. */
export type Lookup =
  | { readonly kind: "present"; readonly value: unknown }
  | { readonly kind: "absent" }
  | { readonly kind: "unknown"; readonly reason?: string }
  | { readonly kind: "unreadable"; readonly reason: string; readonly parentValue?: unknown; readonly fix?: string };

/** The lookup of a key that is not there. Lookups are never changed, so every absent key shares this one. */
export const ABSENT: Lookup = Object.freeze({ kind: "absent" });

/**
 * Reads keys of a source object. Plain JSON and Pulumi preview inputs differ only here: Pulumi marks values
 * that are not known yet, and its policy SDK throws when a policy reads one.
 */
export interface PropertyAccess {
  get(container: unknown, key: string): Lookup;
}

/** Access to parsed JSON or YAML. ARM returns `null` for unset fields, so null counts as absent. */
export const plainAccess: PropertyAccess = {
  get(container, key) {
    if (container === null || typeof container !== "object" || Array.isArray(container)) {
      return ABSENT;
    }
    // Own keys only, so `__proto__` or `constructor` in hostile input never resolves to Object.prototype.
    if (!Object.prototype.hasOwnProperty.call(container, key)) {
      return ABSENT;
    }
    const value = (container as Record<string, unknown>)[key];
    return value === null || value === undefined ? ABSENT : { kind: "present", value };
  },
};

/** A function that looks up one key under a parent lookup. */
export type ChildLookup = (parent: Lookup, key: string) => Lookup;

/**
 * Creates a child lookup that reads keys through `access` and carries the parent's state down the tree. The
 * child of an absent, unknown or unreadable parent takes the parent's state, and the child of a present parent
 * that is not an object is unreadable. `objectTerm` is the source's word for an object, such as "a mapping" in YAML.
 */
export function createChildLookup(access: PropertyAccess, objectTerm = "an object"): ChildLookup {
  return (parent, key) => {
    if (parent.kind !== "present") {
      return parent;
    }
    if (!isPlainObject(parent.value)) {
      return { kind: "unreadable", reason: `cannot be read because its parent is ${renderRaw(parent.value)}, not ${objectTerm}`, parentValue: parent.value };
    }
    return access.get(parent.value, key);
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
