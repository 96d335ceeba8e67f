import type { ScalarTag, Tags } from "yaml";

/**
 * Scalar tags that read plain scalars as PyYAML's SafeLoader does (PyYAML 6.0, `resolver.py` and
 * `constructor.py`), for the YAML 1.1 documents that the Azure ML CLI v2 loads with `yaml.safe_load`. The `yaml`
 * package's own YAML 1.1 schema reads more scalars as numbers or booleans than PyYAML does. It reads `08`, `0:30`,
 * `1e3`, `1.0e3` and `.` as numbers and `y` and `n` as booleans, and PyYAML reads all of them as strings. Every
 * regular expression below is PyYAML's implicit resolver for the tag, so a value matches exactly where PyYAML's does.
 *
 * NOTE: PyYAML fails on a plain `=` or `<<` written as a value, for want of a constructor. Here both stay strings.
 */

const BOOL = "tag:yaml.org,2002:bool";
const INT = "tag:yaml.org,2002:int";
const FLOAT = "tag:yaml.org,2002:float";
const TIMESTAMP = "tag:yaml.org,2002:timestamp";

const TRUE_WORDS: ReadonlySet<string> = new Set(["yes", "true", "on"]);

const pythonBool: ScalarTag = {
  tag: BOOL,
  default: true,
  identify: (value) => typeof value === "boolean",
  test: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  resolve: (source) => TRUE_WORDS.has(source.toLowerCase()),
};

const pythonInt: ScalarTag = {
  tag: INT,
  default: true,
  identify: (value) => typeof value === "number" && Number.isInteger(value),
  test: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  resolve: resolveInt,
};

const pythonFloat: ScalarTag = {
  tag: FLOAT,
  default: true,
  identify: (value) => typeof value === "number",
  test: /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  resolve: resolveFloat,
};

const TIMESTAMP_PATTERN =
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9]{1,2})(?::([0-9]{2}))?))?)?$/;

const pythonTimestamp: ScalarTag = {
  tag: TIMESTAMP,
  default: true,
  identify: (value) => value instanceof Date,
  // PyYAML's resolver: a date alone needs two-digit months and days, a date with a time may use one digit.
  test: /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
  resolve: resolveTimestamp,
};

const REPLACED_TAGS: ReadonlySet<string> = new Set([BOOL, INT, FLOAT, TIMESTAMP]);

/**
 * Replaces the boolean, integer, float and timestamp tags of the `yaml` package's YAML 1.1 schema with PyYAML's.
 * The other tags (mapping, sequence, string, null, the `<<` merge key, binary, omap, pairs and set) already
 * behave as PyYAML's do.
 */
export function withPyYamlScalars(tags: Tags): Tags {
  const unchanged = tags.filter((tag) => typeof tag === "string" || !REPLACED_TAGS.has(tag.tag));
  return [...unchanged, pythonBool, pythonInt, pythonFloat, pythonTimestamp];
}

/** Converts as PyYAML's `construct_yaml_int` does: `_` is dropped, `0b`, `0x` and a leading `0` set the base, `:` is base 60. */
function resolveInt(source: string, onError: (message: string) => void): number {
  const text = source.replace(/_/g, "");
  const sign = text.startsWith("-") ? -1 : 1;
  const body = /^[-+]/.test(text) ? text.slice(1) : text;

  let magnitude: number;
  if (body === "0") {
    magnitude = 0;
  } else if (body.startsWith("0b")) {
    magnitude = parseDigits(body.slice(2), 2);
  } else if (body.startsWith("0x")) {
    magnitude = parseDigits(body.slice(2), 16);
  } else if (body.startsWith("0")) {
    magnitude = parseDigits(body, 8);
  } else if (body.includes(":")) {
    magnitude = body.split(":").reduce((total, part) => total * 60 + parseDigits(part, 10), 0);
  } else {
    magnitude = parseDigits(body, 10);
  }

  // `0b_` matches PyYAML's pattern but has no digits, and PyYAML fails on it with a ValueError.
  if (Number.isNaN(magnitude)) {
    onError(`${JSON.stringify(source)} is an integer without digits`);
    return Number.NaN;
  }
  // Python has no negative zero.
  return magnitude === 0 ? 0 : sign * magnitude;
}

function parseDigits(digits: string, radix: number): number {
  return digits.length === 0 ? Number.NaN : parseInt(digits, radix);
}

/** Converts as PyYAML's `construct_yaml_float` does: `_` is dropped, `.inf` and `.nan` are special, `:` is base 60. */
function resolveFloat(source: string): number {
  const text = source.replace(/_/g, "").toLowerCase();
  const sign = text.startsWith("-") ? -1 : 1;
  const body = /^[-+]/.test(text) ? text.slice(1) : text;

  if (body === ".inf") {
    return sign * Number.POSITIVE_INFINITY;
  }
  if (body === ".nan") {
    return Number.NaN;
  }
  if (body.includes(":")) {
    return sign * body.split(":").reduce((total, part) => total * 60 + Number(part), 0);
  }
  return sign * Number(body);
}

/**
 * Converts as PyYAML's `construct_yaml_timestamp` does, to a UTC instant. PyYAML returns a date for a date
 * alone and fails on a date that does not exist, such as 2025-02-30.
 */
function resolveTimestamp(source: string, onError: (message: string) => void): Date | string {
  const match = TIMESTAMP_PATTERN.exec(source);
  if (match === null) {
    onError(`${JSON.stringify(source)} is not a timestamp`);
    return source;
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  // PyYAML keeps six digits of the fraction, but a Date has milliseconds, so only the first three count here.
  const milliseconds = Number((match[7] ?? "").padEnd(3, "0").slice(0, 3));
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read the years 0 to 99 as 1900 to 1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, milliseconds);
  const exists = year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  if (!exists) {
    onError(`${JSON.stringify(source)} is not a date and time that exists`);
    return source;
  }

  const zone = match[8];
  if (zone === undefined || zone === "Z") {
    return date;
  }
  const offsetMinutes = (match[9] === "-" ? -1 : 1) * (Number(match[10]) * 60 + Number(match[11] ?? 0));
  return new Date(date.getTime() - offsetMinutes * 60_000);
}
