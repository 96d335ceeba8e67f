import { invalidField, setField, unknownField } from "../../src/model/field";
import { egressPublicNetworkAccess } from "../../src/rules/egress-public-network-access";
import { runRule } from "../../src/engine/evaluate";
import { deployment, withField } from "../support/deployment-builder";
import { describeRuleCases, invalid } from "./rule-table";

const PATH = "properties.egressPublicNetworkAccess";
const ISOLATION = "workspace.properties.managedNetwork.isolationMode";

describeRuleCases(
  egressPublicNetworkAccess,
  [
    { name: "Disabled", properties: { egressPublicNetworkAccess: "Disabled" }, expected: [] },
    { name: "Enabled", properties: { egressPublicNetworkAccess: "Enabled" }, expected: [{ path: PATH, actual: "Enabled", limit: "Disabled" }] },
    { name: "unset is Enabled", expected: [{ path: PATH, actual: "Enabled", limit: "Disabled", actualIsDefault: true }] },
    { name: "allowed by limits", limits: { allowPublicEgress: true }, expected: [] },
    { name: "approved-outbound workspace", related: { workspaceIsolationMode: setField(ISOLATION, "AllowOnlyApprovedOutbound") }, expected: [] },
    {
      name: "internet-outbound workspace",
      related: { workspaceIsolationMode: setField(ISOLATION, "AllowInternetOutbound") },
      expected: [{ path: ISOLATION, actual: "AllowInternetOutbound", limit: "AllowOnlyApprovedOutbound" }],
    },
    {
      name: "Disabled in a workspace that could not be read",
      properties: { egressPublicNetworkAccess: "Disabled" },
      related: { workspaceIsolationMode: invalidField(ISOLATION, undefined, "could not be read because the workspace request failed: access denied (HTTP 403)") },
      expected: [{ kind: "invalid", path: ISOLATION, actual: null, limit: null }],
    },
    {
      name: "Enabled in a workspace that could not be read",
      related: { workspaceIsolationMode: invalidField(ISOLATION, undefined, "could not be read because the workspace request failed: access denied (HTTP 403)") },
      expected: [{ kind: "invalid", path: ISOLATION, actual: null, limit: null }, { path: PATH, actual: "Enabled", limit: "Disabled", actualIsDefault: true }],
    },
    {
      name: "Disabled in an internet-outbound workspace",
      properties: { egressPublicNetworkAccess: "Disabled" },
      related: { workspaceIsolationMode: setField(ISOLATION, "AllowInternetOutbound") },
      expected: [{ path: ISOLATION, actual: "AllowInternetOutbound", limit: "AllowOnlyApprovedOutbound" }],
    },
    {
      name: "Disabled in an internet-outbound workspace, allowed by limits",
      limits: { allowPublicEgress: true },
      properties: { egressPublicNetworkAccess: "Disabled" },
      related: { workspaceIsolationMode: setField(ISOLATION, "AllowInternetOutbound") },
      expected: [],
    },
    {
      name: "Disabled in a workspace without a managed network",
      properties: { egressPublicNetworkAccess: "Disabled" },
      related: { workspaceIsolationMode: setField(ISOLATION, "Disabled") },
      expected: [],
    },
    {
      name: "Disabled in a workspace of unknown mode",
      properties: { egressPublicNetworkAccess: "Disabled" },
      related: { workspaceIsolationMode: unknownField(ISOLATION) },
      expected: [{ kind: "unknown", path: ISOLATION, actual: null, limit: null, enforcementLevel: "advisory" }],
    },
    {
      name: "Enabled in a workspace of unknown mode",
      properties: { egressPublicNetworkAccess: "Enabled" },
      related: { workspaceIsolationMode: unknownField(ISOLATION) },
      expected: [{ kind: "unknown", path: ISOLATION, actual: null, limit: null, enforcementLevel: "advisory" }],
    },
    {
      name: "Enabled, unknown mode, workspace not accepted",
      limits: { acceptWorkspaceManagedNetwork: false },
      properties: { egressPublicNetworkAccess: "Enabled" },
      related: { workspaceIsolationMode: unknownField(ISOLATION) },
      expected: [
        { path: PATH, actual: "Enabled", limit: "Disabled", actualIsDefault: false },
        { kind: "unknown", path: ISOLATION, actual: null, limit: null, enforcementLevel: "advisory" },
      ],
    },
    {
      name: "workspace not accepted",
      limits: { acceptWorkspaceManagedNetwork: false },
      related: { workspaceIsolationMode: setField(ISOLATION, "AllowOnlyApprovedOutbound") },
      expected: [{ path: PATH, actual: "Enabled", limit: "Disabled", actualIsDefault: true }],
    },
    { name: "lower-case value", properties: { egressPublicNetworkAccess: "disabled" }, expected: [invalid(PATH, '"disabled"')] },
    { name: "boolean value", properties: { egressPublicNetworkAccess: false }, expected: [invalid(PATH, "false")] },
  ],
  [{ name: "egress", field: ["egressPublicNetworkAccess"], path: PATH }],
);

describe("egress-public-network-access remediation", () => {
  const limits = egressPublicNetworkAccess.limits.parse({});

  test("unset becomes Disabled", () => {
    expect(egressPublicNetworkAccess.remediate?.(deployment(), limits)).toEqual([{ path: PATH, value: "Disabled" }]);
  });

  test("Disabled needs nothing", () => {
    expect(egressPublicNetworkAccess.remediate?.(deployment({ properties: { egressPublicNetworkAccess: "Disabled" } }), limits)).toEqual([]);
  });

  test("unknown is left alone", () => {
    const target = { ...deployment(), egressPublicNetworkAccess: unknownField(PATH) };
    expect(egressPublicNetworkAccess.remediate?.(target, limits)).toEqual([]);
  });
});

describe("egress-public-network-access with an unknown flag", () => {
  test("an internet-outbound workspace fails it all the same", () => {
    const related = { workspaceIsolationMode: setField(ISOLATION, "AllowInternetOutbound" as const) };
    const target = withField(deployment({}, related), ["egressPublicNetworkAccess"], unknownField(PATH));

    const findings = runRule(egressPublicNetworkAccess, target, egressPublicNetworkAccess.limits.parse({}), "mandatory");

    expect(findings.map((finding) => [finding.kind, finding.path, finding.actual])).toEqual([["violation", ISOLATION, "AllowInternetOutbound"]]);
  });
});
