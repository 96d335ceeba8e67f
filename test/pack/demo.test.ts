import { renderPolicyViolations, runPreviewDemo } from "../../src/demo/preview-demo";
import type { Diagnostic } from "../support/pack-harness";

function diagnostic(urn: string, policyName: string, enforcementLevel: Diagnostic["enforcementLevel"], message: string): Diagnostic {
  return { policyName, policyPackName: "amlguard", message, enforcementLevel, urn, severity: 2 };
}

describe("preview demo", () => {
  test("mandatory violation exits 1", async () => {
    let output = "";

    const { exitCode } = await runPreviewDemo((text) => {
      output += text;
    });

    expect(exitCode).toBe(1);
    expect(output).toContain("[mandatory]  request-timeout");
    expect(output).not.toContain("example-key-not-real");
  });

  test("violations grouped by resource", () => {
    const blue = "urn:pulumi:dev::p::azure-native:machinelearningservices:OnlineDeployment::blue";
    const green = "urn:pulumi:dev::p::azure-native:machinelearningservices:OnlineDeployment::green";
    const diagnostics = [
      diagnostic(green, "request-timeout", "mandatory", "Request timeout is PT5M."),
      diagnostic("", "quota-core-budget", "mandatory", "Too many cores."),
      diagnostic(blue, "probe-required", "advisory", "Liveness probe is not declared."),
    ];

    const text = renderPolicyViolations("amlguard", diagnostics, [blue, green]);

    expect(text.split("\n")).toEqual([
      "Policies:",
      "    ❌ amlguard",
      "        - azure-native:machinelearningservices:OnlineDeployment  blue",
      "            [advisory]  probe-required",
      "                Liveness probe is not declared.",
      "        - azure-native:machinelearningservices:OnlineDeployment  green",
      "            [mandatory]  request-timeout",
      "                Request timeout is PT5M.",
      "        - (stack)",
      "            [mandatory]  quota-core-budget",
      "                Too many cores.",
      "",
    ]);
  });

  test("no violations", () => {
    expect(renderPolicyViolations("amlguard", [], [])).toBe("Policies:\n    amlguard: no violations\n");
  });
});
