import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PACK_DIR } from "../support/pack-harness";

// The Pulumi CLI runs the file that package.json `main` names, an esbuild bundle. The Pulumi packages must stay
// in node_modules, because the runtime keeps the preview flag and the stack in its own module state. The pack
// also wraps the SDK's deserializer and the analyzer's protobuf getter, and only the instances the SDK's server
// uses count. A bundled copy of either package would miss all of that.
describe("pack bundle", () => {
  const manifest = JSON.parse(readFileSync(path.join(PACK_DIR, "package.json"), "utf8")) as { main: string };
  const bundle = readFileSync(path.join(PACK_DIR, manifest.main), "utf8");

  test("main is the bundle that build:pack writes", () => {
    expect(manifest.main).toBe("dist/pack/index.js");
  });

  test("requires the Pulumi packages from node_modules at run time", () => {
    for (const module of ["@pulumi/policy", "@pulumi/policy/deserialize", "@pulumi/pulumi", "@pulumi/pulumi/proto/analyzer_pb"]) {
      expect(bundle).toContain(`require("${module}")`);
    }
  });

  test("contains no module of a Pulumi package", () => {
    expect(bundle).not.toMatch(/node_modules\/@pulumi\//);
  });

  test("turns zod's compiler off before any schema", () => {
    const configured = bundle.indexOf("// policies/zod-config.ts");
    const firstOwnModule = bundle.search(/^\/\/ (src|policies)\/(?!zod-config\.ts)/m);

    expect(configured).toBeGreaterThan(-1);
    expect(bundle.slice(configured, configured + 200)).toContain("jitless: true");
    expect(configured).toBeLessThan(firstOwnModule);
  });

  test("contains zod without its translated messages", () => {
    expect(bundle).toMatch(/node_modules\/zod\/v4\/core\//);
    expect(bundle).not.toMatch(/node_modules\/zod\/v4\/locales\/(?!en\.js)/);
  });
});
