import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { resolveConfig } from "../../src/config/limits";
import { evaluateItems } from "../../src/engine/evaluate";
import { ruleLimits } from "../../src/reporters/rule-catalogue";
import { REPORTED_RULES } from "../../src/cli/output";
import { RULES } from "../../src/rules/index";
import { readArmJson } from "../../src/sources/arm-json";
import { parsePositioned } from "../../src/sources/locator";

const PAGES = join(__dirname, "..", "..", "docs", "rules");

function pageOf(ruleId: string): string {
  return readFileSync(join(PAGES, `${ruleId}.md`), "utf8");
}

function section(page: string, heading: string): string {
  const start = page.indexOf(`\n## ${heading}\n`);
  const end = page.indexOf("\n## ", start + 1);
  return start < 0 ? "" : page.slice(start, end < 0 ? undefined : end);
}

function fencedBlock(page: string, info: string): string {
  const match = new RegExp("```" + info + "\\n([\\s\\S]*?)\\n```").exec(page);
  return match?.[1] ?? "";
}

function outcomeOf(ruleId: string, exampleJson: string, page: string): string | undefined {
  const limitsLine = /These examples use the limits `(.*)`\./.exec(page);
  const ruleLimitsInput = limitsLine === null ? {} : JSON.parse(limitsLine[1]);
  const config = resolveConfig({ [ruleId]: ruleLimitsInput }, RULES);
  const [result] = evaluateItems(readArmJson(parsePositioned(exampleJson)), RULES, config);
  return result.rules.find((rule) => rule.ruleId === ruleId)?.outcome;
}

describe.each(REPORTED_RULES.map((rule) => ({ id: rule.id, rule })))("docs/rules/$id.md", ({ rule }) => {
  test("title is the rule id", () => {
    expect(pageOf(rule.id).split("\n")[0]).toBe(`# ${rule.id}`);
  });

  test("states the description", () => {
    expect(pageOf(rule.id).split("\n")[2]).toBe(rule.description);
  });

  test("states severity, level and compute types", () => {
    expect(pageOf(rule.id)).toContain(`| ${rule.severity} | ${rule.defaultEnforcementLevel} | ${rule.computeTypes.join(", ")} |`);
  });

  test("lists every limit with its default", () => {
    const rows = section(pageOf(rule.id), "Limits")
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) => {
        const [name, defaultValue] = line.split(" | ");
        return { name: name.slice("| `".length, -1), default: JSON.parse(defaultValue.slice(1, -1)) };
      });

    expect(rows).toEqual(ruleLimits(rule).map((limit) => ({ name: limit.name, default: limit.default })));
  });

  test("states the Azure fact and source", () => {
    // Markdown joins wrapped lines, so the page may wrap the statement anywhere.
    const facts = section(pageOf(rule.id), "Azure facts").replace(/\s+/g, " ");

    expect(facts).toContain(rule.azureFact.statement.replace(/\s+/g, " "));
    expect(facts).toContain(`Source: ${rule.azureFact.source.replace(/\s+/g, " ")}`);
  });

  // A stack rule judges deployments together, so its page explains the sum instead of showing one deployment.
  if (!("kind" in rule && rule.kind === "stack")) {
    test("failing example fails the rule", () => {
      const page = pageOf(rule.id);

      expect(outcomeOf(rule.id, fencedBlock(page, "json failing"), page)).toBe("failed");
    });

    test("passing example passes the rule", () => {
      const page = pageOf(rule.id);

      expect(outcomeOf(rule.id, fencedBlock(page, "json passing"), page)).toBe("passed");
    });
  }

  test("lists known limitations", () => {
    expect(section(pageOf(rule.id), "Known limitations")).toMatch(/\n- /);
  });
});

test("every page belongs to a rule", () => {
  const pages = readdirSync(PAGES).filter((name) => name.endsWith(".md"));

  expect(pages.sort()).toEqual(REPORTED_RULES.map((rule) => `${rule.id}.md`).sort());
});
