import { isExpired, waiverFor } from "../../exemptions/apply";
import type { Exemption, ExemptionStatus, ExemptionUse } from "../../exemptions/exemption";
import { parseExemptionEntries, resourceMatcher } from "../../exemptions/parse";
import type { ResourceResult, Waiver } from "../../findings/finding";
import { resourceKey } from "../../findings/run-report";
import { REPORTED_RULES } from "../output";

/**
 * Checks of a shard's exemption status and waivers against each other, so that a merge accepts only what
 * amlguard could have written. A shard that waived its own failures would otherwise pass the gate.
 */

// Exemption entries may name any rule of the catalogue, the stack rule included, as when the CLI loads them.
const EXEMPTIBLE_RULE_IDS: readonly string[] = REPORTED_RULES.map((rule) => rule.id);

/** The counts and entry indexes of a shard's exemption status that its own entry count bounds. */
export type ExemptionCounts = Pick<ExemptionStatus, "entries" | "limitsFileEntries" | "applied" | "expired" | "unused">;

/**
 * Returns why a shard's exemption status cannot be what amlguard wrote, or undefined. Entries from the limits file
 * are some of the entries, and every listed entry's index points at one of them. One run lists each entry once,
 * as applied, expired or unused. A merged report of runs on different days may list an entry as applied and as
 * expired, so `merged` allows that.
 */
export function exemptionsInconsistency(status: ExemptionCounts | undefined, merged: boolean): string | undefined {
  if (status === undefined) {
    return undefined;
  }
  if ((status.limitsFileEntries ?? 0) > status.entries) {
    return `its exemptions state ${status.limitsFileEntries} entries from the limits file, but ${status.entries} entries in all`;
  }
  const listed = listedUses(status);
  const outside = listed.find((use) => use.index >= status.entries);
  if (outside !== undefined) {
    return `its exemptions list entry ${outside.index}, but state ${status.entries} entries`;
  }
  const invalid = invalidEntries(listed);
  if (invalid !== undefined) {
    return invalid;
  }
  const applied = new Set(status.applied.map((use) => use.index));
  const expired = new Set(status.expired.map((use) => use.index));
  const twice = merged
    ? status.unused.find((use) => applied.has(use.index) || expired.has(use.index))
    : listed.find((use, position) => listed.findIndex((other) => other.index === use.index) !== position);
  return twice === undefined ? undefined : `its exemptions list entry ${twice.index} more than once among applied, expired and unused`;
}

/** Returns every entry use that a status lists: the applied, then the expired, then the unused ones. */
export function listedUses(status: Pick<ExemptionStatus, "applied" | "expired" | "unused">): ExemptionUse[] {
  return [...status.applied, ...status.expired, ...status.unused];
}

/**
 * Returns why a shard's waived findings disagree with its exemption status, or undefined. amlguard waives a
 * finding only through an entry in force whose pattern matches the resource and whose rules cover the finding,
 * and lists that entry as applied with the number of findings it waived. An entry in force when the exemptions
 * were applied was in force when the run started, which is no later. Without this check a shard could waive its
 * own failures and pass a merge with exit code 0.
 */
