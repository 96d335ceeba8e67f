import * as z from "zod";

/** An exemption date is a calendar day in UTC, and the entry stays valid through the end of that day. */
const ExpiryDateSchema = z.string({ error: "must be a date in the form YYYY-MM-DD, written as a string" }).check((context) => {
  const problem = expiryDateProblem(context.value);
  if (problem !== undefined) {
    context.issues.push({ code: "custom", message: problem, input: context.value });
  }
});

/** Returns why `text` is not a YYYY-MM-DD calendar date, with the date to write when one is evident, or undefined. */
function expiryDateProblem(text: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return isCalendarDate(text) ? undefined : "must be a real calendar date";
  }
  const unpadded = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const padded = unpadded === null ? undefined : `${unpadded[1]}-${unpadded[2].padStart(2, "0")}-${unpadded[3].padStart(2, "0")}`;
  if (padded !== undefined && isCalendarDate(padded)) {
    return `must be a date in the form YYYY-MM-DD, with two-digit month and day; write ${padded}`;
  }
  const datePart = /^(\d{4}-\d{2}-\d{2})[T ]/.exec(text)?.[1];
  if (datePart !== undefined && isCalendarDate(datePart)) {
    return `must be a date in the form YYYY-MM-DD, without a time; write ${datePart}, and the entry stays valid through the end of that day in UTC`;
  }
  return "must be a date in the form YYYY-MM-DD";
}

function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** Describes a `rules` value that is neither "*" nor a list, with the list to write when the value is a string. */
function rulesProblem(input: unknown): string {
  if (input === undefined) {
    return 'is missing: list the rule ids the entry waives, or "*" for every rule';
  }
  if (typeof input !== "string") {
    return 'must be a list of rule ids, or "*" for every rule';
  }
  const ids = input.split(/[\s,]+/).filter((id) => id !== "");
  if (ids.length === 0) {
    return 'must be a list of rule ids, or "*" for every rule; an entry waives at least one rule';
  }
  // "*" waives every rule only on its own, not in a list.
  if (ids.includes("*")) {
    return 'must be a list of rule ids, or "*" for every rule; write rules: "*"';
  }
  const list = `[${ids.map((id) => JSON.stringify(id)).join(", ")}]`;
  return `must be a list of rule ids, or "*" for every rule; write rules: ${list}`;
}

/**
 * One entry of an exemptions file. `resource` is a picomatch glob over the ARM resource id (matched without
 * regard to case, as ARM treats ids) or over the Pulumi URN (matched exactly).
 */
export const ExemptionEntrySchema = z.strictObject({
  resource: z.string().min(1, { message: "must name an ARM id, Pulumi URN or file path pattern" }),
  rules: z.union([z.literal("*"), z.array(z.string().min(1)).min(1, { message: "must list at least one rule id, or be \"*\"" })], {
    // zod's own message for a union that matched no branch is only "Invalid input".
    error: (issue) => rulesProblem(issue.input),
  }),
  reason: z.string().trim().min(1, { message: "must say why the resource is exempt" }),
  owner: z.string().trim().min(1, { message: "must name who owns the exemption" }),
  expires: ExpiryDateSchema,
});

export type ExemptionEntry = z.infer<typeof ExemptionEntrySchema>;

/** The list of entries, as the exemptions file and the pack's `exemptions` policy config both hold it. */
export const ExemptionEntriesSchema = z.array(ExemptionEntrySchema);

/** The exemptions file: an object with one `exemptions` list, so later versions can add keys beside it. */
export const ExemptionsFileSchema = z.strictObject({ exemptions: ExemptionEntriesSchema });

/** An entry with its position in the file, so reports can point at it. */
export interface Exemption extends ExemptionEntry {
  /** 0-based index in the `exemptions` list. */
  readonly index: number;
}

/** The state of every entry after a run, as every report lists it. */
export interface ExemptionStatus {
  /** The exemptions file, or undefined when every entry came from the limits file or the pack's config. */
  readonly file?: string;
  /** SHA-256 of the file's bytes, as evidence of which exemptions a report applied. */
  readonly sha256?: string;
  readonly entries: number;
  /**
   * Entries taken from `exemptions.entries` of the limits file. They come first, so an index below this number
   * points into the limits file and a higher one into the exemptions file, less this number.
   */
  readonly limitsFileEntries?: number;
  /** Entries in force that waived at least one finding, with the number of findings each waived. */
  readonly applied: readonly ExemptionUse[];
  /** Entries whose expiry date has passed: they waived nothing. */
  readonly expired: readonly ExemptionUse[];
  /** Entries in force that matched no finding. */
  readonly unused: readonly ExemptionUse[];
}

export interface ExemptionUse {
  readonly index: number;
  readonly resource: string;
  readonly rules: "*" | readonly string[];
  readonly owner: string;
  readonly expires: string;
  /** Findings the entry waived (0 for expired and unused entries). */
  readonly waivedFindings: number;
}
