import { formatIsoDuration } from "../model/duration";
import { describeDurationAt, durationSettingAt } from "../model/spelling";
import type { EffectiveValue } from "../model/field";
import type { FindingValue } from "../findings/finding";
import { type RuleContext, describeValue } from "./rule";

/** Unit of a judged number: a count, or a duration in milliseconds. */
export type Unit = "count" | "duration";

export interface RangeCheck {
  /** Name of the value for a message, capitalized: `Liveness probe period`. */
  readonly label: string;
  readonly value: EffectiveValue<number>;
  readonly unit: Unit;
  readonly minimum?: number;
  readonly maximum?: number;
  /** Names the maximum when it is not the organization's own, for example `Azure's maximum of 50`. */
  readonly maximumName?: string;
  /** Names the minimum when it is not the organization's own. */
  readonly minimumName?: string;
  /** A sentence appended to the message, such as an Azure caveat about the field. */
  readonly note?: string;
}

/** Renders a number in its unit for a sentence about the field at `path`: `PT1M30S` in ARM, `90000 ms` in CLI YAML. */
export function render(value: number, unit: Unit, path: string): string {
  return unit === "duration" ? describeDurationAt(path, value) : String(value);
}

/** Renders a number as the value to write into the field at `path`: `PT1M30S` in ARM, `90000` in CLI YAML. */
export function renderSetting(value: number, unit: Unit, path: string): string {
  return unit === "duration" ? durationSettingAt(path, value) : String(value);
}

/** Returns a number in its unit for a finding: durations as ISO 8601 strings, counts as numbers. */
export function findingValue(value: number, unit: Unit): FindingValue {
  return unit === "duration" ? formatIsoDuration(value) : value;
}

/** Reports the value when it is outside [minimum, maximum] and returns whether it did. */
export function checkRange(context: RuleContext, check: RangeCheck): boolean {
  const { value, minimum, maximum } = check;
  if (maximum !== undefined && value.value > maximum) {
    reportOutOfRange(context, check, maximum, `above ${check.maximumName ?? `the maximum of ${render(maximum, check.unit, value.path)}`}`, "or less");
    return true;
  }
  if (minimum !== undefined && value.value < minimum) {
    reportOutOfRange(context, check, minimum, `below ${check.minimumName ?? `the minimum of ${render(minimum, check.unit, value.path)}`}`, "or more");
    return true;
  }
  return false;
}

// Most values pass, so the message is built only here, for a value that is reported.
function reportOutOfRange(context: RuleContext, check: RangeCheck, bound: number, beyond: string, direction: string): void {
  const { label, value, unit } = check;
  const actual = describeValue(value, (number) => render(number, unit, value.path));
  const note = check.note === undefined ? "" : ` ${check.note}`;
  context.report({
    path: value.path,
    actual: findingValue(value.value, unit),
    actualIsDefault: value.isDefault,
    limit: findingValue(bound, unit),
    message: `${label} is ${actual}, ${beyond}. Set ${value.path} to ${renderSetting(bound, unit, value.path)} ${direction}.${note}`,
  });
}

