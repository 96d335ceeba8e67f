import { parseIsoDuration } from "../model/duration";
import { type Field, invalidField, invalidParentField, setField, unknownField, unsetField } from "../model/field";
import { parseQuantity } from "../model/quantity";
import type { Lookup } from "./property-access";

type EmptyLookup = Exclude<Lookup, { kind: "present" }>;

/** Returns the field for a lookup that contains no value: absent, unknown, or under a parent that is not an object. */
function fieldWithoutValue<T>(lookup: EmptyLookup, path: string, defaultValue: T | undefined): Field<T> {
  switch (lookup.kind) {
    case "absent":
      return unsetField(path, defaultValue);
    case "unknown":
      return unknownField(path, lookup.reason);
    case "unreadable":
      return invalidParentField(path, lookup.parentValue, lookup.reason, lookup.fix);
  }
}

/**
 * Converters from a looked-up source value to a model field. Each one turns a value it cannot read into an
 * invalid field that names the path and the reason, so no unreadable value becomes a pass.
 */

export function durationField(lookup: Lookup, path: string, defaultMs: number | undefined): Field<number> {
  if (lookup.kind !== "present") {
    return fieldWithoutValue(lookup, path, defaultMs);
  }
  if (typeof lookup.value !== "string") {
    return invalidField(path, lookup.value, `must be an ISO 8601 duration string such as PT30S, not ${describeType(lookup.value)}`);
  }
  const parsed = parseIsoDuration(lookup.value);
  return parsed.ok ? setField(path, parsed.milliseconds) : invalidField(path, lookup.value, parsed.reason);
}

/** Reads a duration given as a number of `unitMs` milliseconds, as Azure ML CLI YAML writes them. */
export function numericDurationField(lookup: Lookup, path: string, unitMs: number, defaultMs: number | undefined): Field<number> {
  const count = integerField(lookup, path, defaultMs === undefined ? undefined : defaultMs / unitMs);
  if (count.state === "set") {
    // A negative duration is as unreadable as ARM's "-PT5S": judged as a number, it would pass every maximum.
    return count.value < 0 ? invalidField(path, count.value, "is negative; a duration must be zero or more") : setField(path, count.value * unitMs);
  }
  if (count.state === "unset") {
    return unsetField(path, defaultMs);
  }
  return count;
}

export function integerField(lookup: Lookup, path: string, defaultValue: number | undefined): Field<number> {
  if (lookup.kind !== "present") {
    return fieldWithoutValue(lookup, path, defaultValue);
  }
  const value = lookup.value;
  if (typeof value !== "number") {
    return invalidField(path, value, `must be a whole number, not ${describeType(value)}`);
  }
  if (!Number.isFinite(value)) {
    return invalidField(path, value, "must be a finite whole number");
  }
  if (!Number.isInteger(value)) {
    return invalidField(path, value, "must be a whole number, not a fraction");
  }
  if (!Number.isSafeInteger(value)) {
    return invalidField(path, value, "is too large to be a count Azure accepts");
  }
  return setField(path, value);
}

/**
 * Reads an enum. `accepted` maps each spelling Azure accepts, including lower-case CLI spellings and names
 * of older api-versions, to the canonical value.
 */
export function enumField<T extends string>(
  lookup: Lookup,
  path: string,
  accepted: Readonly<Record<string, T>>,
  defaultValue: T | undefined,
): Field<T> {
  if (lookup.kind !== "present") {
    return fieldWithoutValue(lookup, path, defaultValue);
  }
  const value = lookup.value;
  const canonical = typeof value === "string" && Object.prototype.hasOwnProperty.call(accepted, value) ? accepted[value] : undefined;
  if (canonical === undefined) {
    // List the spellings this source accepts. A canonical value can differ from them (`TargetUtilization` against
    // the YAML `target_utilization`), so listing canonical values could name the rejected value as the fix.
    const allowed = Object.keys(accepted).join(", ");
    return invalidField(path, value, `is not a value Azure defines; expected one of ${allowed}`);
  }
  return setField(path, canonical);
}

export function stringField(lookup: Lookup, path: string, defaultValue: string | undefined): Field<string> {
  if (lookup.kind !== "present") {
    return fieldWithoutValue(lookup, path, defaultValue);
  }
  if (typeof lookup.value !== "string" || lookup.value.length === 0) {
    return invalidField(path, lookup.value, `must be a non-empty string, not ${describeType(lookup.value)}`);
  }
  return setField(path, lookup.value);
}

/** Reads a Kubernetes quantity, given as a string or, in older api-versions and YAML, a plain number. */
export function quantityField(lookup: Lookup, path: string): Field<number> {
  if (lookup.kind !== "present") {
    return fieldWithoutValue<number>(lookup, path, undefined);
  }
  const value = lookup.value;
  if (typeof value === "number") {
    return Number.isFinite(value) && value >= 0 ? setField(path, value) : invalidField(path, value, "must be a finite quantity of zero or more");
  }
  if (typeof value !== "string") {
    return invalidField(path, value, `must be a Kubernetes quantity string such as "500m" or "4Gi", not ${describeType(value)}`);
  }
  const parsed = parseQuantity(value);
  return parsed.ok ? setField(path, parsed.value) : invalidField(path, value, parsed.reason);
}

/** Names the JSON type of a value for messages, with its article: "a number", "an array", "an empty string". */
export function describeType(value: unknown): string {
  if (value === null) {
    return "null";
  }
  if (value === "") {
    return "an empty string";
  }
  if (Array.isArray(value)) {
    return "an array";
  }
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
