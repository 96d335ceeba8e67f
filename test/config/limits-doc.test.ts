import { readFileSync } from "node:fs";
import path from "node:path";
import { ruleConfigSchema } from "../../src/config/json-schema";
import { RULES } from "../../src/rules/index";

/** docs/limits.md must document every rule's limit keys with the defaults the code applies. */

const DOC = readFileSync(path.resolve(__dirname, "../../docs/limits.md"), "utf8");

/** Returns the section of the document under `### {ruleId}`. */
function sectionOf(ruleId: string): string {
  const start = DOC.indexOf(`### ${ruleId} (`);
  if (start < 0) {
    return "";
  }
  const end = DOC.indexOf("\n### ", start + 1);
  return DOC.slice(start, end < 0 ? DOC.indexOf("\n## ", start + 1) : end);
}

/** Renders a default as the document's table spells it. */
function documented(value: unknown): string {
  if (Array.isArray(value)) {
    return `\`[${value.map((item) => JSON.stringify(item)).join(", ")}]\``;
  }
  return `\`${JSON.stringify(value).replace(/^"(PT.*|P.*)"$/, "$1")}\``;
}

const KEYS = RULES.flatMap((rule) =>
  Object.entries(ruleConfigSchema(rule).properties)
    .filter(([key]) => key !== "unknownValues")
    .map(([key, property]) => [rule.id, key, (property as { default?: unknown }).default] as const),
);

describe("docs/limits.md", () => {
  test.each(RULES.map((rule) => [rule.id, rule.defaultEnforcementLevel] as const))("%s has a section with its level", (ruleId, level) => {
    expect(sectionOf(ruleId)).toMatch(new RegExp(`^### ${ruleId} \\(${level}`));
  });

  test.each(KEYS)("%s.%s default is documented", (ruleId, key, defaultValue) => {
    expect(sectionOf(ruleId)).toContain(`| \`${key}\` | ${documented(defaultValue)} |`);
  });

  test.each(RULES.filter((rule) => rule.remediate !== undefined).map((rule) => [rule.id] as const))("%s listed as remediating", (ruleId) => {
    expect(DOC).toMatch(new RegExp(`^\\| ${ruleId} \\| `, "m"));
  });
});
