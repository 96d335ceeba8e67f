import { loadDeploymentShapes } from "../../bench/corpus";
import { runRule } from "../../src/engine/evaluate";
import type { Finding } from "../../src/findings/finding";
import type { OnlineDeployment, RelatedResources } from "../../src/model/deployment";
import { setField, unknownField } from "../../src/model/field";
import { RULES } from "../../src/rules/index";
import { CORPUS_DIR } from "../support/corpus";
import { autoscaleProfile } from "../support/deployment-builder";

// The pack trusts `relatedFacts`: a rule that does not declare a fact is not judged again when the stack shows
// it. So a rule's findings must not change with a fact it does not declare, and a declared fact must matter.

const ISOLATION = "workspace.properties.managedNetwork.isolationMode";
const VARIANTS: Record<keyof RelatedResources, readonly RelatedResources[]> = {
  workspaceIsolationMode: [
    { workspaceIsolationMode: setField(ISOLATION, "AllowOnlyApprovedOutbound") },
    { workspaceIsolationMode: setField(ISOLATION, "AllowInternetOutbound") },
    { workspaceIsolationMode: unknownField(ISOLATION) },
  ],
  autoscaleProfiles: [
    { autoscaleProfiles: [autoscaleProfile(0, 1, 100)] },
    { autoscaleProfiles: [autoscaleProfile(2, 3, 5)] },
    { autoscaleProfiles: [autoscaleProfile(9, 4, 1)] },
  ],
};

const FACTS = Object.keys(VARIANTS) as (keyof RelatedResources)[];
const { deployments } = loadDeploymentShapes(CORPUS_DIR);

function findingKeys(rule: (typeof RULES)[number], deployment: OnlineDeployment): string[] {
  const limits = rule.limits.parse({});
  return runRule(rule, deployment, limits, "mandatory").map((finding: Finding) => `${finding.kind} ${finding.path} ${finding.message}`);
}

describe("related facts of rules", () => {
  test("corpus has deployments", () => {
    expect(deployments.length).toBeGreaterThan(10);
  });

  const cases = RULES.flatMap((rule) => FACTS.map((fact) => [rule.id, fact, rule, (rule.relatedFacts ?? []).includes(fact)] as const));

  test.each(cases.filter(([, , , declared]) => !declared))("%s ignores %s", (_id, fact, rule) => {
    for (const deployment of deployments) {
      const alone = findingKeys(rule, { ...deployment, related: undefined });
      for (const related of VARIANTS[fact]) {
        expect(findingKeys(rule, { ...deployment, related })).toEqual(alone);
      }
    }
  });

  test.each(cases.filter(([, , , declared]) => declared))("%s depends on %s", (_id, fact, rule) => {
    const changed = deployments.some((deployment) => {
      const alone = findingKeys(rule, { ...deployment, related: undefined });
      return VARIANTS[fact].some((related) => JSON.stringify(findingKeys(rule, { ...deployment, related })) !== JSON.stringify(alone));
    });
    expect(changed).toBe(true);
  });
});
