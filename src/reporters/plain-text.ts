// C0 and C1 control characters (line breaks and ESC among them), DEL, the Unicode line and paragraph separators,
// and the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A to U+202E,
// U+2066 to U+2069). Printed raw, they move the cursor, colour or clear a terminal or CI log, forge a line, or
// reorder the text a reader sees.
const UNSAFE_IN_PLAIN_TEXT = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Shows the characters that would change how plain text reads in a terminal as visible `\uXXXX` escapes, so a name
 * or path from an input prints as one line with the characters it contains. A backslash stays as it is.
 */
export function escapePlainText(text: string): string {
  return text.replace(UNSAFE_IN_PLAIN_TEXT, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Returns a count with the noun in the singular or the plural: `1 resource`, `2 resources`. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
