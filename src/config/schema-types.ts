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

/**
 * Builds an ISO 8601 duration limit (`PT60S`), parsed to milliseconds. The pattern reaches the JSON Schema, so the
 * Pulumi engine rejects a malformed duration before the pack starts; the refinement gives the exact reason.
 */
export function durationLimit(description: string, defaultValue: string) {
  return z
    .string()
    .regex(/^P(?!$)(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/, {
      message: "must be an ISO 8601 duration such as PT30S or PT1M30S, without years or months",
    })
    .transform((text, context) => {
      const parsed = parseIsoDuration(text);
      if (!parsed.ok) {
        context.addIssue({ code: "custom", message: `${JSON.stringify(text)} ${parsed.reason}` });
        return z.NEVER;
      }
      return parsed.milliseconds;
    })
    .prefault(defaultValue)
    .describe(description);
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
  return z
    .string()
    .transform((text, context) => {
      const parsed = parseQuantity(text);
      if (!parsed.ok) {
        context.addIssue({ code: "custom", message: `${JSON.stringify(text)} ${parsed.reason}` });
        return z.NEVER;
      }
      return parsed.value;
    })
    .prefault(defaultValue)
    .describe(description);
}
