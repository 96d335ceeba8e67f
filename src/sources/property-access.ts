/** The result of looking up one key of a source object. */
export type Lookup =
  | { readonly kind: "present"; readonly value: unknown }
  | { readonly kind: "absent" }
  | { readonly kind: "unknown"; readonly reason?: string }
  | { readonly kind: "unreadable"; readonly reason: string };

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
      return { kind: "absent" };
    }
    // Own keys only, so `__proto__` or `constructor` in hostile input never resolves to Object.prototype.
    if (!Object.prototype.hasOwnProperty.call(container, key)) {
      return { kind: "absent" };
    }
    const value = (container as Record<string, unknown>)[key];
    return value === null || value === undefined ? { kind: "absent" } : { kind: "present", value };
  },
};

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
