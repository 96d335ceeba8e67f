import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { measureAnalyze, engineResources, neighbourResources } from "./analyze-latency";
import { type AuditRun, runAuditScale, shapeFor, tenantFor } from "./audit-scale";
import { timeColdStart, timeFirstAnalyze } from "./cold-start";
import { loadDeploymentShapes } from "./corpus";
import { type Machine, describeMachine } from "./machine";
import { type Spread, formatSpread, msSince, ratio, spread } from "./stats";
import { type ThroughputRun, runThroughput } from "./throughput";

/** How much work each mode does. The default stays under about five minutes on two shared cores. */
interface Plan {
  readonly mode: "quick" | "default" | "full";
  readonly startRuns: number;
  readonly analyzeResources: number;
  readonly analyzeWarmup: number;
  readonly throughputSizes: readonly number[];
  readonly throughputRepeats: number;
  readonly auditSizes: readonly { readonly deployments: number; readonly runs: number }[];
  readonly latencyMs: number;
  readonly concurrency: number;
}

const PLANS: Record<Plan["mode"], Plan> = {
  quick: {
    mode: "quick",
    startRuns: 3,
    analyzeResources: 60,
    analyzeWarmup: 10,
    throughputSizes: [1_000, 10_000],
    throughputRepeats: 3,
    auditSizes: [{ deployments: 1_000, runs: 1 }],
    latencyMs: 50,
    concurrency: 20,
  },
  default: {
    mode: "default",
    startRuns: 12,
    analyzeResources: 500,
    analyzeWarmup: 50,
    throughputSizes: [1_000, 10_000, 50_000],
    throughputRepeats: 7,
    auditSizes: [
      { deployments: 1_000, runs: 3 },
      { deployments: 10_000, runs: 3 },
      { deployments: 50_000, runs: 1 },
    ],
    latencyMs: 50,
    concurrency: 20,
  },
  full: {
    mode: "full",
    startRuns: 20,
    analyzeResources: 2_000,
    analyzeWarmup: 100,
    throughputSizes: [1_000, 10_000, 50_000],
    throughputRepeats: 11,
    auditSizes: [
      { deployments: 1_000, runs: 5 },
      { deployments: 10_000, runs: 5 },
      { deployments: 50_000, runs: 3 },
    ],
    latencyMs: 50,
    concurrency: 20,
  },
};

const ROOT = path.resolve(__dirname, "../..");
const EMPTY_PACK = path.join(ROOT, "bench", "fixtures", "empty-pack");
const NOOP_PACK = path.join(ROOT, "bench", "fixtures", "noop-pack");
const REPLAY_PACK = path.join(ROOT, "bench", "fixtures", "replay-pack");
const CLI = path.join(ROOT, "dist", "src", "cli", "main.js");

interface Options {
  readonly plan: Plan;
  readonly corpus: string;
  readonly output: string;
}

function parseArgs(argv: readonly string[]): Options {
  let mode: Plan["mode"] = "default";
  let corpus = path.resolve(ROOT, "..", "shared", "corpus");
  let output: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === "--quick" || arg === "--full") {
      mode = arg === "--quick" ? "quick" : "full";
    } else if (arg === "--corpus" && argv[index + 1] !== undefined) {
      corpus = path.resolve(argv[++index]);
    } else if (arg === "--output" && argv[index + 1] !== undefined) {
      output = path.resolve(argv[++index]);
    } else {
      throw new Error(`unknown argument ${arg}; use --quick, --full, --corpus DIR or --output FILE`);
    }
  }
  // A smoke run's few repeats do not make a record, so it leaves docs/benchmarks.md as it is unless --output names that file.
  output ??= mode === "quick" ? path.join(tmpdir(), "amlguard-bench-quick.md") : path.join(ROOT, "docs", "benchmarks.md");
  return { plan: PLANS[mode], corpus, output };
}

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

/** Spawn to exit of `node <script> <args>`, in milliseconds. */
function timeProcess(args: readonly string[]): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: "ignore", cwd: ROOT });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(msSince(started)) : reject(new Error(`node ${args.join(" ")} exited with ${code}`))));
  });
}

/** Runs each measurement in turn, `runs` times, so load on the machine spreads over all of them alike. */
async function interleave<K extends string>(runs: number, measures: Record<K, () => Promise<number>>): Promise<Record<K, number[]>> {
  const keys = Object.keys(measures) as K[];
  const samples = Object.fromEntries(keys.map((key) => [key, [] as number[]])) as Record<K, number[]>;
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? keys : [...keys].reverse();
    for (const key of order) {
      samples[key].push(await measures[key]());
    }
  }
  return samples;
}

