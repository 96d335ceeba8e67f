/**
 * Kubernetes resource quantities (`500m`, `2`, `1.5`, `2Gi`, `512M`, `1e3`) as Azure ML passes them in
 * `containerResourceRequirements`. Azure's own sample writes them JSON-quoted inside the string (`"\"1\""`),
 * so one level of quotes is removed before parsing.
 */

export type QuantityParse = { ok: true; value: number } | { ok: false; reason: string };

// Kubernetes' grammar allows a sign before the number: `+1` is 1, and a negative quantity is rejected above.
const QUANTITY_PATTERN = /^\+?(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

const SUFFIX_FACTORS: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const MAX_QUANTITY_TEXT = 64;

/** Parses a quantity into its base unit: cores for cpu, bytes for memory, devices for gpu. */
export function parseQuantity(input: string): QuantityParse {
  let text = input.trim();
  if (text.length > MAX_QUANTITY_TEXT) {
    return { ok: false, reason: `is ${text.length} characters long, too long for a Kubernetes quantity` };
  }
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    text = text.slice(1, -1).trim();
  }
  if (text.startsWith("-")) {
    return { ok: false, reason: "is negative; a resource quantity must be zero or more" };
  }

  const match = QUANTITY_PATTERN.exec(text);
  if (match === null) {
    return { ok: false, reason: "is not a Kubernetes quantity such as 500m, 2, or 4Gi" };
  }

  const [, number, exponent, suffix] = match;
  let factor = 1;
  if (exponent !== undefined) {
    factor = 10 ** Number(exponent.slice(1));
  } else if (suffix !== undefined) {
    factor = SUFFIX_FACTORS[suffix];
  }
  const value = Number(number) * factor;
  if (!Number.isFinite(value)) {
    return { ok: false, reason: "is too large to be a resource quantity" };
  }
  return { ok: true, value };
}
