import { formatIsoDuration } from "../model/duration";
import type { EffectiveValue } from "../model/field";
import type { FindingValue } from "../findings/finding";
import { type RuleContext, describeValue } from "./rule";

/** Unit of a judged number: a count actualText as is, or milliseconds actualText as an ISO 8601 duration. */
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

/** Renders a number in its unit for a message. */
export function render(value: number, unit: Unit): string {
  return unit === "duration" ? formatIsoDuration(value) : String(value);
}

/** Returns a number in its unit for a finding: durations as ISO 8601 strings, counts as numbers. */
export function findingValue(value: number, unit: Unit): FindingValue {
  return unit === "duration" ? formatIsoDuration(value) : value;
}

/** Reports the value when it is outside [minimum, maximum] and returns whether it did. */
export function checkRange(context: RuleContext, check: RangeCheck): boolean {
  const { label, value, unit, minimum, maximum } = check;
  const actualText = describeValue(value, (number) => render(number, unit));
  const note = check.note === undefined ? "" : ` ${check.note}`;

  if (maximum !== undefined && value.value > maximum) {
    const bound = check.maximumName ?? `the maximum of ${render(maximum, unit)}`;
    context.report({
      path: value.path,
      actual: findingValue(value.value, unit),
      actualIsDefault: value.isDefault,
      limit: findingValue(maximum, unit),
      message: `${label} is ${actualText}, above ${bound}. Set ${value.path} to ${render(maximum, unit)} or less.${note}`,
    });
    return true;
  }

  if (minimum !== undefined && value.value < minimum) {
    const bound = check.minimumName ?? `the minimum of ${render(minimum, unit)}`;
    context.report({
      path: value.path,
      actual: findingValue(value.value, unit),
      actualIsDefault: value.isDefault,
      limit: findingValue(minimum, unit),
      message: `${label} is ${actualText}, below ${bound}. Set ${value.path} to ${render(minimum, unit)} or more.${note}`,
    });
    return true;
  }
  return false;
}

