import * as path from "node:path";
import { defineResources } from "../../examples/program";
import { type CapturedResource, capturePreview } from "../../src/demo/preview-capture";
import { type HarnessOptions, PackHarness } from "../../src/demo/pack-client";

export * from "../../src/demo/pack-client";

/** The pack directory: the repository root, whose package.json `main` is the bundled pack in dist/pack/. */
export const PACK_DIR = path.resolve(__dirname, "../..");

export const DEPLOYMENT_TYPE = "azure-native:machinelearningservices:OnlineDeployment";

/** Starts the built pack as the Pulumi CLI does. */
export function startPack(options: Omit<HarnessOptions, "packDir"> = {}): Promise<PackHarness> {
  return PackHarness.start({ packDir: PACK_DIR, ...options });
}

/** Captures the example program's resources from a mocked first preview. */
export function exampleResources(): Promise<CapturedResource[]> {
  return capturePreview(defineResources, "amlguard-example", "dev");
}
