import type { Finding, ResourceResult, RuleResult, Waiver } from "../findings/finding";
import type { Exemption, ExemptionStatus, ExemptionUse } from "./exemption";
import { resourceMatcher } from "./parse";

const DAY_MS = 86_400_000;

export interface ExemptedResults {
  readonly results: ResourceResult[];
  readonly status: ExemptionStatus;
}

/** Evidence of where the entries came from, copied into the status. */
export interface ExemptionOrigin {
  readonly file?: string;
  readonly sha256?: string;
}

/**
 * Marks every finding an exemption in force matches as waived, and reports which entries applied, expired or
 * matched nothing. An entry applies through the end of its `expires` day in UTC. Pure: `now` is the clock, so
 * the CLI, the audit and the pack's exemptions policy return the same result for the same input.
 */
export function applyExemptions(results: readonly ResourceResult[], exemptions: readonly Exemption[], now: Date, origin: ExemptionOrigin = {}): ExemptedResults {
  const inForce = exemptions.filter((entry) => !isExpired(entry, now));
  const waivedCounts = new Map<number, number>();

  const exempted = results.map((result) => {
    const candidates = entriesMatching(inForce, result.resource);
    if (candidates.length === 0 || result.findings.length === 0) {
      return result;
    }

    const findings = result.findings.map((finding): Finding => {
      const entry = waivingEntry(candidates, finding.ruleId);
      if (entry === undefined) {
        return finding;
      }
      waivedCounts.set(entry.index, (waivedCounts.get(entry.index) ?? 0) + 1);
      return { ...finding, waiver: waiverOf(entry) };
    });
    return { ...result, findings, rules: result.rules.map((rule) => markWaived(rule, findings)) };
  });

  const use = (entry: Exemption): ExemptionUse => ({
    index: entry.index,
    resource: entry.resource,
    rules: entry.rules,
    owner: entry.owner,
    expires: entry.expires,
    waivedFindings: waivedCounts.get(entry.index) ?? 0,
  });

  return {
    results: exempted,
    status: {
      ...(origin.file === undefined ? {} : { file: origin.file }),
      ...(origin.sha256 === undefined ? {} : { sha256: origin.sha256 }),
      entries: exemptions.length,
      applied: inForce.filter((entry) => waivedCounts.has(entry.index)).map(use),
      expired: exemptions.filter((entry) => isExpired(entry, now)).map(use),
      unused: inForce.filter((entry) => !waivedCounts.has(entry.index)).map(use),
    },
  };
}

/**
 * Returns the waiver of one finding, as applyExemptions would give it, without the status of every entry. The
 * pack waives each finding as its policy reports it.
 */
export function waiverFor(finding: Finding, exemptions: readonly Exemption[], now: Date): Waiver | undefined {
  const inForce = exemptions.filter((entry) => !isExpired(entry, now));
  const entry = waivingEntry(entriesMatching(inForce, finding.resource), finding.ruleId);
  return entry === undefined ? undefined : waiverOf(entry);
}

function entriesMatching(entries: readonly Exemption[], resource: Finding["resource"]): Exemption[] {
  return entries.filter((entry) => resourceMatcher(entry.resource)(resource));
}

// The first entry in file order wins, so the waiver a report names does not depend on anything else.
function waivingEntry(candidates: readonly Exemption[], ruleId: string): Exemption | undefined {
  return candidates.find((entry) => entry.rules === "*" || entry.rules.includes(ruleId));
}

/** Returns true once the UTC day after `expires` has begun. */
export function isExpired(entry: Pick<Exemption, "expires">, now: Date): boolean {
  return now.getTime() >= Date.parse(`${entry.expires}T00:00:00Z`) + DAY_MS;
}

function waiverOf(entry: Exemption): Waiver {
  return { exemptionIndex: entry.index, resourcePattern: entry.resource, reason: entry.reason, owner: entry.owner, expires: entry.expires };
}

function markWaived(rule: RuleResult, findings: readonly Finding[]): RuleResult {
  if (rule.outcome !== "failed" && rule.outcome !== "unverified") {
    return rule;
  }
  return allFindingsWaived(rule.ruleId, findings) ? { ...rule, waived: true } : rule;
}

/** Reports whether the rule has findings and exemptions waived every one of them, which marks a rule waived. */
export function allFindingsWaived(ruleId: string, findings: readonly Finding[]): boolean {
  const own = findings.filter((finding) => finding.ruleId === ruleId);
  return own.length > 0 && own.every((finding) => finding.waiver !== undefined);
}
