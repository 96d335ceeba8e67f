import * as z from "zod";
import type { RuleMetadata } from "../rules/rule";
import { RULE_CATALOGUE_VERSION } from "../version";
import { countOf } from "./plain-text";

/** One limit of a rule as the limits file spells it, with its default. */
export interface CatalogueLimit {
  readonly name: string;
  readonly description: string;
  /** JSON Schema type of the value (`string`, `integer`, `boolean` …). */
  readonly type: string;
  /** The default as the limits file would spell it, for example `"PT90S"` for a duration. */
  readonly default: unknown;
}

/** A rule as the catalogue needs it: the metadata, the limits schema, and `kind: "stack"` for stack rules. */
export type CatalogueInput = RuleMetadata & { readonly limits: z.ZodType; readonly kind?: "stack" };

export interface CatalogueRule {
  readonly id: string;
  /** `deployment` for a rule judged on each deployment, `stack` for one judged over all deployments of a stack. */
  readonly scope: "deployment" | "stack";
  readonly description: string;
  readonly severity: RuleMetadata["severity"];
  readonly defaultEnforcementLevel: RuleMetadata["defaultEnforcementLevel"];
  readonly computeTypes: RuleMetadata["computeTypes"];
  readonly rationale: string;
  readonly remediation: string;
  readonly azureFact: RuleMetadata["azureFact"];
  readonly helpUri: string;
  readonly limits: readonly CatalogueLimit[];
}

export interface RuleCatalogue {
  readonly ruleCatalogueVersion: string;
  readonly rules: readonly CatalogueRule[];
}

interface JsonSchemaProperty {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
}

/** Describes every rule with its default limits, read from the zod schemas so the catalogue cannot drift from them. */
export function ruleCatalogue(rules: readonly CatalogueInput[]): RuleCatalogue {
  return { ruleCatalogueVersion: RULE_CATALOGUE_VERSION, rules: rules.map(catalogueRule) };
}

/** Returns a rule's limits with their defaults as the limits file spells them (input side of the schema). */
export function ruleLimits(rule: Pick<CatalogueInput, "limits">): CatalogueLimit[] {
  const schema = z.toJSONSchema(rule.limits, { io: "input" }) as { properties?: Record<string, JsonSchemaProperty> };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    description: property.description ?? "",
    type: property.type ?? "value",
    default: property.default,
  }));
}

function catalogueRule(rule: CatalogueInput): CatalogueRule {
  return {
    id: rule.id,
    scope: rule.kind === "stack" ? "stack" : "deployment",
    description: rule.description,
    severity: rule.severity,
    defaultEnforcementLevel: rule.defaultEnforcementLevel,
    computeTypes: rule.computeTypes,
    rationale: rule.rationale,
    remediation: rule.remediation,
    azureFact: rule.azureFact,
    helpUri: rule.helpUri,
    limits: ruleLimits(rule),
  };
}

export function renderCatalogueJson(catalogue: RuleCatalogue): string {
  return `${JSON.stringify(catalogue, null, 2)}\n`;
}

/** Renders the catalogue for a terminal: one block per rule. */
export function renderCatalogueTable(catalogue: RuleCatalogue): string {
  const lines = [`Rule catalogue ${catalogue.ruleCatalogueVersion}: ${countOf(catalogue.rules.length, "rule")}.`, ""];
  for (const rule of catalogue.rules) {
    lines.push(
      `${rule.id}  (${rule.severity}, default ${rule.defaultEnforcementLevel}, ${rule.computeTypes.join(" and ")}${rule.scope === "stack" ? ", stack rule" : ""})`,
      `    ${rule.description}`,
      ...rule.limits.map((limit) => `    ${limit.name} = ${JSON.stringify(limit.default)}: ${limit.description}`),
      `    ${rule.helpUri}`,
      "",
    );
  }
  return `${lines.join("\n")}`;
}

/** Renders the catalogue as a Markdown table of rules followed by each rule's limits. */
export function renderCatalogueMarkdown(catalogue: RuleCatalogue): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r\n|\r|\n/g, "<br>");
  const lines = [
    `# amlguard rules (catalogue ${catalogue.ruleCatalogueVersion})`,
    "",
    "| Rule | Scope | Severity | Default level | Compute types | Description |",
    "| --- | --- | --- | --- | --- | --- |",
    ...catalogue.rules.map(
      (rule) => `| [${rule.id}](${rule.helpUri}) | ${rule.scope} | ${rule.severity} | ${rule.defaultEnforcementLevel} | ${rule.computeTypes.join(", ")} | ${cell(rule.description)} |`,
    ),
    "",
  ];
  for (const rule of catalogue.rules) {
    lines.push(`## ${rule.id}`, "", "| Limit | Default | Description |", "| --- | --- | --- |");
    lines.push(...rule.limits.map((limit) => `| \`${limit.name}\` | \`${cell(JSON.stringify(limit.default) ?? "none")}\` | ${cell(limit.description)} |`), "");
  }
  return `${lines.join("\n")}`;
}
