import type { Finding, FindingLevel } from "../findings/finding";
import type { OnlineDeployment, ResourceRef } from "../model/deployment";
import { type EffectiveValue, type Field, type UnknownField, effectiveValue } from "../model/field";
import { type FindingDraft, invalidFieldDraft, unknownFieldsDraft } from "./evaluate";
import type { CommonLimits } from "../rules/rule";
import type { StackRule, StackRuleContext } from "../rules/stack/stack-rule";


/**
 * Runs one stack rule over deployments judged together. A violation of the whole set is reported on `stack`.
 * An unknown or invalid field is reported on its own deployment, with one unknown finding per deployment.
 */
export function runStackRule(
  rule: StackRule,
  deployments: readonly OnlineDeployment[],
  limits: unknown,
  level: "advisory" | "mandatory" | "remediate",
  stack: ResourceRef,
): Finding[] {
  const findingLevel: FindingLevel = level === "advisory" ? "advisory" : "mandatory";
  const findings: Finding[] = [];
  const unknownFields = new Map<OnlineDeployment, UnknownField[]>();
  const invalidPaths = new Set<string>();

  const finding = (resource: ResourceRef, kind: Finding["kind"], draft: FindingDraft, findingLevelOverride?: FindingLevel): Finding => ({
    ruleId: rule.id,
    severity: rule.severity,
    enforcementLevel: findingLevelOverride ?? findingLevel,
    kind,
    resource,
    ...draft,
  });

  const context: StackRuleContext = {
    read<T>(deployment: OnlineDeployment, field: Field<T>): EffectiveValue<T> | undefined {
      if (field.state === "unknown") {
        const fields = unknownFields.get(deployment) ?? [];
        if (!fields.some((known) => known.path === field.path)) {
          fields.push(field);
        }
        unknownFields.set(deployment, fields);
        return undefined;
      }
      if (field.state === "invalid") {
        const key = `${deployment.ref.urn ?? deployment.ref.id ?? deployment.ref.name}\u0000${field.path}`;
        if (!invalidPaths.has(key)) {
          invalidPaths.add(key);
          findings.push(finding(deployment.ref, "invalid", invalidFieldDraft(field)));
        }
        return undefined;
      }
      return effectiveValue(field);
    },
    report(violation, deployment) {
      findings.push(finding(deployment?.ref ?? stack, "violation", violation));
    },
    reportUnjudged(deployment, violation) {
      findings.push(finding(deployment.ref, "invalid", violation));
    },
  };

  try {
    rule.check(deployments, limits, context);
  } catch (error) {
    // A rule that throws must not hide its verdict: the stack fails the rule with the error named.
    const detail = error instanceof Error ? error.message : String(error);
    findings.push(
      finding(stack, "invalid", {
        path: "",
        actual: null,
        actualIsDefault: false,
        limit: null,
        message: `Rule ${rule.id} failed on this stack (${detail}), so it cannot pass. Report this error to the amlguard maintainers.`,
      }),
    );
  }

  const unknownLevel: FindingLevel = (limits as CommonLimits).unknownValues === "mandatory" ? "mandatory" : "advisory";
  for (const [deployment, fields] of unknownFields) {
    findings.push(finding(deployment.ref, "unknown", unknownFieldsDraft(rule.id, fields), unknownLevel));
  }
  return findings;
}
