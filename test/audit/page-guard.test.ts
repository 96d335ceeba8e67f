import { PageGuard } from "../../src/audit/page-guard";
import { NOT_EVALUATED_REASONS } from "../../src/audit/reasons";

const { nextLinkCycle, tooManyPages } = NOT_EVALUATED_REASONS;

/** Admits each continuation in turn and returns what the guard returned for each. */
function admitAll(maxPages: number, continuations: readonly (string | undefined)[]): (string | undefined)[] {
  const guard = new PageGuard(maxPages);
  return continuations.map((continuation) => guard.admit(continuation));
}

describe("PageGuard", () => {
  test.each([
    { name: "new links pass", maxPages: 5, continuations: ["a", "b", "c"], expected: [undefined, undefined, undefined] },
    { name: "repeated link is a cycle", maxPages: 5, continuations: ["a", "b", "a"], expected: [undefined, undefined, nextLinkCycle] },
    { name: "link after the cap", maxPages: 2, continuations: ["a", "b", "c"], expected: [undefined, undefined, tooManyPages] },
    { name: "cycle before the cap", maxPages: 2, continuations: ["a", "b", "a"], expected: [undefined, undefined, nextLinkCycle] },
    { name: "first page without token counts", maxPages: 2, continuations: [undefined, "t1", "t2"], expected: [undefined, undefined, tooManyPages] },
    { name: "repeated skip token is a cycle", maxPages: 5, continuations: [undefined, "t1", "t1"], expected: [undefined, undefined, nextLinkCycle] },
  ])("$name", ({ maxPages, continuations, expected }) => {
    expect(admitAll(maxPages, continuations)).toEqual(expected);
  });
});
