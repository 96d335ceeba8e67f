import { instanceCount } from "../../src/rules/instance-count";
import { describeRuleCases, invalid } from "./rule-table";

const PATH = "sku.capacity";
const capacity = (value: unknown) => ({ name: "Default", capacity: value });

describeRuleCases(
  instanceCount,
  [
    { name: "at the maximum", sku: capacity(20), expected: [] },
    { name: "one past the maximum", sku: capacity(21), expected: [{ path: PATH, actual: 21, limit: 20 }] },
    { name: "at the minimum", sku: capacity(3), expected: [] },
    { name: "one below the minimum", sku: capacity(2), expected: [{ path: PATH, actual: 2, limit: 3 }] },
    { name: "unset is one instance", expected: [{ path: PATH, actual: 1, limit: 3, actualIsDefault: true }] },
    { name: "unset within a lower minimum", limits: { minInstanceCount: 1 }, expected: [] },
    { name: "Managed above Azure's cap", limits: { maxInstanceCount: 100 }, sku: capacity(51), expected: [{ path: PATH, actual: 51, limit: 50 }] },
    { name: "Kubernetes Default judged", computeType: "Kubernetes", properties: { scaleSettings: { scaleType: "Default" } }, sku: capacity(2), expected: [{ path: PATH, actual: 2, limit: 3 }] },
    { name: "Kubernetes Default not capped at 50", computeType: "Kubernetes", limits: { maxInstanceCount: 100 }, properties: { scaleSettings: { scaleType: "Default" } }, sku: capacity(51), expected: [] },
    { name: "Kubernetes autoscale not judged", computeType: "Kubernetes", sku: capacity(1), expected: [] },
    { name: "string capacity", sku: capacity("3"), expected: [invalid(PATH, '"3"')] },
    { name: "fraction capacity", sku: capacity(2.5), expected: [invalid(PATH, "2.5")] },
  ],
  [{ name: "capacity", sku: capacity(3), field: ["instanceCount"], path: PATH }],
);
