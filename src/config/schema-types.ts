import * as z from "zod";
import { parseIsoDuration } from "../model/duration";
import { parseQuantity } from "../model/quantity";

/** Enforcement levels of `@pulumi/policy`, used unchanged in the limits file. */
export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];
export const EnforcementLevelSchema = z.enum(ENFORCEMENT_LEVELS);

/** Levels for the finding about a needed field whose value is not known until `pulumi up`. */
export const UNKNOWN_VALUE_LEVELS = ["advisory", "mandatory"] as const;
export type UnknownValueLevel = (typeof UNKNOWN_VALUE_LEVELS)[number];

/** The written form of a limit that is a string to zod but means more: an ISO 8601 duration or a Kubernetes quantity. */
export type LimitFormat = "duration" | "quantity";

// Keyed by the schema object that a rule's limits shape holds, so an error message can name the form to write.
const LIMIT_FORMATS = new WeakMap<object, LimitFormat>();

/** Returns the format of a limit built by durationLimit or quantityLimit, or undefined for any other schema. */
export function limitFormatOf(schema: unknown): LimitFormat | undefined {
  return typeof schema === "object" && schema !== null ? LIMIT_FORMATS.get(schema) : undefined;
}

function withFormat<Schema extends object>(schema: Schema, format: LimitFormat): Schema {
  LIMIT_FORMATS.set(schema, format);
  return schema;
}

// The form parseIsoDuration reads: days, then after T hours, minutes and seconds, at least one part, a fraction on
// seconds only. The Pulumi engine compiles JSON Schema patterns with Go's regexp package (RE2), which has no
// lookahead, so each way to give at least one part is spelled out.
const TIME_PART = String.raw`T(\d+H(\d+M)?(\d+(\.\d+)?S)?|\d+M(\d+(\.\d+)?S)?|\d+(\.\d+)?S)`;
const DURATION_PATTERN = new RegExp(String.raw`^P(\d+D(${TIME_PART})?|${TIME_PART})$`);

/**
 * Builds an ISO 8601 duration limit (`PT60S`), parsed to milliseconds. The pattern reaches the JSON Schema, so the
 * Pulumi engine rejects a malformed duration before the pack starts; the refinement gives the exact reason.
 */
export function durationLimit(description: string, defaultValue: string) {
  const schema = z
    .string()
    .regex(DURATION_PATTERN, {
      error: (issue) => {
        const parsed = typeof issue.input === "string" ? parseIsoDuration(issue.input) : undefined;
        return parsed?.ok === false ? parsed.reason : "must be an ISO 8601 duration such as PT30S or PT1M30S";
      },
    })
    .transform((text, context) => {
      const parsed = parseIsoDuration(text);
      if (!parsed.ok) {
        context.addIssue({ code: "custom", message: parsed.reason });
        return z.NEVER;
      }
      return parsed.milliseconds;
    })
    .prefault(defaultValue)
    .describe(description);
  return withFormat(schema, "duration");
}

/** Builds a whole-number limit with inclusive bounds. */
export function integerLimit(description: string, defaultValue: number, minimum = 0, maximum = 1_000_000) {
  return z.number().int().min(minimum).max(maximum).default(defaultValue).describe(description);
}

/**
 * Builds a Kubernetes resource quantity limit (`8`, `500m`, `32Gi`), parsed to its base unit: cores, bytes or devices.
 * It is written as a string, as in a Kubernetes manifest, so `500m` and `0.5` mean the same thing.
 */
export function quantityLimit(description: string, defaultValue: string) {
  const schema = z
    .string()
    .transform((text, context) => {
      const parsed = parseQuantity(text);
      if (!parsed.ok) {
        // The message names no value: the limits file's error adds it, as "(got …)".
        context.addIssue({ code: "custom", message: parsed.reason });
        return z.NEVER;
      }
      return parsed.value;
    })
    .prefault(defaultValue)
    .describe(description);
  return withFormat(schema, "quantity");
}
