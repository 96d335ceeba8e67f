import { type EngineResource, PackHarness } from "../src/demo/pack-client";
import { SAMPLE_DEPLOYMENTS } from "../src/emulator/sample-tenant";
import { msSince } from "./stats";

const DEPLOYMENT_TYPE = "azure-native:machinelearningservices:OnlineDeployment";

/** OnlineDeployment resources as the engine sends them in a preview, one per sample deployment shape. */
export function engineResources(count: number): EngineResource[] {
  return Array.from({ length: count }, (_, index) => {
    const sample = SAMPLE_DEPLOYMENTS[index % SAMPLE_DEPLOYMENTS.length];
    return {
      type: DEPLOYMENT_TYPE,
      name: `${sample.name}-${index}`,
      props: {
        resourceGroupName: "rg-bench",
        workspaceName: "mlw-bench",
        endpointName: `ep-${index % 50}`,
        deploymentName: `${sample.name}-${index}`,
        location: "westeurope",
        ...(sample.sku === undefined ? {} : { sku: sample.sku }),
        properties: sample.properties as Record<string, unknown>,
      },
    };
  });
}

export interface AnalyzeSamples {
  readonly amlguard: number[];
  readonly empty: number[];
  readonly noop: number[];
  /** Policies of the amlguard pack, and so of the no-op pack. */
  readonly policies: number;
  /** Diagnostics amlguard returned in total, to show the pack judged the resources. */
  readonly amlguardDiagnostics: number;
}

/**
 * Starts the three packs, then sends each resource to each pack in turn, rotating which goes first, and times
 * each Analyze call from request to response over gRPC. The first `warmup` calls of each are dropped.
 */
export async function measureAnalyze(
  dirs: { readonly amlguard: string; readonly empty: string; readonly noop: string },
  resources: readonly EngineResource[],
  warmup: number,
): Promise<AnalyzeSamples> {
  const amlguard = await PackHarness.start({ packDir: dirs.amlguard, project: "amlguard-bench" });
  const empty = await PackHarness.start({ packDir: dirs.empty, project: "amlguard-bench" });
  process.env.AMLGUARD_BENCH_POLICY_COUNT = String(amlguard.policies.length);
  const noop = await PackHarness.start({ packDir: dirs.noop, project: "amlguard-bench" });
  const samples: AnalyzeSamples = { amlguard: [], empty: [], noop: [], policies: amlguard.policies.length, amlguardDiagnostics: 0 };
  let diagnostics = 0;
  try {
    for (let index = 0; index < resources.length + warmup; index++) {
      const resource = resources[index % resources.length];
      const packs: [PackHarness, number[]][] = [
        [amlguard, samples.amlguard],
        [empty, samples.empty],
        [noop, samples.noop],
      ];
      const order = [...packs.slice(index % 3), ...packs.slice(0, index % 3)];
      for (const [pack, times] of order) {
        const started = process.hrtime.bigint();
        const result = await pack.analyze(resource);
        const elapsed = msSince(started);
        if (index >= warmup) {
          times.push(elapsed);
          if (pack === amlguard) {
            diagnostics += result.diagnostics.length;
          }
        }
      }
    }
  } finally {
    await amlguard.stop();
    await empty.stop();
    await noop.stop();
  }
  return { ...samples, amlguardDiagnostics: diagnostics };
}
