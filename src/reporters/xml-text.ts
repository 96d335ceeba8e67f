// Characters XML 1.0 allows: tab, line feed, carriage return, and the ranges below (XML 1.0, production [2] Char).
// With the `u` flag a lone surrogate is one code point outside these ranges, so it is removed too.
const FORBIDDEN_IN_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Removes the characters XML 1.0 cannot represent. The XML builder escapes the rest. */
export function xmlText(text: string): string {
  return text.replace(FORBIDDEN_IN_XML, "");
}

/** Prepares an attribute value: XML parsers turn line breaks in attributes into spaces, so do it here, visibly. */
export function xmlAttribute(text: string): string {
  return xmlText(text).replace(/\r\n|\r|\n/g, " ");
}
