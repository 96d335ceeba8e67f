/**
 * A value read from a source, in one of four states. Every state carries `path`: the property path as the
 * source spells it (`properties.requestSettings.requestTimeout`, `request_settings.request_timeout_ms`), so a
 * message can name the field the user edits even when the field is absent.
 */
export type Field<T> = SetField<T> | UnsetField<T> | UnknownField | InvalidField;

/** A value the source spelled, converted to canonical units (milliseconds, integers, bytes, cores). */
export interface SetField<T> {
  readonly state: "set";
  readonly value: T;
  readonly path: string;
}

/** An absent value: Azure applies `defaultValue`, or nothing at all when Azure documents no default. */
export interface UnsetField<T> {
  readonly state: "unset";
  readonly defaultValue: T | undefined;
  readonly path: string;
}

/** A value that is not known yet, such as a Pulumi preview of an output of another resource. */
export interface UnknownField {
  readonly state: "unknown";
  readonly path: string;
  /** Reason the value is unknown when the source has more to tell than "not known yet", such as the template expression behind it. */
  readonly reason?: string;
}

/**
 * A value that cannot be read: `raw` is a short, printable rendering of it, and `reason` explains the problem.
 * `raw` is null when there is no value to show, such as for a field that is absent where Azure requires it.
 */
export interface InvalidField {
  readonly state: "invalid";
  readonly raw: string | null;
  readonly reason: string;
  readonly path: string;
  /** The fix to state in the finding when setting a valid value is not it, such as for a request that failed. */
  readonly fix?: string;
  /**
   * Set when `raw` is not the field's own value and `reason` describes something else: the value under a key that
   * amlguard does not read ("key"), or a parent that is not an object ("parent"), whose value the reason names.
   */
  readonly rawOf?: "key" | "parent";
}

/** The value a rule judges: what the source set, or Azure's default when it is unset. */
export interface EffectiveValue<T> {
  readonly value: T;
  readonly isDefault: boolean;
  readonly path: string;
}

export function setField<T>(path: string, value: T): SetField<T> {
  return { state: "set", value, path };
}

export function unsetField<T>(path: string, defaultValue?: T): UnsetField<T> {
  return { state: "unset", defaultValue, path };
}

export function unknownField(path: string, reason?: string): UnknownField {
  return reason === undefined ? { state: "unknown", path } : { state: "unknown", path, reason };
}

/** Builds an invalid field. A `raw` of undefined means there is no value: parsed JSON and YAML have no undefined value. */
export function invalidField(path: string, raw: unknown, reason: string, fix?: string): InvalidField {
  const field: InvalidField = { state: "invalid", raw: raw === undefined ? null : renderRaw(raw), reason, path };
  return fix === undefined ? field : { ...field, fix };
}

/**
 * Builds the invalid field of a key that amlguard does not read where it is. `raw` is the value under the key,
 * shown beside the key because `reason` describes the key, not the value.
 */
export function invalidKeyField(path: string, raw: unknown, reason: string): InvalidField {
  const field = invalidField(path, raw, reason);
  return field.raw === null ? field : { ...field, rawOf: "key" };
}

/** Builds the invalid field under a parent that is not an object. `reason` names the parent's value, which `raw` renders. */
export function invalidParentField(path: string, parentValue: unknown, reason: string, fix?: string): InvalidField {
  const field = invalidField(path, parentValue, reason, fix);
  return field.raw === null ? field : { ...field, rawOf: "parent" };
}

/** Returns the effective value of a set or unset field, or undefined when it is unknown, invalid or has no default. */
export function effectiveValue<T>(field: Field<T>): EffectiveValue<T> | undefined {
  if (field.state === "set") {
    return { value: field.value, isDefault: false, path: field.path };
  }
  if (field.state === "unset" && field.defaultValue !== undefined) {
    return { value: field.defaultValue, isDefault: true, path: field.path };
  }
  return undefined;
}

const MAX_RAW_LENGTH = 80;

/**
 * Renders an unreadable value for a message, cut to a short length. Sources call this only for fields that
 * rules check (durations, counts, enums), never for free text such as environment variables.
 */
export function renderRaw(raw: unknown): string {
  let text: string;
  if (typeof raw === "string") {
    text = JSON.stringify(raw);
  } else if (raw === undefined) {
    text = "undefined";
  } else if (typeof raw === "number" || typeof raw === "boolean" || raw === null) {
    text = String(raw);
  } else if (Array.isArray(raw)) {
    text = `an array of ${raw.length} ${raw.length === 1 ? "item" : "items"}`;
  } else if (typeof raw === "object") {
    text = "an object";
  } else {
    text = `a ${typeof raw}`;
  }
  return text.length > MAX_RAW_LENGTH ? `${text.slice(0, MAX_RAW_LENGTH - 1)}…` : text;
}
