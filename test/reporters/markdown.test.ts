import type { ResourceResult } from "../../src/findings/finding";
import { renderMarkdown } from "../../src/reporters/markdown";
import { eventResults, fileResults, runOf, unknownValueResults } from "./run-fixtures";

describe("Markdown report", () => {
  test("summary states the counts", async () => {
    const markdown = renderMarkdown(runOf(await fileResults()));

    expect(markdown).toContain("## amlguard: limits violated");
    expect(markdown).toContain("| 4 | 1 | 0 | 2 | 0 | 1 |");
  });

  test("unknown values are not all limits met", async () => {
    const markdown = renderMarkdown(runOf(await unknownValueResults("advisory")));

    expect(markdown).toContain("## amlguard: no violation, some values not known");
    expect(markdown).not.toContain("all limits met");
    expect(markdown).toContain("| 1 | 1 (1 with unverified rules) | 0 | 0 | 0 | 0 |");
  });

  test("mandatory unknown value is named", async () => {
    const markdown = renderMarkdown(runOf(await unknownValueResults("mandatory")));

    expect(markdown).toContain("## amlguard: mandatory values not known");
  });

  test("waived unknown value is not counted unverified", async () => {
    const waiver = { exemptionIndex: 0, resourcePattern: "**", reason: "tuning", owner: "team-a", expires: "2099-01-01" };

    const run = runOf(await unknownValueResults("advisory", waiver));
    const markdown = renderMarkdown(run);

    expect(run.summary.unverified).toBe(0);
    expect(markdown).toContain("## amlguard: no open violation, some findings waived");
  });

  test("failures are grouped by rule", async () => {
    const markdown = renderMarkdown(runOf(await fileResults()));

    const headings = markdown.split("\n").filter((line) => line.startsWith("### "));
    expect(headings).toEqual([
      expect.stringMatching(/^### \[request-timeout\]\(.*request-timeout\.md\) \(medium\): 1 finding$/),
      expect.stringMatching(/^### \[probe-required\]\(.*\): 2 findings$/),
      expect.stringMatching(/^### \[instance-count\]\(.*\): 1 finding$/),
      expect.stringMatching(/^### \[egress-public-network-access\]\(.*\): 1 finding$/),
      "### Not evaluated: 1",
    ]);
  });

  test("table cells are escaped", async () => {
    const [first, ...rest] = await fileResults();
    const results: ResourceResult[] = [
      { ...first, findings: first.findings.map((finding) => ({ ...finding, message: "a | b\nc <script> `x`", path: "p|q" })) },
      ...rest,
    ];

    const markdown = renderMarkdown(runOf(results));

    const row = markdown.split("\n").find((line) => line.includes("&lt;script&gt;"))!;
    expect(row).toContain("a \\| b<br>c &lt;script&gt; `x`");
    expect(row).toContain("`p\\|q`");
    expect(row.split(/(?<!\\)\|/)).toHaveLength(8);
  });

  test("missing values show a dash", async () => {
    const markdown = renderMarkdown(runOf(await eventResults()));

    const row = markdown.split("\n").find((line) => line.startsWith("| mandatory |"))!;
    expect(row.split(" | ").slice(2, 5)).toEqual(["—", "—", "—"]);
  });

  test("long rule tables are cut", async () => {
    const [first, ...rest] = await fileResults();
    const finding = first.findings[0];
    const many = Array.from({ length: 60 }, (_, index) => ({ ...finding, path: `path${index}` }));
    const results: ResourceResult[] = [{ ...first, findings: many }, ...rest];

    const markdown = renderMarkdown(runOf(results));

    const rows = markdown.split("\n").filter((line) => line.startsWith("| mandatory |") && line.includes("request"));
    expect(rows).toHaveLength(50);
    expect(markdown).toContain("10 more findings of this rule are in the JSON and SARIF reports.");
  });
});
