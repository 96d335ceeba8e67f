import { armIdSchema, indexAutoscaleSettings, isolationModeOf } from "../../src/audit/related";

const DEPLOYMENT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep/deployments/blue";

describe("armIdSchema", () => {
  test.each([
    { id: DEPLOYMENT, valid: true },
    { id: "//evil.example/subscriptions/s", valid: false },
    { id: "/subscriptions/s/../../tenants", valid: false },
    { id: "/subscriptions/s?api-version=1", valid: false },
    { id: "/subscriptions/s//x", valid: false },
    { id: "subscriptions/s", valid: false },
  ])("$id", ({ id, valid }) => {
    expect(armIdSchema().safeParse(id).success).toBe(valid);
  });
});

describe("isolationModeOf", () => {
  test.each([
    { name: "no managed network", properties: {}, expected: { state: "unset", defaultValue: "Disabled" } },
    { name: "approved outbound only", properties: { managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound" } }, expected: { state: "set", value: "AllowOnlyApprovedOutbound" } },
    { name: "unknown mode", properties: { managedNetwork: { isolationMode: "Open" } }, expected: { state: "invalid" } },
  ])("$name", ({ properties, expected }) => {
    expect(isolationModeOf({ id: "/subscriptions/s", name: "ws", properties })).toMatchObject(expected);
  });
});

describe("indexAutoscaleSettings", () => {
  const setting = (enabled: boolean | undefined, target: string) => ({
    id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/autoscalesettings/a",
    name: "a",
    properties: { enabled, targetResourceUri: target, profiles: [{ name: "p", capacity: { minimum: "1", maximum: "5", default: "2" } }] },
  });

  test("indexes by lower-cased target", () => {
    const index = indexAutoscaleSettings([setting(true, DEPLOYMENT.toUpperCase())], "listing");

    expect(index.ok && index.byTarget.get(DEPLOYMENT.toLowerCase())?.map((profile) => profile.maximum)).toEqual([
      { state: "set", value: 5, path: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/autoscalesettings/a:properties.profiles[0].capacity.maximum" },
    ]);
  });

  test("disabled setting is ignored", () => {
    const index = indexAutoscaleSettings([setting(false, DEPLOYMENT)], "listing");

    expect(index.ok && index.byTarget.size).toBe(0);
  });

  test("setting without enabled is ignored", () => {
    const index = indexAutoscaleSettings([setting(undefined, DEPLOYMENT)], "listing");

    expect(index.ok).toBe(true);
    expect(index.ok && index.byTarget.size).toBe(0);
  });

  test("malformed setting makes the index unreadable", () => {
    expect(indexAutoscaleSettings([{ id: "x" }], "listing").ok).toBe(false);
  });

  test("capacity that is not a count is invalid", () => {
    const bad = setting(true, DEPLOYMENT);
    bad.properties.profiles[0].capacity.maximum = "many";

    const index = indexAutoscaleSettings([bad], "listing");

    expect(index.ok && index.byTarget.get(DEPLOYMENT.toLowerCase())?.[0].maximum.state).toBe("invalid");
  });
});
