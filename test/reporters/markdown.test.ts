import type { ResourceResult } from "../../src/findings/finding";
import { renderMarkdown } from "../../src/reporters/markdown";
import { eventResults, fileResults, runOf, unknownValueResults } from "./run-fixtures";

/**
 * Splits one line of Markdown the way CommonMark reads code spans: outside a span, a backslash escapes the next
 * ASCII punctuation character, and a backtick run opens a span that the next run of the same length closes. An
 * unmatched run is text. A span drops one space from each end when it has one at both and is not all spaces, and
 * a GitHub table cell turns `\|` into `|`, also inside a span.
 */
function readCodeSpans(line: string): { spans: string[]; text: string } {
  const spans: string[] = [];
  let text = "";
  let index = 0;
  while (index < line.length) {
    const character = line[index];
    if (character === "\\" && /[!-/:-@[-`{-~]/.test(line[index + 1] ?? "")) {
      text += line[index + 1];
      index += 2;
      continue;
    }
    if (character !== "`") {
      text += character;
      index += 1;
      continue;
    }
    const opening = /^`+/.exec(line.slice(index))![0];
    const after = index + opening.length;
    const closing = new RegExp(`(?<!\`)${opening}(?!\`)`, "g");
    closing.lastIndex = after;
    const match = closing.exec(line);
    if (match === null) {
      text += opening;
      index = after;
      continue;
    }
    let content = line.slice(after, match.index).replace(/\\\|/g, "|");
    if (content.startsWith(" ") && content.endsWith(" ") && /[^ ]/.test(content)) {
      content = content.slice(1, -1);
    }
    spans.push(content);
    text += " ";
    index = match.index + opening.length;
  }
  return { spans, text };
}

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
    expect(row).toContain("a \\| b<br>c &lt;script&gt; \\`x\\`");
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
    expect(markdown).toContain("10 more findings of this rule are not shown here. To list every finding, write a JSON report with `--output json=FILE`.");
  });

  test("cut table names the run's reports", async () => {
    const [first, ...rest] = await fileResults();
    const many = Array.from({ length: 51 }, (_, index) => ({ ...first.findings[0], path: `path${index}` }));
    const results: ResourceResult[] = [{ ...first, findings: many }, ...rest];

    const markdown = renderMarkdown(runOf(results), { completeReports: [{ format: "json", file: "out/amlguard.json" }, { format: "sarif" }] });

    expect(markdown).toContain("1 more finding of this rule is in the JSON report `out/amlguard.json` and the SARIF report on stdout.");
  });

  test("backticks in a name stay text", async () => {
    const [first, ...rest] = await fileResults();
    const name = "q` @octocat `q ` https://evil.example/a `";
    const results: ResourceResult[] = [{ ...first, resource: { ...first.resource, name } }, ...rest];

    const markdown = renderMarkdown(runOf(results));

    const row = markdown.split("\n").find((line) => line.includes("octocat"))!;
    const { spans, text } = readCodeSpans(row);
    expect(text).not.toContain("@octocat");
    expect(text).not.toContain("https://");
    expect(spans).toContain("@octocat");
    expect(spans).toContain("https://evil.example/a");
    expect(text).toContain("deployment 'q` ");
  });

  test.each([
    { name: "one backtick", value: "a`b" },
    { name: "a run of two", value: "a``b`c" },
    { name: "leading backtick", value: "`x" },
    { name: "trailing backticks", value: "x``" },
    { name: "only backticks", value: "```" },
    { name: "edge spaces", value: " a b " },
    { name: "a pipe", value: "a|b" },
  ])("code span keeps $name", async ({ value }) => {
    const [first, ...rest] = await fileResults();
    const results: ResourceResult[] = [{ ...first, findings: first.findings.map((finding) => ({ ...finding, path: value, message: "marker" })) }, ...rest];

    const markdown = renderMarkdown(runOf(results));

    const row = markdown.split("\n").find((line) => line.includes("marker"))!;
    expect(readCodeSpans(row).spans).toContain(value);
  });
});
