import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type AnalyzeResult, type EngineResource, PackHarness } from "../src/demo/pack-client";
import { SAMPLE_DEPLOYMENTS } from "../src/emulator/sample-tenant";
import { type RecordedResponses, type PolicyResponse, isStackPolicy, replayPolicies, responsesByPolicy } from "./responses";
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

// The other resources of an Azure ML stack, which a preview sends to the pack as well: what a workspace needs,
// the endpoint a deployment belongs to, and its autoscale setting.
const STACK_NEIGHBOURS: readonly { readonly type: string; readonly props: Record<string, unknown> }[] = [
  { type: "azure-native:resources:ResourceGroup", props: { resourceGroupName: "rg-bench", location: "westeurope" } },
  { type: "azure-native:storage:StorageAccount", props: { accountName: "stbench", kind: "StorageV2", sku: { name: "Standard_LRS" }, allowBlobPublicAccess: false } },
  { type: "azure-native:keyvault:Vault", props: { vaultName: "kv-bench", properties: { tenantId: "00000000-0000-0000-0000-000000000000", sku: { family: "A", name: "standard" } } } },
  { type: "azure-native:containerregistry:Registry", props: { registryName: "crbench", sku: { name: "Premium" }, adminUserEnabled: false } },
  { type: "azure-native:applicationinsights:Component", props: { resourceName: "appi-bench", kind: "web", applicationType: "web" } },
  { type: "azure-native:machinelearningservices:Workspace", props: { workspaceName: "mlw-bench", managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound" } } },
  { type: "azure-native:machinelearningservices:OnlineEndpoint", props: { endpointName: "ep-bench", onlineEndpointProperties: { authMode: "Key", publicNetworkAccess: "Disabled" } } },
  { type: "azure-native:monitor:AutoscaleSetting", props: { enabled: true, profiles: [{ name: "day", capacity: { minimum: "2", maximum: "5", default: "2" }, rules: [] }] } },
];

/** Resources of other types that an Azure ML stack contains beside its deployments, cycling through STACK_NEIGHBOURS. */
export function neighbourResources(count: number): EngineResource[] {
  return Array.from({ length: count }, (_, index) => {
    const neighbour = STACK_NEIGHBOURS[index % STACK_NEIGHBOURS.length];
    return { type: neighbour.type, name: `neighbour-${index}`, props: { location: "westeurope", ...neighbour.props } };
  });
}

export interface AnalyzeSamples {
  readonly amlguard: number[];
  readonly empty: number[];
  readonly noop: number[];
  /** Empty when the run had no replay pack. */
  readonly replay: number[];
  /** Resource policies of the amlguard pack, and so of the no-op pack. */
  readonly policies: number;
  /** Diagnostics and not-applicable entries amlguard returned in total, to show the pack judged the resources. */
  readonly amlguardEntries: number;
}

/** Pack directories of the Analyze benchmark: amlguard and its baselines. */
export interface AnalyzePacks {
  readonly amlguard: string;
  readonly empty: string;
  readonly noop: string;
  /** Only for resources that amlguard reads: on other resources it sends what @pulumi/policy decides without calling it. */
  readonly replay?: string;
}

/**
 * Starts the packs, then sends each resource to each pack in turn, rotating which goes first, and times each
 * Analyze call from request to response over gRPC. The first `warmup` calls of each are dropped. With a replay
 * pack, a separate amlguard process first judges every resource once, and the replay pack starts with its responses.
 */
export async function measureAnalyze(dirs: AnalyzePacks, resources: readonly EngineResource[], warmup: number): Promise<AnalyzeSamples> {
  const started: PackHarness[] = [];
  const scratch = mkdtempSync(path.join(tmpdir(), "amlguard-bench-"));
  try {
    if (dirs.replay !== undefined) {
      const responsesFile = path.join(scratch, "responses.json");
      writeFileSync(responsesFile, JSON.stringify(await recordResponses(dirs.amlguard, resources)));
      process.env.AMLGUARD_BENCH_RESPONSES = responsesFile;
    }

    const amlguard = await PackHarness.start({ packDir: dirs.amlguard, project: "amlguard-bench" });
    started.push(amlguard);
    const empty = await PackHarness.start({ packDir: dirs.empty, project: "amlguard-bench" });
    started.push(empty);
    // The no-op pack gets as many policies as Analyze runs in amlguard: its resource policies.
    const resourcePolicies = amlguard.policies.filter((policy) => !isStackPolicy(policy)).length;
    process.env.AMLGUARD_BENCH_POLICY_COUNT = String(resourcePolicies);
    const noop = await PackHarness.start({ packDir: dirs.noop, project: "amlguard-bench" });
    started.push(noop);
    const replay = dirs.replay === undefined ? undefined : await PackHarness.start({ packDir: dirs.replay, project: "amlguard-bench" });
    if (replay !== undefined) {
      started.push(replay);
    }

    const samples: AnalyzeSamples = { amlguard: [], empty: [], noop: [], replay: [], policies: resourcePolicies, amlguardEntries: 0 };
    const packs: [PackHarness, number[]][] = [
      [amlguard, samples.amlguard],
      [empty, samples.empty],
      [noop, samples.noop],
      ...(replay === undefined ? [] : [[replay, samples.replay] as [PackHarness, number[]]]),
    ];
    let amlguardSent = 0;
    for (let index = 0; index < resources.length + warmup; index++) {
      const resource = resources[index % resources.length];
      const turn = index % packs.length;
      const responses = new Map<PackHarness, AnalyzeResult>();
      for (const [pack, times] of [...packs.slice(turn), ...packs.slice(0, turn)]) {
        const sent = process.hrtime.bigint();
        const result = await pack.analyze(resource);
        const elapsed = msSince(sent);
        responses.set(pack, result);
        if (index >= warmup) {
          times.push(elapsed);
        }
      }
      // A baseline that sends other responses than amlguard would make amlguard's own cost look other than it is.
      const judged = responses.get(amlguard);
      if (judged === undefined || (replay !== undefined && responseText(responses.get(replay)) !== responseText(judged))) {
        throw new Error(`the replay pack's response to ${resource.name} differs from amlguard's: the baseline is broken`);
      }
      if (index >= warmup) {
        amlguardSent += judged.diagnostics.length + judged.notApplicable.length;
      }
    }
    return { ...samples, amlguardEntries: amlguardSent };
  } finally {
    delete process.env.AMLGUARD_BENCH_RESPONSES;
    for (const pack of started) {
      await pack.stop();
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}

// A separate amlguard process judges the resources first, so the measured one gets no more warm-up calls than the baselines.
async function recordResponses(packDir: string, resources: readonly EngineResource[]): Promise<RecordedResponses> {
  const amlguard = await PackHarness.start({ packDir, project: "amlguard-bench" });
  try {
    const byResource: Record<string, Record<string, PolicyResponse>> = {};
    for (const resource of resources) {
      byResource[resource.name] = responsesByPolicy(await amlguard.analyze(resource));
    }
    return { policies: replayPolicies(amlguard.policies), byResource };
  } finally {
    await amlguard.stop();
  }
}

/** Spells a response for comparison: every diagnostic and not-applicable entry, in a fixed order. */
function responseText(result: AnalyzeResult | undefined): string {
  if (result === undefined) {
    return "no response";
  }
  const diagnostics = result.diagnostics.map((diagnostic) => JSON.stringify([diagnostic.policyName, diagnostic.enforcementLevel, diagnostic.severity, diagnostic.message]));
  const notApplicable = result.notApplicable.map((entry) => JSON.stringify([entry.policyName, entry.reason]));
  return JSON.stringify([diagnostics.sort(), notApplicable.sort()]);
}