export function waiversInconsistency(results: readonly ResourceResult[], status: Pick<ExemptionStatus, "applied"> | undefined, startedAt: string): string | undefined {
  const applied = new Map((status?.applied ?? []).map((entry) => [entry.index, entry]));
  const started = new Date(startedAt);
  for (const entry of applied.values()) {
    if (isExpired(entry, started)) {
      return `its exemptions list entry ${entry.index} as applied, but it expired on ${entry.expires}, before the run started at ${startedAt}`;
    }
  }

  const waivedBy = new Map<number, number>();
  for (const result of results) {
    for (const finding of result.findings) {
      const waiver = finding.waiver;
      if (waiver === undefined) {
        continue;
      }
      const entry = applied.get(waiver.exemptionIndex);
      const where = `${resourceKey(result)} has a finding of rule ${finding.ruleId} waived by exemption entry ${waiver.exemptionIndex}`;
      if (entry === undefined) {
        return `${where}, which its exemptions do not list as applied`;
      }
      if (entry.rules !== "*" && !entry.rules.includes(finding.ruleId)) {
        return `${where}, whose rules (${entry.rules.join(", ")}) do not cover it`;
      }
      const differing = (["resource", "owner", "expires"] as const).find((field) => entry[field] !== waiverField(waiver, field));
      if (differing !== undefined) {
        return `${where}, whose ${differing} is ${JSON.stringify(entry[differing])} in the exemptions and ${JSON.stringify(waiverField(waiver, differing))} in the waiver`;
      }
      if (!resourceMatcher(entry.resource)(result.resource)) {
        return `${where}, whose resource pattern ${entry.resource} does not match it`;
      }
      waivedBy.set(waiver.exemptionIndex, (waivedBy.get(waiver.exemptionIndex) ?? 0) + 1);
    }
  }
  for (const entry of applied.values()) {
    const count = waivedBy.get(entry.index) ?? 0;
    if (count !== entry.waivedFindings) {
      return `its exemptions list entry ${entry.index} as waiving ${entry.waivedFindings} findings, and ${count} of its findings name it`;
    }
  }
  return undefined;
}

// A waiver names the entry's pattern `resourcePattern`; its other fields have the entry's names.
function waiverField(waiver: Waiver, field: "resource" | "owner" | "expires"): string {
  return field === "resource" ? waiver.resourcePattern : waiver[field];
}

// A listed use has every field of its entry but the reason, which no check here reads, so it gets a placeholder.
function entryOf({ index, resource, rules, owner, expires }: ExemptionUse): Exemption {
  return { index, resource, rules: rules === "*" ? rules : [...rules], owner, expires, reason: "listed by the shard" };
}

/**
 * Returns why an entry that a shard lists could not have been loaded, or undefined. amlguard loads only entries
 * whose pattern names a scope, whose rules are in the catalogue and whose expiry is a date, and lists each as it
 * loaded it.
 */
function invalidEntries(listed: readonly ExemptionUse[]): string | undefined {
  // The file's schema has no `index`, which the position in the list gives.
  const entries = listed.map((use) => {
    const { index: _index, ...entry } = entryOf(use);
    return entry;
  });
  try {
    parseExemptionEntries(entries, EXEMPTIBLE_RULE_IDS, "exemption entries");
    return undefined;
  } catch (error) {
    return `its exemptions list an entry amlguard would not load (${(error as Error).message.replaceAll("\n", " ")})`;
  }
}

/**
 * Returns why a shard's waivers are not the ones amlguard gives, or undefined. In one run the entries in force
 * are the applied and the unused ones, and each finding is waived by the first entry in force whose pattern
 * matches its resource and whose rules cover it, or by none. A merged report's entries were in force on different
 * days, so this check is for a shard that is one run.
 */
export function waiverChoiceInconsistency(results: readonly ResourceResult[], status: ExemptionStatus | undefined, startedAt: string): string | undefined {
  if (status === undefined) {
    return undefined;
  }
  const inForce: Exemption[] = [...status.applied, ...status.unused].map((use) => entryOf(use)).sort((a, b) => a.index - b.index);
  const now = new Date(startedAt);
  for (const result of results) {
    for (const finding of result.findings) {
      const expected = waiverFor({ ...finding, resource: result.resource }, inForce, now)?.exemptionIndex;
      const named = finding.waiver?.exemptionIndex;
      if (expected !== named) {
        const waived = named === undefined ? "is not waived" : `is waived by entry ${named}`;
        const first = expected === undefined ? "no entry in force waives it" : `entry ${expected} is the first in force that waives it`;
        return `${resourceKey(result)} has a finding of rule ${finding.ruleId} that ${waived}, but ${first}`;
      }
    }
  }
  return undefined;
}
