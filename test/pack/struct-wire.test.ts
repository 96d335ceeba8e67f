import * as fc from "fast-check";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Writer } from "protobufjs/minimal";
import { SIGNATURE_KEY, decodeStruct } from "../../policies/struct-wire";
import { CORPUS_DIR } from "../support/corpus";

// Every Azure REST API example of the corpus: request and response bodies of online deployments and endpoints.
const REST_EXAMPLES = readdirSync(path.join(CORPUS_DIR, "rest-api-specs"), { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".json"))
  .sort();

/** Spells a value with its keys in order and numbers by Object.is, so key order, -0 and NaN count. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(shapeOf);
  }
  if (typeof value === "number") {
    return Object.is(value, -0) ? "-0" : Number.isNaN(value) ? "NaN" : value;
  }
  if (value === null || typeof value !== "object") {
    return value;
  }
  const prototype = Object.getPrototypeOf(value) === Object.prototype ? "Object" : "other";
  return { prototype, entries: Object.entries(value).map(([key, entry]) => [key, shapeOf(entry)]) };
}

/** Returns what google-protobuf makes of the bytes: the converted value, or the message of its error. */
function googleProtobufReading(bytes: Uint8Array): unknown {
  try {
    return { value: shapeOf(Struct.deserializeBinary(bytes).toJavaScript()) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

// A Value's fields on the wire, in the hand-written encodings below (google/protobuf/struct.proto).
type WireValue = { null: true } | { number: number } | { string: string } | { bool: boolean } | { struct: [string, WireValue][] } | { list: WireValue[] };

/** Encodes entries in the order given, repeated keys included, as Go's encoder would write them. */
function encodeStruct(entries: readonly [string, WireValue][]): Uint8Array {
  const writer = Writer.create();
  writeStruct(writer, entries);
  return writer.finish();
}

function writeStruct(writer: Writer, entries: readonly [string, WireValue][]): void {
  for (const [key, value] of entries) {
    writer.uint32(10).fork().uint32(10).string(key).uint32(18).fork();
    writeValue(writer, value);
    writer.ldelim().ldelim();
  }
}

function writeValue(writer: Writer, value: WireValue): void {
  if ("null" in value) {
    writer.uint32(8).int32(0);
  } else if ("number" in value) {
    writer.uint32(17).double(value.number);
  } else if ("string" in value) {
    writer.uint32(26).string(value.string);
  } else if ("bool" in value) {
    writer.uint32(32).bool(value.bool);
  } else if ("struct" in value) {
    writer.uint32(42).fork();
    writeStruct(writer, value.struct);
    writer.ldelim();
  } else {
    writer.uint32(50).fork();
    for (const item of value.list) {
      writer.uint32(10).fork();
      writeValue(writer, item);
      writer.ldelim();
    }
    writer.ldelim();
  }
}

/** Converts parsed JSON to the wire form above, with each object's keys in reverse order. */
function wireValueOf(value: unknown): WireValue {
  if (value === null) {
    return { null: true };
  }
  if (Array.isArray(value)) {
    return { list: value.map(wireValueOf) };
  }
  if (typeof value === "object") {
    return { struct: Object.entries(value).reverse().map(([key, entry]): [string, WireValue] => [key, wireValueOf(entry)]) };
  }
  if (typeof value === "number") {
    return { number: value };
  }
  return typeof value === "string" ? { string: value } : { bool: value as boolean };
}

/** Encodes `{ deep: [[[…null…]]] }` with `depth` lists, from the inside out, without recursion. */
function nestedLists(depth: number): Uint8Array {
  const chunks: Uint8Array[] = [Uint8Array.of(0x08, 0x00)];
  let length = 2;
  for (let level = 0; level < depth; level++) {
    // ListValue.values (tag 10) contains the inner Value, and Value.list_value (tag 50) contains that ListValue.
    const item = prefixed(0x0a, length);
    const list = prefixed(0x32, length + item.length);
    chunks.push(item, list);
    length += item.length + list.length;
  }
  const value = Buffer.concat(chunks.reverse());
  const entry = Buffer.concat([Uint8Array.of(0x0a, 0x04), Buffer.from("deep"), prefixed(0x12, value.length), value]);
  return Buffer.concat([prefixed(0x0a, entry.length), entry]);
}

function prefixed(tag: number, length: number): Uint8Array {
  return Writer.create().uint32(tag).uint32(length).finish();
}

const wireValue: fc.Arbitrary<WireValue> = fc.letrec<{ value: WireValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant({ null: true as const }),
    fc.double().map((number) => ({ number })),
    fc.string({ unit: "grapheme" }).map((string) => ({ string })),
    fc.boolean().map((bool) => ({ bool })),
    fc.array(fc.tuple(fc.string({ maxLength: 4 }), tie("value")), { maxLength: 5 }).map((struct) => ({ struct })),
    fc.array(tie("value"), { maxLength: 4 }).map((list) => ({ list })),
  ),
})).value;

const keyLists = fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom("b", "a", "10", "9", "é", "Z")), wireValue), { maxLength: 8 });

