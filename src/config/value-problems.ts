import type * as z from "zod";
import type { LimitFormat } from "./schema-types";
import { closest } from "./suggestions";

/**
 * Messages for a value in a limits or exemptions file that fails its schema. Each one names the value as written,
 * the form the field takes, and, where one exists, the same value in that form. zod's own messages
 * ("Invalid input: expected string, received number") name neither the value nor the fix.
 */

const MAX_RENDERED_LENGTH = 60;

// zod's default messages start with these words. A schema's own message, such as a date's expected form, is kept.
const ZOD_DEFAULT_MESSAGE = /^(Invalid input|Invalid option|Too small|Too big)/;

/**
 * Describes a schema issue about the value at the issue's path, without the path. `format` is the written form of
 * the limit at that path, when it is a duration or a quantity.
 */
export function describeValueProblem(issue: z.core.$ZodIssue, value: unknown, format: LimitFormat | undefined): string {
  if (!ZOD_DEFAULT_MESSAGE.test(issue.message)) {
    return value === undefined ? issue.message : `${issue.message} (got ${truncatedJson(value)})`;
  }
  switch (issue.code) {
    case "invalid_type":
      return wrongTypeProblem(issue.expected, value, format, String(issue.path.at(-1) ?? ""));
    case "invalid_value":
      return enumValueProblem(value, issue.values.filter((option): option is string => typeof option === "string"));
    case "too_small":
      return boundProblem("at least", issue.minimum, issue.origin, value);
    case "too_big":
      return boundProblem("at most", issue.maximum, issue.origin, value);
    default:
      return value === undefined ? issue.message : `${issue.message} (got ${truncatedJson(value)})`;
  }
}

/** Describes a value that is not one of `options`, with the option nearest to it when it looks like a typo. */
export function enumValueProblem(value: unknown, options: readonly string[]): string {
  const valid = `valid values: ${options.join(", ")}`;
  if (typeof value !== "string") {
    return `must be one of ${options.join(", ")}, not ${describeJsonValue(value)}`;
  }
  const suggestion = closest(value, options);
  const hint = suggestion === undefined ? valid : `did you mean "${suggestion}"? Valid values: ${options.join(", ")}`;
  return `${truncatedJson(value)} is not a valid value; ${hint}`;
}

function wrongTypeProblem(expected: string, value: unknown, format: LimitFormat | undefined, key: string): string {
  const actual = describeJsonValue(value);
  if (value === undefined) {
    return "is missing";
  }
  if (format === "duration") {
    return `must be an ISO 8601 duration string such as "PT30S", not ${actual}${durationSuggestion(value)}`;
  }
  if (format === "quantity") {
    const suggestion = typeof value === "number" && Number.isFinite(value) ? `; ${quantitySuggestion(value, key)}` : "";
    return `must be a Kubernetes quantity string such as "500m" or "32Gi", not ${actual}${suggestion}`;
  }
  switch (expected) {
    case "number":
    case "int":
      return `must be a whole number, not ${actual}${unquotedSuggestion(value, /^-?\d+$/)}`;
    case "boolean":
      return `must be true or false, not ${actual}${unquotedSuggestion(value, /^(true|false)$/)}`;
    case "array":
      return `must be a list, not ${actual}${typeof value === "string" ? `; write [${JSON.stringify(value)}]` : ""}`;
    case "string":
      return `must be a string, not ${actual}${typeof value === "number" ? `; write "${String(value)}"` : ""}`;
    case "object":
      return `must be an object, not ${actual}`;
    default:
      return `must be of type ${expected}, not ${actual}`;
  }
}

// A bare memory quantity is a count of bytes, and no memory cap is that small. So a number below 1024 more likely
// means gibibytes, and one below 1024² mebibytes. A larger number may well be bytes.
function quantitySuggestion(value: number, key: string): string {
  if (/memory/i.test(key) && value < 1024 * 1024) {
    const [suffix, unit] = value < 1024 ? ["Gi", "gibibytes"] : ["Mi", "mebibytes"];
    return `write "${value}${suffix}" if ${value} means ${unit}; a quantity without a suffix is bytes`;
  }
  return `write "${String(value)}"`;
}

// A bare number in a duration field may mean seconds, or milliseconds as Azure ML CLI YAML writes request_timeout_ms.
function durationSuggestion(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    return "";
  }
  const seconds = `write "PT${value}S" if ${value} means seconds`;
  return value >= 1000 ? `; ${seconds}, or "PT${value / 1000}S" if it means milliseconds` : `; ${seconds}`;
}

function unquotedSuggestion(value: unknown, pattern: RegExp): string {
  return typeof value === "string" && pattern.test(value) ? `; write ${value} without quotes` : "";
}

function boundProblem(relation: "at least" | "at most", bound: number | bigint, origin: string, value: unknown): string {
  if (origin === "string") {
    return relation === "at least" && Number(bound) === 1 ? "must not be an empty string" : `must be ${relation} ${String(bound)} characters long`;
  }
  if (origin === "array") {
    return `must list ${relation} ${String(bound)} ${Number(bound) === 1 ? "item" : "items"}`;
  }
  const actualText = typeof value === "number" ? `, not ${describeJsonValue(value)}` : "";
  return `must be ${relation} ${String(bound)}${actualText}`;
}

/** Describes a parsed JSON or YAML value with its type, as "the number 60" or "the string \"16\"". */
export function describeJsonValue(value: unknown): string {
  if (value === null) {
    return "null";
  }
  if (typeof value === "string") {
    return value === "" ? "an empty string" : `the string ${truncatedJson(value)}`;
  }
  if (typeof value === "number" || typeof value === "bigint") {
    return `the number ${String(value)}`;
  }
  if (typeof value === "boolean") {
    return String(value);
  }
  if (Array.isArray(value)) {
    return `a list of ${value.length} ${value.length === 1 ? "item" : "items"}`;
  }
  if (value instanceof Date) {
    return `the date ${value.toISOString()}`;
  }
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Renders a value as JSON, cut to a length a message can show. */
export function truncatedJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_RENDERED_LENGTH ? `${text.slice(0, MAX_RENDERED_LENGTH - 1)}…` : text;
}
