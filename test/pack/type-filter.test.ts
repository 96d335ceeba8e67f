import { setImmediate as nextMacrotask } from "node:timers/promises";
import { AnalyzeRequest } from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { deploymentPolicy } from "../../policies/deployment-policy";
import { limitsFilePolicy } from "../../policies/limits-file-policy";
import { installSecretTracking } from "../../policies/secret-paths";
import { forOnlineDeployments, installTypeFilter, trackPolicyLoops } from "../../policies/type-filter";
import { RULES } from "../../src/rules/index";

const DEFAULT_TOKEN = "azure-native:machinelearningservices:OnlineDeployment";
const VERSIONED_TOKEN = "azure-native:machinelearningservices/v20230401:OnlineDeployment";

/** Reads the type filter as @pulumi/policy 1.21.0 does before it calls a validator. */
function pulumiTypeOf(handler: object): unknown {
  return (handler as { __pulumiType?: unknown }).__pulumiType;
}

function analyzeRequest(type: string, props: Record<string, unknown>): AnalyzeRequest {
  const request = new AnalyzeRequest();
  request.setType(type);
  request.setName("blue");
  request.setUrn(`urn:pulumi:dev::app::${type}::blue`);
  request.setProperties(Struct.fromJavaScript(props as never));
  return request;
}

/**
 * Plays one SDK handler: reads the request type, then loops over the pack's policies in the same step and reads
 * each one's filter, awaiting another macrotask after each policy as the SDK's loop may.
 */
async function handle(type: string, handler: object, steps: number, props: Record<string, unknown> = {}): Promise<unknown[]> {
  analyzeRequest(type, props).getType();
  const seen: unknown[] = [];
  for (const policy of trackPolicyLoops(Array.from({ length: steps }, () => ({ validateResource: handler })))) {
    seen.push(pulumiTypeOf(policy.validateResource));
    await nextMacrotask();
  }
  return seen;
}

describe("type filter", () => {
  const handler = forOnlineDeployments(() => undefined);

  beforeAll(() => {
    expect(installTypeFilter()).toBe(true);
  });

  test("other type gets default token", async () => {
    expect(await handle("azure-native:storage:StorageAccount", handler, 1)).toEqual([DEFAULT_TOKEN]);
  });

  test.each([DEFAULT_TOKEN, VERSIONED_TOKEN])("deployment %s is not filtered", async (type) => {
    expect(await handle(type, handler, 1)).toEqual([undefined]);
  });

  test("interleaved requests keep their own type", async () => {
    const deployment = handle(VERSIONED_TOKEN, handler, 4);
    const other = handle("azure-native:keyvault:Vault", handler, 4);

    const [deploymentSeen, otherSeen] = await Promise.all([deployment, other]);

    expect(deploymentSeen).toEqual([undefined, undefined, undefined, undefined]);
    expect(otherSeen).toEqual([DEFAULT_TOKEN, DEFAULT_TOKEN, DEFAULT_TOKEN, DEFAULT_TOKEN]);
  });

  test("loop in a later step sees no request", async () => {
    analyzeRequest("azure-native:keyvault:Vault", {}).getType();
    await Promise.resolve();

    const seen: unknown[] = [];
    for (const policy of trackPolicyLoops([{ validateResource: handler }])) {
      seen.push(pulumiTypeOf(policy.validateResource));
    }

    expect(seen).toEqual([undefined]);
  });

  test("filter outside a loop is unset", () => {
    analyzeRequest("azure-native:keyvault:Vault", {}).getType();

    expect(pulumiTypeOf(handler)).toBeUndefined();
  });

  test("loop left early clears its filter", () => {
    analyzeRequest("azure-native:keyvault:Vault", {}).getType();
    for (const policy of trackPolicyLoops([{ validateResource: handler }, { validateResource: handler }])) {
      expect(pulumiTypeOf(policy.validateResource)).toBe(DEFAULT_TOKEN);
      break;
    }

    expect(pulumiTypeOf(handler)).toBeUndefined();
  });
});

describe("compute type filter", () => {
  const containerResources = RULES.find((rule) => rule.id === "container-resources");
  const handler = deploymentPolicy(containerResources!).validateResource as object;
  const kubernetesOnly = `${DEFAULT_TOKEN} with endpointComputeType Kubernetes`;
  const deployment = (endpointComputeType: string) => ({ properties: { endpointComputeType, instanceType: "Standard_DS3_v2" } });

  beforeAll(() => {
    expect(installSecretTracking()).toBe(true);
    expect(installTypeFilter()).toBe(true);
  });

  test("interleaved deployments keep their own compute type", async () => {
    const managed = handle(VERSIONED_TOKEN, handler, 4, deployment("Managed"));
    const kubernetes = handle(DEFAULT_TOKEN, handler, 4, deployment("Kubernetes"));

    const [managedSeen, kubernetesSeen] = await Promise.all([managed, kubernetes]);

    expect(managedSeen).toEqual([kubernetesOnly, kubernetesOnly, kubernetesOnly, kubernetesOnly]);
    expect(kubernetesSeen).toEqual([undefined, undefined, undefined, undefined]);
  });

  test("unreadable compute type is left to the rule", async () => {
    expect(await handle(DEFAULT_TOKEN, handler, 1, deployment("AzureMLCompute"))).toEqual([undefined]);
  });
});

describe("validators without the filter", () => {
  const storage = { type: "azure-native:storage:StorageAccount", name: "st", urn: "urn:pulumi:dev::app::azure-native:storage:StorageAccount::st", props: {} };
  const expectedReason = "amlguard judges Azure Machine Learning OnlineDeployment resources, not azure-native:storage:StorageAccount";

  /** Calls a validator as the SDK does when it has no type to compare, and returns the not-applicable reason it gives. */
  function notApplicableReason(validate: ResourceValidationPolicy["validateResource"]): string | undefined {
    let reported: string | undefined;
    const args = {
      ...storage,
      notApplicable: (text?: string): never => {
        reported = text;
        throw new Error("not applicable");
      },
    } as unknown as ResourceValidationArgs;
    expect(() => (validate as (args: ResourceValidationArgs, report: () => void) => void)(args, () => undefined)).toThrow("not applicable");
    return reported;
  }

  test("rule policy stops on other types", () => {
    expect(notApplicableReason(deploymentPolicy(RULES[0]).validateResource)).toBe(expectedReason);
  });

  test("limits-file policy stops on other types", () => {
    expect(notApplicableReason(limitsFilePolicy([]).validateResource)).toBe(expectedReason);
  });
});