interface Results {
  coldStart?: { amlguard: Spread; empty: Spread };
  firstAnalyze?: { amlguard: Spread; empty: Spread };
  cliStart?: { version: Spread; node: Spread };
  analyze?: { amlguard: Spread; empty: Spread; noop: Spread; replay: Spread; policies: number; entries: number; resources: number };
  neighbours?: { amlguard: Spread; empty: Spread; noop: Spread; entries: number; resources: number };
  throughput?: { shapes: { fromCorpus: number; fromSample: number; read: number }; runs: { size: number; evalPerSec: Spread; deploymentsPerSec: Spread; checksShare: number }[] };
  audit?: { size: number; runs: AuditRun[]; graph: AuditRun[] }[];
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const { plan } = options;
  const built = [CLI, path.join(ROOT, "dist", "pack", "index.js"), path.join(ROOT, "dist", "bench", "fixtures", "empty-pack", "index.js")];
  if (!built.every((file) => existsSync(file))) {
    throw new Error("dist/ is missing: run npm run build first");
  }
  const machine = describeMachine();
  const started = process.hrtime.bigint();
  log(`amlguard bench (${plan.mode}) on ${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}, load ${machine.loadAverage}`);
  const results: Results = {};

  log(`\npack cold start: spawn to port line, ${plan.startRuns} runs each, interleaved`);
  const starts = await interleave(plan.startRuns, { amlguard: () => timeColdStart(ROOT), empty: () => timeColdStart(EMPTY_PACK) });
  results.coldStart = { amlguard: spread(starts.amlguard), empty: spread(starts.empty) };
  log(`  amlguard ${formatSpread(results.coldStart.amlguard)} ms, empty pack ${formatSpread(results.coldStart.empty)} ms, ratio ${ratio(results.coldStart.amlguard.median, results.coldStart.empty.median)}`);

  log(`\npack start to first verdict: spawn to port line, engine calls to Configure and the first Analyze, ${plan.startRuns} runs each, interleaved`);
  const [firstDeployment] = engineResources(1);
  const firsts = await interleave(plan.startRuns, { amlguard: () => timeFirstAnalyze(ROOT, firstDeployment), empty: () => timeFirstAnalyze(EMPTY_PACK, firstDeployment) });
  results.firstAnalyze = { amlguard: spread(firsts.amlguard), empty: spread(firsts.empty) };
  log(`  amlguard ${formatSpread(results.firstAnalyze.amlguard)} ms, empty pack ${formatSpread(results.firstAnalyze.empty)} ms, ratio ${ratio(results.firstAnalyze.amlguard.median, results.firstAnalyze.empty.median)}`);

  log(`\nCLI start: amlguard --version against node -e 0, ${plan.startRuns} runs each, interleaved`);
  const cli = await interleave(plan.startRuns, { version: () => timeProcess([CLI, "--version"]), node: () => timeProcess(["-e", "0"]) });
  results.cliStart = { version: spread(cli.version), node: spread(cli.node) };
  log(`  amlguard --version ${formatSpread(results.cliStart.version)} ms, node -e 0 ${formatSpread(results.cliStart.node)} ms`);

  log(`\nAnalyze latency over gRPC: ${plan.analyzeResources} resources, alternating packs, ${plan.analyzeWarmup} warm-up calls dropped`);
  const analyze = await measureAnalyze({ amlguard: ROOT, empty: EMPTY_PACK, noop: NOOP_PACK, replay: REPLAY_PACK }, engineResources(plan.analyzeResources), plan.analyzeWarmup);
  results.analyze = {
    amlguard: spread(analyze.amlguard),
    empty: spread(analyze.empty),
    noop: spread(analyze.noop),
    replay: spread(analyze.replay),
    policies: analyze.policies,
    entries: analyze.amlguardEntries,
    resources: plan.analyzeResources,
  };
  log(
    `  amlguard p50 ${results.analyze.amlguard.median.toFixed(3)} ms p99 ${results.analyze.amlguard.p99.toFixed(3)} ms; ` +
      `empty p50 ${results.analyze.empty.median.toFixed(3)} ms p99 ${results.analyze.empty.p99.toFixed(3)} ms; ` +
      `no-op p50 ${results.analyze.noop.median.toFixed(3)} ms; replay p50 ${results.analyze.replay.median.toFixed(3)} ms; ` +
      `p50 ratio ${ratio(results.analyze.amlguard.median, results.analyze.empty.median)}`,
  );

