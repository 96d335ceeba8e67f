import { ResultPool } from "../../src/audit/result-pool";
import { defaultConfig } from "../../src/config/limits";
import { evaluateItems } from "../../src/engine/evaluate";
import { deploymentBody } from "../../src/emulator/routes";
import { SAMPLE_TENANT } from "../../src/emulator/sample-tenant";
import { RULES } from "../../src/rules/index";
import { readArmResource } from "../../src/sources/arm-json";
import type { SourceItem } from "../../src/sources/source-item";

function sampleItems(): SourceItem[] {
  const items: SourceItem[] = [];
  for (const subscription of SAMPLE_TENANT.subscriptions) {
    for (const group of subscription.resourceGroups) {
      for (const workspace of group.workspaces) {
        for (const endpoint of workspace.endpoints) {
          for (const deployment of endpoint.deployments) {
            items.push(readArmResource(deploymentBody(subscription, group, workspace, endpoint, deployment), undefined, []));
          }
        }
      }
    }
  }
  return [...items, { kind: "not-evaluated", ref: { name: "ws", source: "arm" }, reason: "the listing failed" }];
}

describe("ResultPool", () => {
  const results = evaluateItems(sampleItems(), RULES, defaultConfig(RULES));

  test("keeps each result unchanged", () => {
    const pool = new ResultPool();
    const compacted = results.map((result) => pool.compact(result));

    expect(compacted).toStrictEqual(results);
    expect(results.some((result) => result.findings.length > 0)).toBe(true);
  });

  test("shares the ref with findings", () => {
    const pool = new ResultPool();
    for (const result of results.map((each) => pool.compact(each))) {
      for (const finding of result.findings) {
        expect(finding.resource).toBe(result.resource);
      }
    }
  });
});
