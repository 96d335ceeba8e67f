import * as fc from "fast-check";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { installRequestDecoding, isUnsignedWireStruct } from "../../policies/request-decoding";

interface RequestMessage {
  getProperties(): Struct | undefined;
  toObject(): unknown;
  serializeBinary(): Uint8Array;
}

type Deserialize = (bytes: Uint8Array) => RequestMessage;

const analyzer = require("@pulumi/pulumi/proto/analyzer_pb");
// The generated decoder, taken before the pack's decoder replaces it.
const generatedDeserialize: Deserialize = analyzer.AnalyzeRequest.deserializeBinary;

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "PT5M" };

interface RequestFields {
  type: string;
  urn: string;
  name: string;
  properties?: Record<string, unknown>;
  options?: {
    protect?: boolean;
    ignoreChanges: string[];
    deleteBeforeReplace?: boolean;
    deleteBeforeReplaceDefined?: boolean;
    additionalSecretOutputs: string[];
    aliases: string[];
    customTimeouts?: { create?: number; update?: number; delete?: number; read?: number };
    parent?: string;
  };
  provider?: { type: string; name: string; properties: Record<string, unknown> };
}

function requestBytes(fields: RequestFields): Uint8Array {
  const request = new analyzer.AnalyzeRequest();
  request.setType(fields.type);
  request.setUrn(fields.urn);
  request.setName(fields.name);
  if (fields.properties !== undefined) {
    request.setProperties(Struct.fromJavaScript(fields.properties as never));
  }
  if (fields.options !== undefined) {
    const { protect, ignoreChanges, deleteBeforeReplace, deleteBeforeReplaceDefined, additionalSecretOutputs, aliases, customTimeouts, parent } = fields.options;
    const options = new analyzer.AnalyzerResourceOptions();
    if (protect !== undefined) options.setProtect(protect);
    options.setIgnorechangesList(ignoreChanges);
    if (deleteBeforeReplace !== undefined) options.setDeletebeforereplace(deleteBeforeReplace);
    if (deleteBeforeReplaceDefined !== undefined) options.setDeletebeforereplacedefined(deleteBeforeReplaceDefined);
    options.setAdditionalsecretoutputsList(additionalSecretOutputs);
    options.setAliasesList(aliases);
    if (customTimeouts !== undefined) {
      const timeouts = new analyzer.AnalyzerResourceOptions.CustomTimeouts();
      if (customTimeouts.create !== undefined) timeouts.setCreate(customTimeouts.create);
      if (customTimeouts.update !== undefined) timeouts.setUpdate(customTimeouts.update);
      if (customTimeouts.delete !== undefined) timeouts.setDelete(customTimeouts.delete);
      if (customTimeouts.read !== undefined) timeouts.setRead(customTimeouts.read);
      options.setCustomtimeouts(timeouts);
    }
    if (parent !== undefined) options.setParent(parent);
    request.setOptions(options);
  }
  if (fields.provider !== undefined) {
    const provider = new analyzer.AnalyzerProviderResource();
    provider.setType(fields.provider.type);
    provider.setName(fields.provider.name);
    provider.setProperties(Struct.fromJavaScript(fields.provider.properties as never));
    request.setProvider(provider);
  }
  return request.serializeBinary();
}

