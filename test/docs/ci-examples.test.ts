import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/**
 * The pipelines in docs/ci.md: a run that exits 2 writes no report, so a step that uploads or publishes one must
 * run only when the file exists, or the upload fails on a missing file.
 */

const CI_DOC = readFileSync(join(__dirname, "..", "..", "docs", "ci.md"), "utf8");

interface Step {
  readonly uses?: string;
  readonly task?: string;
  readonly publish?: string;
  readonly if?: string;
  readonly condition?: string;
}

/** Returns every step of the YAML examples, from GitHub Actions fragments and whole Azure Pipelines files alike. */
function stepsOfExamples(): Step[] {
  const blocks = [...CI_DOC.matchAll(/```yaml\n([\s\S]*?)\n```/g)].map((match) => parse(match[1]) as unknown);
  const steps: Step[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (typeof node === "object" && node !== null) {
      const record = node as Record<string, unknown>;
      if (typeof record.uses === "string" || typeof record.task === "string" || typeof record.publish === "string") {
        steps.push(record as Step);
      }
      Object.values(record).forEach(visit);
    }
  };
  blocks.forEach(visit);
  return steps;
}

describe("CI examples", () => {
  const steps = stepsOfExamples();

  test.each([
    ["upload-sarif", (step: Step) => step.uses?.startsWith("github/codeql-action/upload-sarif") === true],
    ["upload-artifact", (step: Step) => step.uses?.startsWith("actions/upload-artifact") === true],
  ])("%s runs only when the file exists", (_name, matches) => {
    const uploads = steps.filter(matches);

    expect(uploads.length).toBeGreaterThan(0);
    for (const step of uploads) {
      expect(step.if).toMatch(/^always\(\) && hashFiles\('[^']+'\) != ''$/);
    }
  });

  test.each([
    ["PublishTestResults", (step: Step) => step.task?.startsWith("PublishTestResults@") === true],
    ["publish", (step: Step) => step.publish !== undefined],
  ])("Azure %s runs only when the report exists", (_name, matches) => {
    const publishes = steps.filter(matches);

    expect(publishes.length).toBeGreaterThan(0);
    for (const step of publishes) {
      expect(step.condition).toBe("and(succeededOrFailed(), eq(variables.amlguardReportWritten, 'true'))");
    }
  });

  test("audit script sets the report variable", () => {
    expect(CI_DOC).toContain('echo "##vso[task.setvariable variable=amlguardReportWritten]true"');
  });
});
