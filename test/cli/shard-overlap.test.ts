import { findOverlap } from "../../src/cli/commands/shard-overlap";
import type { ResourceResult } from "../../src/findings/finding";

// A resource an audit could not read as itself has no id, URN or file, only a name built from its listing.
const unread: ResourceResult = {
  resource: { name: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints#0", source: "arm", type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints" },
  status: "not-evaluated",
  reason: "misplaced response",
  findings: [],
  rules: [],
};

describe("findOverlap", () => {
  test("resource without id or file names no file", () => {
    const message = findOverlap([
      { file: "a.json", results: [unread], inputs: [] },
      { file: "b.json", results: [unread], inputs: [] },
    ]);

    expect(message).toContain(`online endpoint '${unread.resource.name}' is in both a.json and b.json`);
    expect(message).not.toContain("in file");
  });
});
