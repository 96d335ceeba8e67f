import fc from "fast-check";
import { formatIsoDuration, parseIsoDuration } from "../../src/model/duration";

describe("parseIsoDuration", () => {
  test.each([
    ["PT0.5S", 500],
    ["PT5S", 5_000],
    ["PT1M30S", 90_000],
    ["PT1M30.5S", 90_500],
    ["P1DT2H", 93_600_000],
    ["P7D", 604_800_000],
    ["PT0S", 0],
    ["PT1H0.5S", 3_600_500],
    ["PT5M", 300_000],
  ])("%s is %d ms", (text, milliseconds) => {
    expect(parseIsoDuration(text)).toEqual({ ok: true, milliseconds });
  });

  test("any text gives a finite result or a reason", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^-?P[0-9.,YMWDTHS]{0,12}$/)), (text) => {
        const parsed = parseIsoDuration(text);
        expect(parsed.ok ? Number.isFinite(parsed.milliseconds) && parsed.milliseconds >= 0 : parsed.reason.length > 0).toBe(true);
      }),
    );
  });

  test.each([
    ["PT", "is not an ISO 8601 duration"],
    ["P", "is not an ISO 8601 duration"],
    ["P2DT", "is not an ISO 8601 duration"],
    ["P1M", "uses years or months"],
    ["P1Y", "uses years or months"],
    ["P1Y2M", "uses years or months"],
    ["-PT5S", "is negative"],
    ["5 seconds", "is not an ISO 8601 duration"],
    ["pt5s", "is not an ISO 8601 duration"],
    ["PT1.5M30S", "only seconds may have one"],
    ["P1.5DT2H", "only seconds may have one"],
    ["PT1.5H", "only seconds may have one"],
    ["PT1H0.5M", "only seconds may have one"],
    ["P1W", "uses weeks"],
    ["P0W", "uses weeks"],
    ["PT1,5S", "has a decimal comma"],
    ["PT1M30,5S", "has a decimal comma"],
    ["P99999999999999D", "is too large"],
    ["PT99999999999999999999S", "is too large"],
    [`PT${"1".repeat(80)}S`, "characters long"],
  ])("%s is rejected", (text, reason) => {
    const parsed = parseIsoDuration(text);
    expect(parsed.ok ? "accepted" : parsed.reason).toContain(reason);
  });
});

describe("formatIsoDuration", () => {
  test.each([
    [0, "PT0S"],
    [500, "PT0.5S"],
    [90_000, "PT1M30S"],
    [93_600_000, "P1DT2H"],
    [90_001, "PT1M30.001S"],
    [86_400_000, "P1D"],
  ])("%d ms is %s", (milliseconds, text) => {
    expect(formatIsoDuration(milliseconds)).toBe(text);
  });

  test.each([0, 500, 1_000, 90_000, 90_001, 93_600_000, 3_723_004])("%d ms round-trips", (milliseconds) => {
    expect(parseIsoDuration(formatIsoDuration(milliseconds))).toEqual({ ok: true, milliseconds });
  });

  test("any whole millisecond count round-trips", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (milliseconds) => {
        expect(parseIsoDuration(formatIsoDuration(milliseconds))).toEqual({ ok: true, milliseconds });
      }),
    );
  });
});