  log(`\nAnalyze latency over gRPC on other resources of an Azure ML stack: ${plan.analyzeResources} resources, alternating packs`);
  const neighbours = await measureAnalyze({ amlguard: ROOT, empty: EMPTY_PACK, noop: NOOP_PACK }, neighbourResources(plan.analyzeResources), plan.analyzeWarmup);
  results.neighbours = {
    amlguard: spread(neighbours.amlguard),
    empty: spread(neighbours.empty),
    noop: spread(neighbours.noop),
    entries: neighbours.amlguardEntries,
    resources: plan.analyzeResources,
  };
  log(
    `  amlguard p50 ${results.neighbours.amlguard.median.toFixed(3)} ms p99 ${results.neighbours.amlguard.p99.toFixed(3)} ms; ` +
      `empty p50 ${results.neighbours.empty.median.toFixed(3)} ms; no-op p50 ${results.neighbours.noop.median.toFixed(3)} ms; ` +
      `p50 ratio ${ratio(results.neighbours.amlguard.median, results.neighbours.empty.median)}`,
  );

  log(`\nrule throughput in process, ${plan.throughputRepeats} repeats per size`);
  const shapes = loadDeploymentShapes(options.corpus);
  const throughputRuns: NonNullable<Results["throughput"]>["runs"] = [];
  runThroughput(shapes.deployments, 2_000); // warm the JIT before timing
  for (const size of plan.throughputSizes) {
    const runs: ThroughputRun[] = [];
    for (let repeat = 0; repeat < plan.throughputRepeats; repeat++) {
      runs.push(runThroughput(shapes.deployments, size));
    }
    const entry = {
      size,
      evalPerSec: spread(runs.map((run) => (run.evaluations / run.ms) * 1000)),
      deploymentsPerSec: spread(runs.map((run) => (run.deployments / run.ms) * 1000)),
      checksShare: runs[0].checks / runs[0].evaluations,
    };
    throughputRuns.push(entry);
    log(`  ${size} deployments: ${formatSpread(entry.evalPerSec, 0)} evaluations/s, ${formatSpread(entry.deploymentsPerSec, 0)} deployments/s`);
  }
  results.throughput = { shapes: { fromCorpus: shapes.fromCorpus, fromSample: shapes.fromSample, read: shapes.deployments.length }, runs: throughputRuns };

  log(`\naudit at scale: ARM emulator at ${plan.latencyMs} ms per call, --concurrency ${plan.concurrency}`);
  results.audit = [];
  for (const { deployments, runs } of plan.auditSizes) {
    const tenant = tenantFor(shapeFor(deployments));
    const entry = { size: deployments, runs: [] as AuditRun[], graph: [] as AuditRun[] };
    // The ARM listings and the Resource Graph query alternate, so load on the machine falls on both.
    for (let run = 0; run < runs; run++) {
      for (const source of ["arm", "resource-graph"] as const) {
        const measured = await runAuditScale(tenant, { latencyMs: plan.latencyMs, concurrency: plan.concurrency, source });
        (source === "arm" ? entry.runs : entry.graph).push(measured);
        log(
          `  ${deployments} via ${source}: wall ${(measured.wallMs / 1000).toFixed(2)} s (ideal ${(measured.idealMs / 1000).toFixed(2)} s, ${ratio(measured.wallMs, measured.idealMs)}), ` +
            `requests ${measured.requests}/${measured.minimumRequests} minimum, peak RSS ${measured.maxRssMiB.toFixed(0)} MiB, lost ${measured.lost}, unexpected ${measured.unexpected}`,
        );
      }
    }
    results.audit.push(entry);
  }

  const totalSeconds = msSince(started) / 1000;
  log(`\ndone in ${totalSeconds.toFixed(0)} s`);
  writeFileSync(options.output, renderDoc(machine, plan, results, totalSeconds));
  log(`wrote ${path.relative(process.cwd(), options.output)}`);
}

