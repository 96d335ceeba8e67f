import { runRule } from "../../src/engine/evaluate";
import type { Finding, FindingKind, FindingLevel, FindingValue } from "../../src/findings/finding";
import type { OnlineDeployment, RelatedResources } from "../../src/model/deployment";
import { unknownField } from "../../src/model/field";
import type { Rule } from "../../src/rules/rule";
import { readDeploymentYaml } from "../../src/sources/deployment-yaml";
import { parsePositioned } from "../../src/sources/locator";
import { type ArmDeploymentOptions, deployment, withField } from "../support/deployment-builder";

/** One finding a case expects; `kind` defaults to violation and `enforcementLevel` to the rule's default level. */
export interface ExpectedFinding {
  readonly path: string;
  readonly actual: FindingValue | null;
  readonly limit: FindingValue | null;
  readonly actualIsDefault?: boolean;
  readonly kind?: FindingKind;
  readonly enforcementLevel?: FindingLevel;
}

export interface RuleCase extends ArmDeploymentOptions {
  readonly name: string;
  readonly limits?: Record<string, unknown>;
  readonly related?: RelatedResources;
  /** Findings in the order the rule reports them; an empty list is a pass. */
  readonly expected: readonly ExpectedFinding[];
}

export interface UnknownCase extends ArmDeploymentOptions {
  readonly name: string;
  /** Model path of the field that is not known: `["requestSettings", "requestTimeoutMs"]`. */
  readonly field: readonly string[];
  /** The source path the field carries, which the finding names. */
  readonly path: string;
  readonly limits?: Record<string, unknown>;
}

type Projection = Required<ExpectedFinding>;

function project(finding: Finding): Projection {
  return {
    path: finding.path,
    actual: finding.actual,
    limit: finding.limit,
    actualIsDefault: finding.actualIsDefault,
    kind: finding.kind,
    enforcementLevel: finding.enforcementLevel,
  };
}

function levelOf(rule: Rule): FindingLevel {
  return rule.defaultEnforcementLevel === "advisory" ? "advisory" : "mandatory";
}

/** Runs one rule on one deployment at its default level, as the engine does. */
export function findingsOf(rule: Rule, options: ArmDeploymentOptions, limits: Record<string, unknown> = {}, related?: RelatedResources): Finding[] {
  return runAtDefaultLevel(rule, deployment(options, related), limits);
}

function runAtDefaultLevel(rule: Rule, target: OnlineDeployment, limits: Record<string, unknown>): Finding[] {
  const level = rule.defaultEnforcementLevel === "disabled" ? "advisory" : rule.defaultEnforcementLevel;
  return runRule(rule, target, rule.limits.parse(limits), level);
}

/** Runs one rule with its default limits on the single deployment of an Azure ML CLI YAML text. */
export function findingsOfYaml(rule: Rule, text: string): Finding[] {
  const [item] = readDeploymentYaml(parsePositioned(text), "deployment.yml");
  if (item.kind !== "deployment") {
    throw new Error(`expected a deployment, got: ${item.reason}`);
  }
  return runAtDefaultLevel(rule, item.deployment, {});
}

/** Declares a jest table for a rule: each case's findings, projected to the fields a reader acts on. */
export function describeRuleCases(rule: Rule, cases: readonly RuleCase[], unknownCases: readonly UnknownCase[] = []): void {
  describe(rule.id, () => {
    test.each(cases.map((ruleCase) => [ruleCase.name, ruleCase] as const))("%s", (_name, ruleCase) => {
      const findings = findingsOf(rule, ruleCase, ruleCase.limits, ruleCase.related);
      const expected = ruleCase.expected.map((finding) => ({
        kind: "violation" as FindingKind,
        enforcementLevel: levelOf(rule),
        actualIsDefault: false,
        ...finding,
      }));
      expect(findings.map(project)).toEqual(expected);
    });

    test.each(cases.filter((ruleCase) => ruleCase.expected.length > 0).map((ruleCase) => [ruleCase.name, ruleCase] as const))(
      "%s: message names the path",
      (_name, ruleCase) => {
        const findings = findingsOf(rule, ruleCase, ruleCase.limits, ruleCase.related);
        for (const finding of findings) {
          expect(finding.message).toContain(finding.path);
        }
      },
    );

    for (const unknownCase of unknownCases) {
      const known = deployment(unknownCase);
      const target = withField(known, unknownCase.field, unknownField(unknownCase.path));

      test(`${unknownCase.name}: unknown is advisory`, () => {
        const findings = runRule(rule, target, rule.limits.parse({ ...unknownCase.limits }), "mandatory").map(project);
        expect(findings).toEqual([
          { path: unknownCase.path, actual: null, limit: null, actualIsDefault: false, kind: "unknown", enforcementLevel: "advisory" },
        ]);
      });

      test(`${unknownCase.name}: unknown fails closed`, () => {
        const findings = runRule(rule, target, rule.limits.parse({ ...unknownCase.limits, unknownValues: "mandatory" }), "mandatory").map(project);
        expect(findings).toEqual([
          { path: unknownCase.path, actual: null, limit: null, actualIsDefault: false, kind: "unknown", enforcementLevel: "mandatory" },
        ]);
      });
    }
  });
}

/** An expected invalid finding: the raw value as the source rendered it, with no limit. */
export function invalid(path: string, raw: string, enforcementLevel?: FindingLevel): ExpectedFinding {
  return { path, actual: raw, limit: null, kind: "invalid", ...(enforcementLevel === undefined ? {} : { enforcementLevel }) };
}
