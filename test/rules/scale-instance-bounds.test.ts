import { unknownField } from "../../src/model/field";
import type { AutoscaleProfile } from "../../src/model/deployment";
import { scaleInstanceBounds } from "../../src/rules/scale-instance-bounds";
import { runRule } from "../../src/engine/evaluate";
import { AUTOSCALE_CAPACITY, autoscaleProfile, deployment } from "../support/deployment-builder";
import { describeRuleCases, invalid } from "./rule-table";

const MIN = "properties.scaleSettings.minInstances";
const MAX = "properties.scaleSettings.maxInstances";
const target = (settings: Record<string, unknown>) => ({ scaleSettings: { scaleType: "TargetUtilization", ...settings } });

describeRuleCases(
  scaleInstanceBounds,
  [
    { name: "within the bounds", computeType: "Kubernetes", properties: target({ minInstances: 1, maxInstances: 20 }), expected: [] },
    { name: "max one past", computeType: "Kubernetes", properties: target({ minInstances: 1, maxInstances: 21 }), expected: [{ path: MAX, actual: 21, limit: 20 }] },
    { name: "min zero", computeType: "Kubernetes", properties: target({ minInstances: 0, maxInstances: 3 }), expected: [{ path: MIN, actual: 0, limit: 1 }] },
    { name: "min above max", computeType: "Kubernetes", properties: target({ minInstances: 5, maxInstances: 3 }), expected: [{ path: MIN, actual: 5, limit: 3 }] },
    { name: "min above unset max", computeType: "Kubernetes", properties: target({ minInstances: 2 }), expected: [{ path: MIN, actual: 2, limit: 1 }] },
    { name: "unset on Kubernetes", computeType: "Kubernetes", expected: [] },
    {
      name: "unset below a higher floor",
      computeType: "Kubernetes",
      limits: { lowestMinInstances: 2 },
      expected: [
        { path: MIN, actual: 1, limit: 2, actualIsDefault: true },
        { path: MAX, actual: 1, limit: 2, actualIsDefault: true },
      ],
    },
    { name: "Default scale type ignores the counts", computeType: "Kubernetes", properties: { scaleSettings: { scaleType: "Default", maxInstances: 99 } }, expected: [] },
    { name: "string count", computeType: "Kubernetes", properties: target({ maxInstances: "3" }), expected: [invalid(MAX, '"3"')] },
    { name: "autoscale within the bounds", related: { autoscaleProfiles: [autoscaleProfile(2, 3, 10)] }, expected: [] },
    { name: "autoscale maximum one past", related: { autoscaleProfiles: [autoscaleProfile(2, 3, 21)] }, expected: [{ path: `${AUTOSCALE_CAPACITY}.maximum`, actual: 21, limit: 20 }] },
    { name: "autoscale minimum zero", related: { autoscaleProfiles: [autoscaleProfile(0, 1, 3)] }, expected: [{ path: `${AUTOSCALE_CAPACITY}.minimum`, actual: 0, limit: 1 }] },
    { name: "autoscale default below minimum", related: { autoscaleProfiles: [autoscaleProfile(3, 2, 5)] }, expected: [{ path: `${AUTOSCALE_CAPACITY}.minimum`, actual: 3, limit: 2 }] },
    { name: "autoscale default above maximum", related: { autoscaleProfiles: [autoscaleProfile(1, 6, 5)] }, expected: [{ path: `${AUTOSCALE_CAPACITY}.default`, actual: 6, limit: 5 }] },
    {
      name: "autoscale above Azure's cap",
      limits: { highestMaxInstances: 100 },
      related: { autoscaleProfiles: [autoscaleProfile(1, 2, 51)] },
      expected: [{ path: `${AUTOSCALE_CAPACITY}.maximum`, actual: 51, limit: 50 }],
    },
    {
      name: "Kubernetes not capped at 50",
      computeType: "Kubernetes",
      limits: { highestMaxInstances: 100 },
      properties: target({ maxInstances: 51 }),
      expected: [],
    },
  ],
  [{ name: "max instances", computeType: "Kubernetes", field: ["scaleSettings", "maxInstances"], path: MAX }],
);

describe("scale-instance-bounds autoscale unknown", () => {
  test("unknown maximum is advisory", () => {
    const unknownProfile: AutoscaleProfile = { ...autoscaleProfile(1, 2, 3), maximum: unknownField(`${AUTOSCALE_CAPACITY}.maximum`) };
    const findings = runRule(scaleInstanceBounds, deployment({}, { autoscaleProfiles: [unknownProfile] }), scaleInstanceBounds.limits.parse({}), "mandatory");
    expect(findings.map((finding) => [finding.kind, finding.enforcementLevel, finding.path])).toEqual([["unknown", "advisory", `${AUTOSCALE_CAPACITY}.maximum`]]);
  });
});
