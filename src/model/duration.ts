/**
 * ISO 8601 durations as Azure Resource Manager spells them (`PT5S`, `PT0.5S`, `PT1M30S`, `P1DT2H`), converted
 * to milliseconds. Azure models these fields as .NET TimeSpan values, which .NET reads from text with
 * `XmlConvert.ToTimeSpan`, in the W3C XML Schema form of a duration: no weeks, a fraction on seconds only, and a
 * decimal point, not a comma. Other ISO 8601 spellings are invalid here, because a value Azure may not read must
 * not pass. Years and months are rejected as well: `P1M` is one month, not one minute, and has no fixed length.
 * NOTE: that Azure ML's service reads these fields with XmlConvert is inferred from the TimeSpan type, not confirmed.
 */

export type DurationParse = { readonly ok: true; readonly milliseconds: number } | { readonly ok: false; readonly reason: string };

// Days, then after T hours, minutes and seconds; only seconds may carry a fraction.
const DURATION_PATTERN = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

const MILLISECONDS_PER_UNIT = [86_400_000, 3_600_000, 60_000, 1_000];

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
    return { ok: false, reason: whyNotDuration(text) };
  }

  let milliseconds = 0;
  for (const [index, part] of match.slice(1).entries()) {
    if (part !== undefined) {
      milliseconds += Number(part) * MILLISECONDS_PER_UNIT[index];
    }
  }

  if (!Number.isSafeInteger(Math.round(milliseconds))) {
    return { ok: false, reason: "is too large to be a duration Azure accepts" };
  }
  return { ok: true, milliseconds };
}

/** Returns why the text is not a duration in the W3C XML Schema form, naming the ISO 8601 spelling it uses. */
function whyNotDuration(text: string): string {
  if (/^P(\d+Y|\d+M)/.test(text) || /^P[^T]*\d+M/.test(text)) {
    return "uses years or months, which have no fixed length; use days, hours, minutes or seconds (PT30S)";
  }
  if (/^P[\d.,]+W$/.test(text)) {
    return "uses weeks, which the duration form Azure reads does not have; use days (P7D for one week)";
  }
  if (/^P[\dDTHMS.]*\d,\d/.test(text)) {
    return "has a decimal comma; write a decimal point (PT1.5S)";
  }
  if (/^P[\dDTHMS.]*\d\.\d+[DHM]/.test(text)) {
    return "has a fraction of days, hours or minutes; only seconds may have one (PT90S for a minute and a half)";
  }
  return "is not an ISO 8601 duration such as PT30S or PT1M30S";
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
