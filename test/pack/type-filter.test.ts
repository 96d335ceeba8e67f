import { setImmediate as nextMacrotask } from "node:timers/promises";
import { AnalyzeRequest } from "@pulumi/pulumi/proto/analyzer_pb";
import { forOnlineDeployments, installTypeFilter } from "../../policies/type-filter";

const DEFAULT_TOKEN = "azure-native:machinelearningservices:OnlineDeployment";
const VERSIONED_TOKEN = "azure-native:machinelearningservices/v20230401:OnlineDeployment";

/** Reads the type filter as @pulumi/policy 1.21.0 does before it calls a validator. */
function pulumiTypeOf(handler: object): unknown {
  return (handler as { __pulumiType?: unknown }).__pulumiType;
}

/** Plays one SDK handler: reads the request type first, then consults the filter after each await, as the SDK's policy loop does. */
async function handle(type: string, handler: object, awaits: number): Promise<unknown[]> {
  const request = new AnalyzeRequest();
  request.setType(type);
  request.getType();
  const seen = [pulumiTypeOf(handler)];
  for (let step = 0; step < awaits; step++) {
    await nextMacrotask();
    seen.push(pulumiTypeOf(handler));
  }
  return seen;
}

describe("type filter", () => {
  const handler = forOnlineDeployments(() => undefined);

  beforeAll(() => {
    expect(installTypeFilter()).toBe(true);
  });

  test("other type gets default token", async () => {
    expect(await handle("azure-native:storage:StorageAccount", handler, 0)).toEqual([DEFAULT_TOKEN]);
  });

  test.each([DEFAULT_TOKEN, VERSIONED_TOKEN])("deployment %s is not filtered", async (type) => {
    expect(await handle(type, handler, 0)).toEqual([undefined]);
  });

  test("interleaved requests keep their own type", async () => {
    const deployment = handle(VERSIONED_TOKEN, handler, 3);
    const other = handle("azure-native:keyvault:Vault", handler, 3);

    const [deploymentSeen, otherSeen] = await Promise.all([deployment, other]);

    expect(deploymentSeen).toEqual([undefined, undefined, undefined, undefined]);
    expect(otherSeen).toEqual([DEFAULT_TOKEN, DEFAULT_TOKEN, DEFAULT_TOKEN, DEFAULT_TOKEN]);
  });
});
