import * as fc from "fast-check";
import { Struct, Value } from "google-protobuf/google/protobuf/struct_pb";
import { installSecretTracking, secretPathsOf } from "../../policies/secret-paths";

type Deserialize = (struct: Struct, proxySecrets: boolean) => unknown;

// The SDK's own deserializer, taken before the pack's wrapper replaces the module export.
const deserializeModule = require("@pulumi/policy/deserialize") as { deserializeProperties: Deserialize };
const sdkDeserialize = deserializeModule.deserializeProperties;

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Spells a value with every object's prototype, so two results that differ only in a prototype differ here. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(shapeOf);
  }
  if (value === null || typeof value !== "object") {
    return value;
  }
  const prototype = Object.getPrototypeOf(value) === Object.prototype ? "Object" : "other";
  return { prototype, entries: Object.entries(value).map(([key, entry]) => [key, shapeOf(entry)]) };
}

function structWith(fields: Record<string, unknown>): Struct {
  const struct = new Struct();
  for (const [key, value] of Object.entries(fields)) {
    struct.getFieldsMap().set(key, Value.fromJavaScript(value as never));
  }
  return struct;
}

describe("shared deserialization of Analyze properties", () => {
  let tracked: Deserialize;

  beforeAll(() => {
    expect(installSecretTracking()).toBe(true);
    tracked = deserializeModule.deserializeProperties;
  });

  test("any JSON equals SDK copy", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (fields) => {
        expect(shapeOf(tracked(structWith(fields), false))).toEqual(shapeOf(sdkDeserialize(structWith(fields), false)));
      }),
      { numRuns: 300 },
    );
  });

  test("secret unwrapped, path kept", () => {
    const fields = { properties: { requestSettings: { requestTimeout: { [SIG_KEY]: SECRET_SIG, value: "PT5M" } } } };

    const props = tracked(structWith(fields), false) as Record<string, unknown>;

    expect(props).toEqual({ properties: { requestSettings: { requestTimeout: "PT5M" } } });
    expect(secretPathsOf(props)).toEqual(["properties.requestSettings.requestTimeout"]);
  });
});
