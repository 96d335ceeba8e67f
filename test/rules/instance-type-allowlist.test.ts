import { instanceTypeAllowlist } from "../../src/rules/instance-type-allowlist";
import { describeRuleCases, invalid } from "./rule-table";

const PATH = "properties.instanceType";
const allow = { allowedManagedInstanceTypes: ["Standard_DS3_v2", "Standard_F8s_v2"] };

describeRuleCases(
  instanceTypeAllowlist,
  [
    { name: "empty allowlist allows all", properties: { instanceType: "Standard_NC24ads_A100_v4" }, expected: [] },
    { name: "listed type", limits: allow, properties: { instanceType: "Standard_DS3_v2" }, expected: [] },
    { name: "listed type in other case", limits: allow, properties: { instanceType: "standard_ds3_v2" }, expected: [] },
    { name: "unlisted type", limits: allow, properties: { instanceType: "Standard_NC6s_v3" }, expected: [{ path: PATH, actual: "Standard_NC6s_v3", limit: "Standard_DS3_v2, Standard_F8s_v2" }] },
    { name: "unset takes the default", limits: allow, expected: [{ path: PATH, actual: "Standard_F4s_v2", limit: "Standard_DS3_v2, Standard_F8s_v2", actualIsDefault: true }] },
    { name: "Kubernetes uses its own list", computeType: "Kubernetes", limits: allow, properties: { instanceType: "gpuinstance" }, expected: [] },
    {
      name: "Kubernetes unlisted type",
      computeType: "Kubernetes",
      limits: { allowedKubernetesInstanceTypes: ["defaultinstancetype"] },
      properties: { instanceType: "gpuinstance" },
      expected: [{ path: PATH, actual: "gpuinstance", limit: "defaultinstancetype" }],
    },
    { name: "Kubernetes unset on the list", computeType: "Kubernetes", limits: { allowedKubernetesInstanceTypes: ["defaultinstancetype"] }, expected: [] },
    {
      name: "Kubernetes unset off the list",
      computeType: "Kubernetes",
      limits: { allowedKubernetesInstanceTypes: ["gpuinstance"] },
      expected: [{ path: PATH, actual: "defaultinstancetype", limit: "gpuinstance", actualIsDefault: true }],
    },
    { name: "number instead of string", limits: allow, properties: { instanceType: 4 }, expected: [invalid(PATH, "4")] },
    { name: "empty string", limits: allow, properties: { instanceType: "" }, expected: [invalid(PATH, '""')] },
  ],
  [{ name: "instance type", limits: allow, field: ["instanceType"], path: PATH }],
);