function auditRow(size: number, source: string, runs: readonly AuditRun[]): string {
  const shape = shapeFor(size);
  const wall = spread(runs.map((run) => run.wallMs / 1000));
  const rss = spread(runs.map((run) => run.maxRssMiB));
  const cpu = spread(runs.map((run) => run.cpuMs / 1000));
  const ideal = runs[0].idealMs / 1000;
  const requests = [...new Set(runs.map((run) => run.requests))].join(", ");
  const lost = runs.reduce((sum, run) => sum + run.lost, 0);
  const unexpected = runs.reduce((sum, run) => sum + run.unexpected, 0);
  return (
    `| ${size.toLocaleString("en-US")} | ${shape.workspaces} | ${shape.endpoints} | ${source} | ${runs.length} | ${wall.median.toFixed(2)} (${wall.min.toFixed(2)}–${wall.max.toFixed(2)}) | ` +
    `${ideal.toFixed(2)} | ${ratio(wall.median, ideal)} | ${requests} / ${runs[0].minimumRequests} | ${rss.median.toFixed(0)} (${rss.max.toFixed(0)}) | ${cpu.median.toFixed(1)} | ${lost} / ${unexpected} |`
  );
}

/** Renders the Analyze round-trip times of each pack as a Markdown table. */
function analyzeTable(packs: readonly (readonly [string, Spread])[]): string[] {
  return [
    "| pack | p50 (ms) | p25–p75 (ms) | p99 (ms) | max (ms) |",
    "|---|---|---|---|---|",
    ...packs.map(([pack, times]) => `| ${pack} | ${times.median.toFixed(3)} | ${times.p25.toFixed(3)}–${times.p75.toFixed(3)} | ${times.p99.toFixed(3)} | ${times.max.toFixed(3)} |`),
  ];
}

