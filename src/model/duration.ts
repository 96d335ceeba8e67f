/**
 * ISO 8601 durations as Azure Resource Manager spells them (`PT5S`, `PT0.5S`, `PT1M30S`, `P1DT2H`), converted
 * to milliseconds. Azure models these fields as .NET TimeSpan values, which have no calendar units, so years
 * and months are rejected: `P1M` is one month, not one minute, and has no fixed length.
 */

export type DurationParse = { readonly ok: true; readonly milliseconds: number } | { readonly ok: false; readonly reason: string };

// Days, then after T hours, minutes and seconds. Each number may carry a fraction, but only the last one given.
const DURATION_PATTERN = /^P(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

const MILLISECONDS_PER_UNIT = [7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000];

const MAX_DURATION_TEXT = 64;

// Deployments spell the same few durations (PT10S, PT1M) over and over: the pack reads several per resource of
// every preview, and an audit reads thousands of deployments. The results are immutable, so they are shared.
const parsed = new Map<string, DurationParse>();
const MAX_PARSED = 1_000;

export function parseIsoDuration(text: string): DurationParse {
  let result = parsed.get(text);
  if (result === undefined) {
    result = parseUncached(text);
    if (parsed.size >= MAX_PARSED) {
      parsed.clear();
    }
    parsed.set(text, result);
  }
  return result;
}

function parseUncached(text: string): DurationParse {
  if (text.length > MAX_DURATION_TEXT) {
    return { ok: false, reason: `is ${text.length} characters long, too long for an ISO 8601 duration` };
  }
  if (text.startsWith("-")) {
    return { ok: false, reason: "is negative; a duration must be zero or more" };
  }

  const match = DURATION_PATTERN.exec(text);
  if (match === null || text === "P" || text.endsWith("T")) {
    if (/^P(\d+Y|\d+M)/.test(text) || /^P[^T]*\d+M/.test(text)) {
      return { ok: false, reason: "uses years or months, which have no fixed length; use days, hours, minutes or seconds (PT30S)" };
    }
    return { ok: false, reason: "is not an ISO 8601 duration such as PT30S or PT1M30S" };
  }

  const parts = match.slice(1);
  const lastGiven = parts.reduce((last, part, index) => (part === undefined ? last : index), -1);
  let milliseconds = 0;
  for (const [index, part] of parts.entries()) {
    if (part === undefined) {
      continue;
    }
    const hasFraction = /[.,]/.test(part);
    if (hasFraction && index !== lastGiven) {
      return { ok: false, reason: "has a fraction before its last part; only the last part may have one (PT1M30.5S)" };
    }
    milliseconds += Number(part.replace(",", ".")) * MILLISECONDS_PER_UNIT[index];
  }

  if (!Number.isSafeInteger(Math.round(milliseconds))) {
    return { ok: false, reason: "is too large to be a duration Azure accepts" };
  }
  return { ok: true, milliseconds };
}

/** Formats milliseconds as the shortest ISO 8601 duration that reads naturally: 90000 gives PT1M30S. */
export function formatIsoDuration(milliseconds: number): string {
  if (milliseconds === 0) {
    return "PT0S";
  }
  let rest = milliseconds;
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.round(rest * 1000) / 1_000_000;

  let text = "P";
  if (days > 0) {
    text += `${days}D`;
  }
  if (hours > 0 || minutes > 0 || seconds > 0) {
    text += "T";
  }
  if (hours > 0) {
    text += `${hours}H`;
  }
  if (minutes > 0) {
    text += `${minutes}M`;
  }
  if (seconds > 0) {
    text += `${seconds}S`;
  }
  return text;
}
