import { formatIsoDuration } from "./duration";

/**
 * Values in the spelling of the field the user edits. Azure ML CLI YAML names fields in snake_case and gives
 * durations in milliseconds (`request_timeout_ms`) or seconds (probe `period`, `polling_interval`), with lower-case
 * enums (`disabled`, `target_utilization`). ARM and Pulumi name fields in camelCase, with ISO 8601 durations and
 * PascalCase enums. The spelling of a path's last segment distinguishes the two.
 */

export type DurationSpelling = "iso8601" | "milliseconds" | "seconds";

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf(".") + 1);
}

function isSnakeCase(path: string): boolean {
  // A fast path with the same result: ARM and Pulumi paths never contain "_", and this runs for every duration a
  // rule renders.
  if (!path.includes("_")) {
    return false;
  }
  const segment = lastSegment(path);
  return segment.includes("_") || (/^[a-z0-9]+$/.test(segment) && path.includes("_"));
}

/** Returns how the field at `path` spells a duration. */
export function durationSpellingOf(path: string): DurationSpelling {
  if (!isSnakeCase(path)) {
    return "iso8601";
  }
  return lastSegment(path).endsWith("_ms") ? "milliseconds" : "seconds";
}

/** Renders a duration for a sentence, in the unit of the field at `path`: `PT1M30S`, `90000 ms` or `90 s`. */
export function describeDurationAt(path: string, milliseconds: number): string {
  switch (durationSpellingOf(path)) {
    case "iso8601":
      return formatIsoDuration(milliseconds);
    case "milliseconds":
      return `${milliseconds} ms`;
    case "seconds":
      return `${milliseconds / 1000} s`;
  }
}

/** Renders a duration as the value to write into the field at `path`: `PT1M30S`, `90000` or `90`. */
export function durationSettingAt(path: string, milliseconds: number): string {
  switch (durationSpellingOf(path)) {
    case "iso8601":
      return formatIsoDuration(milliseconds);
    case "milliseconds":
      return String(milliseconds);
    case "seconds":
      return String(milliseconds / 1000);
  }
}

/** Renders an enum value as the field at `path` spells it: `Disabled`, or `disabled` in CLI YAML. */
export function enumSettingAt(path: string, value: string): string {
  if (!isSnakeCase(path)) {
    return value;
  }
  return value.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}
