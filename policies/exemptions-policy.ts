import type { StackValidationPolicy } from "@pulumi/policy";
import * as z from "zod";
import { applyExemptions } from "../src/exemptions/apply";
import { ExemptionEntriesSchema } from "../src/exemptions/exemption";
import { EXEMPTIONS_POLICY_METADATA } from "../src/rules/pack-policies";
import { reportMandatory } from "./report";
import { parseEntries } from "./waivers";

/**
 * Builds the `exemptions` policy. Its config contains the same entries as an exemptions file, under `entries`;
 * every rule's policy applies them. The policy itself reports an invalid config and the entries that expired,
 * which no longer waive anything.
 */
export function exemptionsPolicy(): StackValidationPolicy {
  const entriesSchema = z.toJSONSchema(ExemptionEntriesSchema, { target: "draft-7", io: "input" }) as Record<string, unknown>;
  delete entriesSchema.$schema;

  return {
    name: EXEMPTIONS_POLICY_METADATA.name,
    description: "Exemptions waive named rules for matching resources until their expiry date; expired entries are reported.",
    enforcementLevel: "advisory",
    severity: EXEMPTIONS_POLICY_METADATA.severity,
    remediationSteps: "Renew an expired exemption with a new expiry date, or remove it and fix the resource.",
    configSchema: { properties: { entries: entriesSchema as never } },
    validateStack: (args, reportViolation) => {
      const raw = (args.getConfig() as { entries?: unknown }).entries;
      if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) {
        args.notApplicable("the policy pack config has no exemptions");
      }

      const entries = parseEntries(raw);
      if (!entries.ok) {
        reportMandatory(reportViolation, entries.message);
        return;
      }

      const status = applyExemptions([], entries.entries, new Date()).status;
      for (const entry of status.expired) {
        reportViolation(
          `Exemption ${entry.index} (resource ${entry.resource}, owner ${entry.owner}) expired on ${entry.expires} and no longer waives findings. ` +
            "Renew it with a new expiry date, or remove it and fix the resource.",
        );
      }
    },
  };
}