describe("Struct wire decoding", () => {
  test("any JSON equals google-protobuf", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (fields) => {
        const bytes = Struct.fromJavaScript(fields as never).serializeBinary();

        expect({ value: shapeOf(decodeStruct(bytes)?.value) }).toEqual(googleProtobufReading(bytes));
      }),
      { numRuns: 300 },
    );
  });

  // Written with every object's keys in reverse order, as Go's encoder may write a map.
  test.each(REST_EXAMPLES)("REST example %s equals google-protobuf", (file) => {
    const example = JSON.parse(readFileSync(path.join(CORPUS_DIR, "rest-api-specs", file), "utf8")) as unknown;
    const bytes = encodeStruct((wireValueOf(example) as { struct: [string, WireValue][] }).struct);

    expect({ value: shapeOf(decodeStruct(bytes)?.value) }).toEqual(googleProtobufReading(bytes));
  });

  test("unsorted and repeated keys", () => {
    fc.assert(
      fc.property(keyLists, (entries) => {
        const bytes = encodeStruct(entries);

        expect({ value: shapeOf(decodeStruct(bytes)?.value) }).toEqual(googleProtobufReading(bytes));
      }),
      { numRuns: 300 },
    );
  });

  test("numbers keep -0, NaN and infinities", () => {
    const bytes = encodeStruct([
      ["negativeZero", { number: -0 }],
      ["notANumber", { number: Number.NaN }],
      ["infinity", { number: Number.POSITIVE_INFINITY }],
    ]);

    expect({ value: shapeOf(decodeStruct(bytes)?.value) }).toEqual(googleProtobufReading(bytes));
  });

  // More distinct short keys than the table of recent keys has slots, so many share a slot with another of the
  // same length, and the second decoding finds most of them in the table.
  test("keys sharing a table slot", () => {
    const bytes = encodeStruct(Array.from({ length: 5000 }, (_, index): [string, WireValue] => [`k${index}`, { string: `v${index % 3000}` }]));

    for (let round = 0; round < 2; round++) {
      expect({ value: shapeOf(decodeStruct(bytes)?.value) }).toEqual(googleProtobufReading(bytes));
    }
  });

  test("multi-byte and long strings", () => {
    const bytes = encodeStruct([
      ["naïve", { string: "Zürich 😀" }],
      ["long", { string: "x".repeat(100_000) }],
    ]);

    expect({ value: shapeOf(decodeStruct(bytes)?.value) }).toEqual(googleProtobufReading(bytes));
  });

  test("signature key reported at any depth", () => {
    const secret: WireValue = { struct: [[SIGNATURE_KEY, { string: "1b47061264138c4ac30d75fd1eb44270" }], ["value", { string: "PT5M" }]] };

    expect(decodeStruct(encodeStruct([["properties", { list: [{ struct: [["timeout", secret]] }] }]]))?.signed).toBe(true);
    expect(decodeStruct(encodeStruct([["properties", { struct: [["timeout", { string: SIGNATURE_KEY }]] }]]))?.signed).toBe(false);
  });

  // Each case is valid or invalid protobuf that Go's encoder does not write, which google-protobuf must decide.
  const nonCanonical: [string, Uint8Array][] = [
    ["entry without value", Uint8Array.of(0x0a, 0x03, 0x0a, 0x01, 0x61)],
    ["entry without key", Uint8Array.of(0x0a, 0x04, 0x12, 0x02, 0x20, 0x01)],
    ["value of no kind", Uint8Array.of(0x0a, 0x05, 0x0a, 0x01, 0x61, 0x12, 0x00)],
    ["value of two kinds", Uint8Array.of(0x0a, 0x09, 0x0a, 0x01, 0x61, 0x12, 0x04, 0x20, 0x01, 0x08, 0x00)],
    ["unknown field", Uint8Array.of(0x10, 0x01)],
    ["tag padded to two bytes", Uint8Array.of(0x8a, 0x00, 0x05, 0x0a, 0x01, 0x61, 0x12, 0x00)],
    ["length padded to two bytes", Uint8Array.of(0x0a, 0x87, 0x00, 0x0a, 0x01, 0x61, 0x12, 0x02, 0x20, 0x01)],
    ["bool of 2^32 in five bytes", Uint8Array.of(0x0a, 0x0b, 0x0a, 0x01, 0x61, 0x12, 0x06, 0x20, 0x80, 0x80, 0x80, 0x80, 0x10)],
    ["list item with a field after its kind", Uint8Array.of(0x0a, 0x0f, 0x0a, 0x01, 0x61, 0x12, 0x0a, 0x32, 0x08, 0x0a, 0x06, 0x20, 0x01, 0x0a, 0x02, 0x08, 0x00)],
    ["invalid UTF-8", Uint8Array.of(0x0a, 0x09, 0x0a, 0x01, 0x61, 0x12, 0x04, 0x1a, 0x02, 0xc3, 0x28)],
    ["__proto__ key", encodeStruct([["__proto__", { struct: [["polluted", { bool: true }]] }]])],
    ["length past the end", Uint8Array.of(0x0a, 0x20, 0x0a, 0x01, 0x61)],
    ["cut after a tag", Uint8Array.of(0x0a)],
  ];

  test.each(nonCanonical)("%s left to google-protobuf", (_name, bytes) => {
    expect(decodeStruct(bytes)).toBeUndefined();
  });

  // google-protobuf runs out of stack at a depth that this reader, with fewer calls per level, would pass.
  test("nesting past 100 levels left to google-protobuf", () => {
    expect(decodeStruct(nestedLists(99))?.value).toEqual({ deep: JSON.parse(`${"[".repeat(99)}null${"]".repeat(99)}`) });
    expect(decodeStruct(nestedLists(100))).toBeUndefined();
    expect(decodeStruct(nestedLists(20_000))).toBeUndefined();
  });
});
