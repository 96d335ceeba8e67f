import { parseQuantity } from "../../src/model/quantity";

describe("parseQuantity", () => {
  test.each([
    ["500m", 0.5],
    ["2", 2],
    ["1.5", 1.5],
    [".5", 0.5],
    ["2Gi", 2 * 2 ** 30],
    ["512Mi", 512 * 2 ** 20],
    ["1Ki", 1024],
    ["2G", 2e9],
    ["1e3", 1000],
    ["1E3", 1000],
    ['"1"', 1],
    ['"2Gi"', 2 * 2 ** 30],
    [" 4 ", 4],
    ["0", 0],
    ["+1", 1],
    ["+500m", 0.5],
  ])("%s is %d", (text, value) => {
    expect(parseQuantity(text)).toEqual({ ok: true, value });
  });

  test.each([
    ["-1", "is negative"],
    ['"-1"', "is negative"],
    ["junk", "is not a Kubernetes quantity"],
    ["", "is not a Kubernetes quantity"],
    ["3 Gi", "is not a Kubernetes quantity"],
    ["1gi", "is not a Kubernetes quantity"],
    ["1Gb", "is not a Kubernetes quantity"],
    ['""1""', "is not a Kubernetes quantity"],
    ["++1", "is not a Kubernetes quantity"],
    ["+", "is not a Kubernetes quantity"],
    ["1e400", "is too large"],
    ["9".repeat(80), "characters long"],
  ])("%s is rejected", (text, reason) => {
    const parsed = parseQuantity(text);
    expect(parsed.ok ? "accepted" : parsed.reason).toContain(reason);
  });
});
