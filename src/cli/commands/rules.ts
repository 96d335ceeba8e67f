import { type Command, Option } from "commander";
import { renderCatalogueJson, renderCatalogueMarkdown, renderCatalogueTable, ruleCatalogue } from "../../reporters/rule-catalogue";
import { REPORTED_RULES } from "../output";

const CATALOGUE_FORMATS = ["table", "json", "markdown"] as const;
type CatalogueFormat = (typeof CATALOGUE_FORMATS)[number];

export function registerRules(program: Command): void {
  program
    .command("rules")
    .description("List every rule (deployment rules and stack rules) with its severity, default enforcement level and default limits.")
    .addOption(new Option("--format <format>", "output format (default: table on a terminal, json otherwise)").choices(CATALOGUE_FORMATS))
    .action((options: { format?: CatalogueFormat }) => {
      const format = options.format ?? (process.stdout.isTTY ? "table" : "json");
      const catalogue = ruleCatalogue(REPORTED_RULES);
      const render = { table: renderCatalogueTable, json: renderCatalogueJson, markdown: renderCatalogueMarkdown }[format];
      process.stdout.write(render(catalogue));
    });
}
