import { ConfigError } from "../src/config/limits";
import { waiverFor } from "../src/exemptions/apply";
import type { Exemption } from "../src/exemptions/exemption";
import { parseExemptionEntries } from "../src/exemptions/parse";
import type { Finding } from "../src/findings/finding";
import { RULES } from "../src/rules/index";
import { STACK_RULES } from "../src/rules/stack/index";
import { configGeneration, configuredExemptionEntries } from "./config-keys";

/** Ids an exemption may name: every deployment rule and stack rule of the pack. */
export const EXEMPTIBLE_RULE_IDS: readonly string[] = [...RULES, ...STACK_RULES].map((rule) => rule.id);

export type ParsedEntries = { readonly ok: true; readonly entries: readonly Exemption[] } | { readonly ok: false; readonly message: string };

/** Validates exemption entries from the pack's config. */
export function parseEntries(raw: unknown): ParsedEntries {
  try {
    return { ok: true, entries: parseExemptionEntries(raw ?? [], EXEMPTIBLE_RULE_IDS, "exemptions policy config") };
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      throw error;
    }
    return { ok: false, message: `${error.message}\nFix exemptions.entries in the file passed to --policy-pack-config.` };
  }
}

// Every reported finding needs the entries, and they change only with a Configure request, so they are parsed
// once per Configure. Without Configure tracking there are no entries to parse, and the result stays the same.
let configured: { readonly generation: number | undefined; readonly result: ParsedEntries } | undefined;

function configuredEntries(): ParsedEntries {
  const generation = configGeneration();
  if (configured === undefined || configured.generation !== generation) {
    configured = { generation, result: parseEntries(configuredExemptionEntries()) };
  }
  return configured.result;
}

/**
 * Returns the finding with its waiver when an exemption in force matches its resource and rule. Invalid entries
 * waive nothing, so a broken exemptions config fails closed, and the exemptions policy reports it.
 */
export function waiveFinding(finding: Finding, now = new Date()): Finding {
  const entries = configuredEntries();
  if (!entries.ok || entries.entries.length === 0) {
    return finding;
  }
  const waiver = waiverFor(finding, entries.entries, now);
  return waiver === undefined ? finding : { ...finding, waiver };
}

