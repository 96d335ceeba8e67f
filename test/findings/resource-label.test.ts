import type { ResourceResult } from "../../src/findings/finding";
import { resourceLabel } from "../../src/findings/run-report";
import type { ResourceRef } from "../../src/model/deployment";

function labelOf(resource: ResourceRef): string {
  const result: ResourceResult = { resource, status: "not-evaluated", reason: "test", findings: [], rules: [] };
  return resourceLabel(result);
}

describe("resource label", () => {
  test.each<[string, ResourceRef, string]>([
    ["deployment of an endpoint", { name: "blue", endpointName: "scoring", source: "cli-yaml", file: "d.yml" }, "deployment 'blue' of endpoint 'scoring'"],
    [
      "template deployment in a workspace",
      { name: "blue", endpointName: "scoring", workspaceName: "mlw-dev", source: "arm-template", file: "t.json", type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments" },
      "deployment 'blue' of endpoint 'scoring' in workspace 'mlw-dev'",
    ],
    [
      "audited deployment",
      { id: "/subscriptions/s/x", name: "blue", endpointName: "scoring", workspaceName: "mlw-dev", source: "arm", type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments" },
      "deployment 'blue' of endpoint 'scoring'",
    ],
    ["file without a deployment", { name: "empty.json", source: "arm", file: "empty.json" }, "file 'empty.json'"],
    ["subscription", { id: "/subscriptions/1", name: "1", source: "arm", type: "Microsoft.Resources/subscriptions" }, "subscription '1'"],
    ["resource group", { id: "/subscriptions/1/resourceGroups/rg", name: "rg", source: "arm", type: "Microsoft.Resources/resourceGroups" }, "resource group 'rg'"],
    ["workspace", { id: "/w", name: "mlw", source: "arm", type: "Microsoft.MachineLearningServices/workspaces" }, "workspace 'mlw'"],
  ])("%s", (_case, resource, expected) => {
    expect(labelOf(resource)).toBe(expected);
  });
});
