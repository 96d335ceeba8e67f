import { armIdKey, parseDeploymentId } from "../../src/sources/arm-id";

const ENDPOINT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep";

describe("parseDeploymentId", () => {
  test("decodes escaped names", () => {
    expect(parseDeploymentId(`${ENDPOINT}/deployments/blue%2D0000`)?.deploymentName).toBe("blue-0000");
  });

  test.each([
    { name: "malformed escape", id: `${ENDPOINT}/deployments/blue%zz` },
    { name: "cut-off escape", id: `${ENDPOINT}/deployments/blue%E0%A4%A` },
    { name: "escaped slash", id: `${ENDPOINT}/deployments/a%2Fb` },
  ])("$name is not a deployment id", ({ id }) => {
    expect(parseDeploymentId(id)).toBeUndefined();
  });
});

describe("armIdKey", () => {
  test("case and escapes compare equal", () => {
    expect(armIdKey(`${ENDPOINT}/deployments/blue%2D0000`)).toBe(armIdKey(`${ENDPOINT.toUpperCase()}/deployments/BLUE-0000`));
  });

  test("escaped slash stays one segment", () => {
    expect(armIdKey(`${ENDPOINT}%2Fdeployments%2Fmain`)).not.toBe(armIdKey(`${ENDPOINT}/deployments/main`));
  });

  test("double-encoded slash is another name", () => {
    expect(armIdKey(`${ENDPOINT}/deployments/%252F`)).not.toBe(armIdKey(`${ENDPOINT}/deployments/%2F`));
  });

  test("malformed escape compares as written", () => {
    expect(armIdKey(`${ENDPOINT}/deployments/blue%zz`)).toBe(`${ENDPOINT}/deployments/blue%zz`.toLowerCase());
  });
});
