import { EXEMPTIONS_KEY } from "../config/limits";
import type { Severity } from "../findings/finding";

/**
 * The policies of the pack that are not rules, with the severity of their violations. The CLI reads them back
 * from event logs, so their names and severities live here beside the rules.
 */
export const LIMITS_FILE_POLICY_METADATA: { readonly name: string; readonly severity: Severity } = { name: "limits-file", severity: "high" };
export const EXEMPTIONS_POLICY_METADATA: { readonly name: string; readonly severity: Severity } = { name: EXEMPTIONS_KEY, severity: "low" };

const PACK_POLICY_SEVERITIES: ReadonlyMap<string, Severity> = new Map(
  [LIMITS_FILE_POLICY_METADATA, EXEMPTIONS_POLICY_METADATA].map((policy): [string, Severity] => [policy.name, policy.severity]),
);

/** Returns the severity of one of the pack's policies that are not rules, or undefined for any other name. */
export function packPolicySeverity(name: string): Severity | undefined {
  return PACK_POLICY_SEVERITIES.get(name);
}
