import { existsSync } from "node:fs";
import * as path from "node:path";
import { defineResources } from "../../examples/program";
import { type Diagnostic, PackHarness } from "./pack-client";
import { capturePreview } from "./preview-capture";

const PROJECT = "amlguard-example";
const STACK = "dev";

/**
 * Returns the repository root, which contains PulumiPolicy.yaml and the package.json whose `main` is the compiled
 * pack. It is searched upward because this file runs from `dist/src/demo` and, in tests, from `src/demo`.
 */
function packDir(): string {
  let directory = __dirname;
  while (!existsSync(path.join(directory, "PulumiPolicy.yaml"))) {
    const parent = path.dirname(directory);
    if (parent === directory) {
      throw new Error(`no PulumiPolicy.yaml found above ${__dirname}`);
    }
    directory = parent;
  }
  return directory;
}

/**
 * Previews the example program through the policy pack as `pulumi preview --policy-pack .` would: the pack
 * runs as its own process and is driven over the analyzer gRPC protocol. Prints the diagnostics grouped as
 * the Pulumi CLI groups them and returns exit code 1 when any is mandatory.
 */
export async function runPreviewDemo(write: (text: string) => void = (text) => process.stdout.write(text)): Promise<{ exitCode: number }> {
  const resources = await capturePreview(defineResources, PROJECT, STACK);
  const pack = await PackHarness.start({ packDir: packDir(), project: PROJECT, stack: STACK, dryRun: true });

  const diagnostics: Diagnostic[] = [];
  const analyzeMs: number[] = [];
  try {
    for (const resource of resources) {
      await pack.remediate(resource);
      const started = process.hrtime.bigint();
      diagnostics.push(...(await pack.analyze(resource)).diagnostics);
      analyzeMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    diagnostics.push(...(await pack.analyzeStack(resources)).diagnostics);
  } finally {
    await pack.stop();
  }

  write(renderPolicyViolations(pack.packName, diagnostics, resources.map((resource) => resource.urn)));
  const mean = analyzeMs.reduce((sum, ms) => sum + ms, 0) / analyzeMs.length;
  write(`\nPack started in ${pack.startupMs.toFixed(0)} ms; Analyze took ${mean.toFixed(1)} ms per resource on average over ${analyzeMs.length} resources.\n`);

  return { exitCode: diagnostics.some((diagnostic) => diagnostic.enforcementLevel === "mandatory") ? 1 : 0 };
}

/**
 * Renders diagnostics in a layout modeled on the "Policies:" section of `pulumi preview`: the pack, then each
 * resource with its violations as `[level]  policy` and the message indented below. Diagnostics without a
 * resource come last, under the stack.
 */
export function renderPolicyViolations(packName: string, diagnostics: readonly Diagnostic[], resourceOrder: readonly string[]): string {
  if (diagnostics.length === 0) {
    return `Policies:\n    ${packName}: no violations\n`;
  }

  const byResource = new Map<string, Diagnostic[]>();
  for (const diagnostic of diagnostics) {
    const list = byResource.get(diagnostic.urn) ?? [];
    list.push(diagnostic);
    byResource.set(diagnostic.urn, list);
  }
  const order = (urn: string) => (urn === "" ? Number.MAX_SAFE_INTEGER : resourceOrder.indexOf(urn));

  const lines = ["Policies:", `    ❌ ${packName}`];
  for (const urn of [...byResource.keys()].sort((left, right) => order(left) - order(right))) {
    lines.push(`        - ${urn === "" ? "(stack)" : urn.split("::").slice(-2).join("  ")}`);
    for (const diagnostic of byResource.get(urn)!) {
      lines.push(`            [${diagnostic.enforcementLevel}]  ${diagnostic.policyName}`);
      for (const messageLine of diagnostic.message.split("\n")) {
        lines.push(`                ${messageLine}`);
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
