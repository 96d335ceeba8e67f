import { scaleType } from "../../src/rules/scale-type";
import { describeRuleCases, invalid } from "./rule-table";

const PATH = "properties.scaleSettings.scaleType";
const scale = (type: unknown) => ({ scaleSettings: { scaleType: type } });

describeRuleCases(
  scaleType,
  [
    { name: "Managed Default", properties: scale("Default"), expected: [] },
    { name: "Managed unset", expected: [] },
    { name: "Managed TargetUtilization", properties: scale("TargetUtilization"), expected: [{ path: PATH, actual: "TargetUtilization", limit: "Default" }] },
    {
      name: "Managed TargetUtilization allowed by limits",
      limits: { managedScaleTypes: ["Default", "TargetUtilization"] },
      properties: scale("TargetUtilization"),
      expected: [{ path: PATH, actual: "TargetUtilization", limit: "Default" }],
    },
    { name: "Kubernetes unset", computeType: "Kubernetes", expected: [] },
    { name: "Kubernetes Default", computeType: "Kubernetes", properties: scale("Default"), expected: [] },
    {
      name: "Kubernetes Default not allowed",
      computeType: "Kubernetes",
      limits: { kubernetesScaleTypes: ["TargetUtilization"] },
      properties: scale("Default"),
      expected: [{ path: PATH, actual: "Default", limit: "TargetUtilization" }],
    },
    {
      name: "Kubernetes unset not allowed",
      computeType: "Kubernetes",
      limits: { kubernetesScaleTypes: ["Default"] },
      expected: [{ path: PATH, actual: "TargetUtilization", limit: "Default", actualIsDefault: true }],
    },
    { name: "legacy Auto spelling", computeType: "Kubernetes", properties: scale("Auto"), expected: [] },
    { name: "undefined type", properties: scale("Manual"), expected: [invalid(PATH, '"Manual"')] },
    { name: "number instead of string", properties: scale(1), expected: [invalid(PATH, "1")] },
  ],
  [{ name: "scale type", field: ["scaleSettings", "scaleType"], path: PATH }],
);