function renderDoc(machine: Machine, plan: Plan, results: Results, totalSeconds: number): string {
  const method = readFileSync(path.join(ROOT, "bench", "method.md"), "utf8").trim();
  const lines: string[] = [
    "# Benchmarks",
    "",
    "<!-- The Results section is written by `npm run bench`; edit bench/method.md for the text above and below it. -->",
    "",
    method,
    "",
    "## Results",
    "",
    `Run: \`npm run bench${plan.mode === "default" ? "" : ` -- --${plan.mode}`}\` on ${new Date().toISOString().slice(0, 10)}, ${totalSeconds.toFixed(0)} s in all.`,
    "",
    "| machine | |",
    "|---|---|",
    `| CPU | ${machine.cpuModel} |`,
    `| cores | ${machine.cores} |`,
    `| memory | ${machine.memoryGiB} GiB |`,
    `| Node.js | ${machine.node} (${machine.platform}) |`,
    `| 1-minute load average at start | ${machine.loadAverage} |`,
    "",
    "Times are medians with p25–p75 in brackets unless a column says otherwise.",
    "",
  ];

  const { coldStart, firstAnalyze, cliStart, analyze, neighbours, throughput, audit } = results;
  if (coldStart !== undefined && firstAnalyze !== undefined && cliStart !== undefined) {
    lines.push(
      "### Start",
      "",
      "| figure | amlguard | baseline | ratio | target |",
      "|---|---|---|---|---|",
      `| pack cold start, spawn to port line (ms, ${coldStart.amlguard.n} runs each) | ${formatSpread(coldStart.amlguard)} | ${formatSpread(coldStart.empty)} (empty pack) | ${ratio(coldStart.amlguard.median, coldStart.empty.median)} | ≤ 1.10× |`,
      `| pack start to first verdict: spawn to port line, engine calls to Configure, first Analyze on a deployment (ms) | ${formatSpread(firstAnalyze.amlguard)} | ${formatSpread(firstAnalyze.empty)} (empty pack) | ${ratio(firstAnalyze.amlguard.median, firstAnalyze.empty.median)} | none |`,
      `| CLI start, \`amlguard --version\` to exit (ms) | ${formatSpread(cliStart.version)} | ${formatSpread(cliStart.node)} (\`node -e 0\`) | ${ratio(cliStart.version.median, cliStart.node.median)} | none |`,
      "",
    );
  }
  if (analyze !== undefined) {
    lines.push(
      "### Analyze latency",
      "",
      `${analyze.resources} OnlineDeployment resources, each sent to all four packs over gRPC; amlguard returned ${analyze.entries} diagnostics and not-applicable entries in all. ` +
        `The no-op pack has ${analyze.policies} policies that do nothing, as many as amlguard has resource policies, so it shows what @pulumi/policy costs per policy. Each of its policies gets its own deserialization of the properties, as the SDK does by default, while amlguard shares one. ` +
        "The replay pack has amlguard's policies, and each sends for every resource what amlguard sent (its not-applicable reason or its violations) " +
        "without reading the resource. Like amlguard, and through amlguard's own code, it decodes requests and encodes responses with protobufjs. " +
          "It also shares the deserialized properties across policies (with the walk that finds secret values) " +
          "and lets @pulumi/policy skip the policies that do not apply without calling them, so amlguard's cost above it is the cost of reading the deployment and judging it.",
      "",
      ...analyzeTable([
        ["amlguard", analyze.amlguard],
        ["empty pack", analyze.empty],
        ["no-op pack", analyze.noop],
        ["replay pack", analyze.replay],
      ]),
      "",
      `p50 ratio to the empty pack ${ratio(analyze.amlguard.median, analyze.empty.median)} (target ≤ 1.20×), p99 ratio ${ratio(analyze.amlguard.p99, analyze.empty.p99)}. ` +
        `The replay pack's p50 is ${ratio(analyze.replay.median, analyze.empty.median)} the empty pack's: the part of the budget that @pulumi/policy and amlguard's responses take before amlguard reads the deployment.`,
      "",
    );
  }
  if (neighbours !== undefined) {
    lines.push(
      "### Analyze latency on other resources",
      "",
      `${neighbours.resources} resources of the other types an Azure ML stack contains (resource group, storage account, key vault, container registry, ` +
        `Application Insights, workspace, online endpoint, autoscale setting), each sent to the amlguard, empty and no-op packs over gRPC. ` +
        `amlguard returned ${neighbours.entries} not-applicable entries, one per resource policy and resource. The no-op pack's policies return at once, ` +
        "so it counts every resource as passed, which a pack that reports not applicable does not.",
      "",
      ...analyzeTable([
        ["amlguard", neighbours.amlguard],
        ["empty pack", neighbours.empty],
        ["no-op pack", neighbours.noop],
      ]),
      "",
      `p50 ratio to the empty pack ${ratio(neighbours.amlguard.median, neighbours.empty.median)} (target ≤ 1.20×), p99 ratio ${ratio(neighbours.amlguard.p99, neighbours.empty.p99)}.`,
      "",
    );
  }
  if (throughput !== undefined) {
    lines.push(
      "### Rule throughput",
      "",
      `${throughput.shapes.read} deployment shapes (${throughput.shapes.fromCorpus} bodies from the Azure REST API examples, ${throughput.shapes.fromSample} from the emulator's sample tenant), ` +
        `judged in turn by all rules under the default limits on one core. One evaluation is one (rule, deployment) pair that \`evaluateDeployment\` decides; ` +
        `${((throughput.runs[0]?.checksShare ?? 0) * 100).toFixed(0)} % of them ran the rule's check, the rest were not applicable to the compute type.`,
      "",
      "| deployments | evaluations/s | deployments/s | target |",
      "|---|---|---|---|",
      ...throughput.runs.map((run) => `| ${run.size.toLocaleString("en-US")} | ${formatSpread(run.evalPerSec, 0)} | ${formatSpread(run.deploymentsPerSec, 0)} | ≥ 200,000 evaluations/s |`),
      "",
    );
  }
  if (audit !== undefined) {
    lines.push(
      "### Audit at scale",
      "",
      `ARM emulator on 127.0.0.1 adding ${plan.latencyMs} ms to every call, pages of 100, \`amlguard audit --concurrency ${plan.concurrency} --format json\` in a child process. ` +
        "Each workspace has 4 endpoints of 5 deployments; 50 workspaces per resource group. Ideal wall = minimum requests × latency ÷ concurrency " +
        "for the ARM listings, and minimum requests × latency for Resource Graph, whose pages follow each other.",
      "",
      "| deployments | workspaces | endpoints | source | runs | wall (s), median (min–max) | ideal (s) | wall ÷ ideal | requests / minimum | peak RSS (MiB), median (max) | CPU (s) | lost / unexpected |",
      "|---|---|---|---|---|---|---|---|---|---|---|---|",
      ...audit.flatMap(({ size, runs, graph }) => [auditRow(size, "ARM listings", runs), auditRow(size, "Resource Graph", graph)]),
      "",
      "Targets, for the ARM listings, which the audit uses by default: wall ≤ 1.25× ideal, requests = minimum, peak RSS ≤ 250 MB " +
        "(238 MiB) at 10,000 deployments, 0 lost. Lost counts the tenant's deployments whose ARM id is not among the report's " +
        "evaluated resources; unexpected counts evaluated resources beyond one per deployment of the tenant. The Resource Graph " +
        "rows are for comparison.",
      "",
    );
  }
  return `${lines.join("\n")}\n`;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
