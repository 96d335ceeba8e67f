import { type Lookup, createChildLookup, plainAccess } from "../../src/sources/property-access";

describe("createChildLookup", () => {
  const child = createChildLookup(plainAccess);

  test.each<{ name: string; parent: Lookup }>([
    { name: "absent parent", parent: { kind: "absent" } },
    { name: "unknown parent", parent: { kind: "unknown", reason: "is computed at apply" } },
    { name: "unreadable parent", parent: { kind: "unreadable", reason: "is not valid JSON" } },
  ])("$name passes its state on", ({ parent }) => {
    expect(child(parent, "period")).toEqual(parent);
  });

  test("object parent reads the key", () => {
    expect(child({ kind: "present", value: { period: "PT10S" } }, "period")).toEqual({ kind: "present", value: "PT10S" });
  });

  test("non-object parent is unreadable", () => {
    expect(child({ kind: "present", value: ["PT10S"] }, "period")).toEqual({
      kind: "unreadable",
      reason: "cannot be read because its parent is an array of 1 item, not an object",
      parentValue: ["PT10S"],
    });
  });

  test("reason uses the source's term", () => {
    const yamlChild = createChildLookup(plainAccess, "a mapping");

    expect(yamlChild({ kind: "present", value: "fast" }, "request_timeout_ms")).toEqual({
      kind: "unreadable",
      reason: 'cannot be read because its parent is "fast", not a mapping',
      parentValue: "fast",
    });
  });
});
