import type { Field } from "../../src/model/field";
import { type Lookup, plainAccess } from "../../src/sources/property-access";
import { capacityCountField, isolationModeField } from "../../src/sources/related-fields";

const PATH = "profiles[0].capacity.minimum";

describe("capacityCountField", () => {
  test.each<{ name: string; lookup: Lookup; trimSpaces: boolean; expected: Partial<Field<number>> }>([
    { name: "digit string", lookup: { kind: "present", value: "3" }, trimSpaces: false, expected: { state: "set", value: 3 } },
    { name: "number", lookup: { kind: "present", value: 3 }, trimSpaces: false, expected: { state: "set", value: 3 } },
    { name: "spaces trimmed", lookup: { kind: "present", value: " 3 " }, trimSpaces: true, expected: { state: "set", value: 3 } },
    { name: "spaces kept", lookup: { kind: "present", value: " 3 " }, trimSpaces: false, expected: { state: "invalid" } },
    { name: "negative number", lookup: { kind: "present", value: -1 }, trimSpaces: true, expected: { state: "invalid" } },
    { name: "fractional number", lookup: { kind: "present", value: 1.5 }, trimSpaces: true, expected: { state: "invalid" } },
    { name: "ten digits", lookup: { kind: "present", value: "1234567890" }, trimSpaces: true, expected: { state: "invalid" } },
    { name: "absent", lookup: { kind: "absent" }, trimSpaces: true, expected: { state: "invalid", reason: "is missing; Azure Monitor requires minimum, maximum and default" } },
    { name: "unknown", lookup: { kind: "unknown" }, trimSpaces: true, expected: { state: "unknown" } },
    { name: "unreadable", lookup: { kind: "unreadable", reason: "cannot be read" }, trimSpaces: true, expected: { state: "invalid", reason: "cannot be read" } },
  ])("$name", ({ lookup, trimSpaces, expected }) => {
    expect(capacityCountField(lookup, PATH, { trimSpaces })).toMatchObject(expected);
  });
});

describe("isolationModeField", () => {
  test.each<{ name: string; properties: unknown; expected: Partial<Field<string>> }>([
    { name: "no properties", properties: undefined, expected: { state: "unset", defaultValue: "Disabled" } },
    { name: "block without mode", properties: { managedNetwork: {} }, expected: { state: "unset", defaultValue: "Disabled" } },
    { name: "block that is a string", properties: { managedNetwork: "isolated" }, expected: { state: "invalid" } },
    { name: "block that is a list", properties: { managedNetwork: [] }, expected: { state: "invalid" } },
    { name: "approved outbound", properties: { managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound" } }, expected: { state: "set", value: "AllowOnlyApprovedOutbound" } },
  ])("$name", ({ properties, expected }) => {
    expect(isolationModeField(plainAccess, properties, "managedNetwork.isolationMode")).toMatchObject(expected);
  });
});
