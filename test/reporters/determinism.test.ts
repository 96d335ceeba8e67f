import { renderReport, OUTPUT_FORMATS } from "../../src/cli/output";
import { eventResults, fileResults, runOf } from "./run-fixtures";

function reversed<T>(items: readonly T[]): T[] {
  return [...items].reverse();
}

describe("report determinism", () => {
  test.each(OUTPUT_FORMATS.map((format) => ({ format })))("$format ignores input order", async ({ format }) => {
    const results = [...(await fileResults()), ...(await eventResults())];
    const shuffled = reversed(results).map((result) => ({ ...result, findings: reversed(result.findings) }));

    const first = renderReport(runOf(results), format, { includePasses: true });
    const second = renderReport(runOf(shuffled), format, { includePasses: true });

    expect(second).toBe(first);
  });
});
