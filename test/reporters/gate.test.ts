import type { Finding, ResourceResult } from "../../src/findings/finding";
import { EXIT_CODES, type FailOn, exitCodeFor } from "../../src/findings/report";
import { fileResults } from "./run-fixtures";

/** The fixture's evaluated resources, with every finding replaced by one finding of the given shape. */
async function resultsWith(finding: Partial<Finding>): Promise<ResourceResult[]> {
  const results = (await fileResults()).filter((result) => result.status === "evaluated");
  const template = results.find((result) => result.findings.length > 0)!.findings[0];
  return results.map((result, index) => ({ ...result, findings: index === 0 ? [{ ...template, ...finding }] : [] }));
}

describe("exitCodeFor", () => {
  test.each<{ name: string; finding: Partial<Finding>; failOn: FailOn; code: number }>([
    { name: "mandatory fails at mandatory", finding: { enforcementLevel: "mandatory" }, failOn: "mandatory", code: EXIT_CODES.failed },
    { name: "advisory passes at mandatory", finding: { enforcementLevel: "advisory" }, failOn: "mandatory", code: EXIT_CODES.ok },
    { name: "advisory fails at advisory", finding: { enforcementLevel: "advisory" }, failOn: "advisory", code: EXIT_CODES.failed },
    { name: "medium passes at high", finding: { severity: "medium" }, failOn: "high", code: EXIT_CODES.ok },
    { name: "high fails at high", finding: { severity: "high", enforcementLevel: "advisory" }, failOn: "high", code: EXIT_CODES.failed },
    { name: "critical fails at low", finding: { severity: "critical" }, failOn: "low", code: EXIT_CODES.failed },
    { name: "advisory unknown passes at low", finding: { kind: "unknown", enforcementLevel: "advisory", severity: "critical" }, failOn: "low", code: EXIT_CODES.ok },
    { name: "mandatory unknown fails at low", finding: { kind: "unknown", enforcementLevel: "mandatory", severity: "low" }, failOn: "low", code: EXIT_CODES.failed },
    {
      name: "waived mandatory passes",
      finding: { enforcementLevel: "mandatory", waiver: { exemptionIndex: 0, resourcePattern: "**", reason: "r", owner: "o", expires: "2030-01-01" } },
      failOn: "advisory",
      code: EXIT_CODES.ok,
    },
  ])("$name", async ({ finding, failOn, code }) => {
    const results = await resultsWith(finding);

    expect(exitCodeFor(results, failOn)).toBe(code);
  });

  test("failure outranks incomplete", async () => {
    expect(exitCodeFor(await fileResults())).toBe(EXIT_CODES.failed);
  });

  test("not evaluated without failure is incomplete", async () => {
    const results = (await fileResults()).map((result) => ({ ...result, findings: [] }));

    expect(exitCodeFor(results)).toBe(EXIT_CODES.incomplete);
  });
});