/** Returns what a decoder makes of the bytes: every field and the properties as the SDK converts them, or the error. */
function readingOf(deserialize: Deserialize, bytes: Uint8Array): unknown {
  try {
    const request = deserialize(bytes);
    let properties: unknown;
    try {
      properties = { value: request.getProperties()?.toJavaScript() };
    } catch (error) {
      properties = { error: (error as Error).message };
    }
    return { message: request.toObject(), properties, bytes: Array.from(request.serializeBinary()) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const requestFields: fc.Arbitrary<RequestFields> = fc.record(
  {
    type: fc.string(),
    urn: fc.string(),
    name: fc.string(),
    properties: fc.dictionary(fc.string(), fc.jsonValue()),
    options: fc.record(
      {
        protect: fc.boolean(),
        ignoreChanges: fc.array(fc.string(), { maxLength: 3 }),
        deleteBeforeReplace: fc.boolean(),
        deleteBeforeReplaceDefined: fc.boolean(),
        additionalSecretOutputs: fc.array(fc.string(), { maxLength: 3 }),
        aliases: fc.array(fc.string(), { maxLength: 3 }),
        customTimeouts: fc.record({ create: fc.double(), update: fc.double(), delete: fc.double(), read: fc.double() }, { requiredKeys: [] }),
        parent: fc.string(),
      },
      { requiredKeys: ["ignoreChanges", "additionalSecretOutputs", "aliases"] },
    ),
    provider: fc.record({ type: fc.string(), name: fc.string(), properties: fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }) }),
  },
  { requiredKeys: ["type", "urn", "name"] },
);

describe("Analyze request decoding", () => {
  let deserialize: Deserialize;

  beforeAll(() => {
    expect(installRequestDecoding()).toBe(true);
    deserialize = analyzer.AnalyzeRequest.deserializeBinary;
  });

  test("any request equals generated decoder", () => {
    fc.assert(
      fc.property(requestFields, (fields) => {
        const bytes = requestBytes(fields);

        expect(readingOf(deserialize, bytes)).toEqual(readingOf(generatedDeserialize, bytes));
      }),
      { numRuns: 300 },
    );
  });

  test("changed bytes decode as before", () => {
    const edits = fc.oneof(
      fc.record({ cut: fc.nat() }),
      fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ append: fc.uint8Array({ maxLength: 12 }) }),
      fc.constant({ repeatProperties: true as const }),
    );
    fc.assert(
      fc.property(requestFields, edits, (fields, edit) => {
        let bytes = Buffer.from(requestBytes(fields));
        if ("cut" in edit) {
          bytes = bytes.subarray(0, edit.cut % (bytes.length + 1));
        } else if ("at" in edit) {
          bytes[edit.at % bytes.length] = edit.byte;
        } else if ("append" in edit) {
          bytes = Buffer.concat([bytes, edit.append]);
        } else {
          bytes = Buffer.concat([bytes, requestBytes({ type: "", urn: "", name: "", properties: { second: true } })]);
        }

        expect(readingOf(deserialize, bytes)).toEqual(readingOf(generatedDeserialize, bytes));
      }),
      { numRuns: Number(process.env.RUNS ?? 500) },
    );
  });

  // google-protobuf reads a string that ends inside a UTF-8 sequence past its end, and so reads the bytes after
  // it out of step. Found by fuzzing the bytes around a valid field.
  test("misread string before properties", () => {
    const bytes = Buffer.from("12000a01e20a0212100a0e0a0161120911000000000000f03f", "hex");

    expect(readingOf(deserialize, bytes)).toEqual(readingOf(generatedDeserialize, bytes));
  });

  // protobufjs's uint32 skips the bytes of a varint longer than five bytes without reading them.
  test("tag written in six bytes", () => {
    const bytes = Buffer.from("8a808080800003616263" + "0a09414243444546474849", "hex");

    expect(readingOf(deserialize, bytes)).toEqual(readingOf(generatedDeserialize, bytes));
  });

  test("properties converted afresh on each call", () => {
    const request = deserialize(requestBytes({ type: "t", urn: "u", name: "n", properties: { sku: { name: "Default", capacity: 3 } } }));
    const properties = request.getProperties() as Struct;

    const first = properties.toJavaScript();
    const second = properties.toJavaScript();

    expect(second).toEqual(first);
    expect(second).not.toBe(first);
  });

  test("unsigned only without signature keys", () => {
    const plain = deserialize(requestBytes({ type: "t", urn: "u", name: "n", properties: { timeout: "PT5M" } })).getProperties() as Struct;
    const secret = deserialize(requestBytes({ type: "t", urn: "u", name: "n", properties: { timeout: SECRET } })).getProperties() as Struct;

    expect(isUnsignedWireStruct(plain)).toBe(true);
    expect(isUnsignedWireStruct(secret)).toBe(false);
    expect(isUnsignedWireStruct(Struct.fromJavaScript({ timeout: "PT5M" }))).toBe(false);
  });
});

// Last, because a second copy of the generated module replaces the classes in google-protobuf's global namespace.
test("extra field keeps generated decoder", () => {
  jest.isolateModules(() => {
    const isolated = require("@pulumi/pulumi/proto/analyzer_pb");
    const generated = isolated.AnalyzeRequest.deserializeBinary;
    isolated.AnalyzerResourceOptions.prototype.getRetainondelete = () => false;
    try {
      const { installRequestDecoding: install } = require("../../policies/request-decoding") as typeof import("../../policies/request-decoding");

      expect(install()).toBe(false);
      expect(isolated.AnalyzeRequest.deserializeBinary).toBe(generated);
    } finally {
      delete isolated.AnalyzerResourceOptions.prototype.getRetainondelete;
    }
  });
});
