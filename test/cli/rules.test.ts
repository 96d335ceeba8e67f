import { REPORTED_RULES } from "../../src/cli/output";
import { RULES, RULE_CATALOGUE_VERSION } from "../../src/rules/index";
import { STACK_RULES } from "../../src/rules/stack/index";
import { runCli } from "./run-cli";

describe("amlguard rules", () => {
  test("JSON lists every rule with defaults", async () => {
    const run = await runCli(["rules", "--format", "json"]);

    const catalogue = JSON.parse(run.stdout);
    expect(catalogue.ruleCatalogueVersion).toBe(RULE_CATALOGUE_VERSION);
    expect(catalogue.rules.map((rule: { id: string }) => rule.id)).toEqual([...RULES, ...STACK_RULES].map((rule) => rule.id));
    const timeout = catalogue.rules.find((rule: { id: string }) => rule.id === "request-timeout");
    expect(timeout.limits).toEqual(expect.arrayContaining([expect.objectContaining({ name: "maxRequestTimeout", type: "string", default: "PT90S" })]));
  });

  test("JSON marks stack rules", async () => {
    const run = await runCli(["rules", "--format", "json"]);

    const scopes = JSON.parse(run.stdout).rules.map((rule: { id: string; scope: string }) => [rule.id, rule.scope]);
    expect(scopes).toEqual([...RULES.map((rule) => [rule.id, "deployment"]), ...STACK_RULES.map((rule) => [rule.id, "stack"])]);
  });

  test("table names every rule", async () => {
    const run = await runCli(["rules", "--format", "table"]);

    for (const rule of REPORTED_RULES) {
      expect(run.stdout).toContain(`${rule.id}  (${rule.severity}, default ${rule.defaultEnforcementLevel}`);
    }
  });

  test("Markdown links every rule page", async () => {
    const run = await runCli(["rules", "--format", "markdown"]);

    for (const rule of REPORTED_RULES) {
      expect(run.stdout).toContain(`| [${rule.id}](https://github.com/amlguard/amlguard/blob/main/docs/rules/${rule.id}.md) |`);
    }
  });

  test("unknown format exits 2", async () => {
    const run = await runCli(["rules", "--format", "sarif"]);

    expect(run.code).toBe(2);
  });
});
