import { Reader } from "protobufjs/minimal";

// Tags (field number << 3 | wire type) of google/protobuf/struct.proto.
const STRUCT_FIELDS = (1 << 3) | 2;
const ENTRY_KEY = (1 << 3) | 2;
const ENTRY_VALUE = (2 << 3) | 2;
const LIST_VALUES = (1 << 3) | 2;
const NULL_VALUE = (1 << 3) | 0;
const NUMBER_VALUE = (2 << 3) | 1;
const STRING_VALUE = (3 << 3) | 2;
const BOOL_VALUE = (4 << 3) | 0;
const STRUCT_VALUE = (5 << 3) | 2;
const LIST_VALUE = (6 << 3) | 2;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The key with which Pulumi's property wire format marks a secret, asset, archive or resource reference, as in
 * `{ [SIGNATURE_KEY]: "<secret signature>", value }` for a secret (`runtime/rpc.js` in @pulumi/pulumi).
 */
export const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";

/** The values of a decoded Struct, and whether any object among them has Pulumi's signature key. */
export interface DecodedStruct {
  readonly value: Record<string, unknown>;
  readonly signed: boolean;
}

/** Bytes that this reader leaves to google-protobuf: valid protobuf, perhaps, but not as Go's encoder writes it. */
export class NotCanonical extends Error {}

/** The state of one Struct read: whether any object so far has Pulumi's signature key, and the nesting depth. */
interface ReadState {
  signed: boolean;
  depth: number;
}

// google-protobuf decodes each level of nesting in several nested calls and runs out of stack at some depth, about
// 3,000 levels of lists on Node.js 20. This reader nests fewer calls per level, so deeper values go to
// google-protobuf, which succeeds or fails as before. Pulumi property values come nowhere near this depth.
const MAX_DEPTH = 100;

/**
 * Decodes a google.protobuf.Struct from its wire bytes to the plain object that google-protobuf 3.21.4 returns
 * from `Struct.deserializeBinary(bytes).toJavaScript()`: keys in sorted order, numbers as doubles, the last entry
 * of a repeated key. It also reports whether any object of the Struct has Pulumi's signature key, so that a
 * caller can skip looking for secrets in a Struct that has none.
 *
 * Returns undefined for bytes that Go's protobuf encoder, which the Pulumi engine uses, does not write for a
 * Struct: a map entry without its key or value, a value of no kind or of two, or an unknown field. So are a
 * string that is not valid UTF-8, and a tag, length, bool or null not in its shortest form. So are the key
 * `__proto__`, nesting deeper than 100 levels, and lengths that do not fit. The caller hands those bytes to
 * google-protobuf, so that it decides them as before, error or value.
 */
export function decodeStruct(bytes: Uint8Array): DecodedStruct | undefined {
  try {
    return readDecodedStruct(wireReader(bytes), bytes.length);
  } catch (error) {
    if (isNotCanonical(error)) {
      return undefined;
    }
    throw error;
  }
}

/** Returns a protobufjs reader over a Buffer that shares the bytes' memory, so that strings decode fast. */
export function wireReader(bytes: Uint8Array): Reader {
  return Reader.create(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Reports whether a read failed on bytes that google-protobuf must decide. */
export function isNotCanonical(error: unknown): boolean {
  // RangeError covers protobufjs's reads past the end.
  return error instanceof NotCanonical || error instanceof RangeError;
}

/**
 * Reads a Struct's entries up to `end` as decodeStruct does, and throws where decodeStruct returns undefined, so
 * that a reader of the message around the Struct can leave the whole message to google-protobuf.
 */
export function readDecodedStruct(reader: Reader, end: number): DecodedStruct {
  const state = { signed: false, depth: 0 };
  const value = readStruct(reader, end, state);
  return { value, signed: state.signed };
}

function readStruct(reader: Reader, end: number, state: ReadState): Record<string, unknown> {
  enter(state);
  const struct: Record<string, unknown> = {};
  let previousKey: string | undefined;
  let sorted = true;
  while (reader.pos < end) {
    expectTag(reader, STRUCT_FIELDS);
    const entryEnd = lengthEnd(reader, end);
    expectTag(reader, ENTRY_KEY);
    const key = readKey(reader, entryEnd);
    expectTag(reader, ENTRY_VALUE);
    const value = readValue(reader, lengthEnd(reader, entryEnd), state);
    expectEnd(reader, entryEnd);

    // google-protobuf's conversion assigns `__proto__` like any other key, which creates no own key.
    if (key === "__proto__") {
      throw new NotCanonical();
    }
    if (key === SIGNATURE_KEY) {
      state.signed = true;
    }
    if (previousKey !== undefined && key <= previousKey) {
      sorted = false;
    }
    previousKey = key;
    struct[key] = value;
  }
  expectEnd(reader, end);

  state.depth--;
  // Go writes map entries in random order, and google-protobuf's map hands them over sorted by key.
  return sorted ? struct : sortedByKey(struct);
}

function readValue(reader: Reader, end: number, state: ReadState): unknown {
  let value: unknown;
  switch (readVarint(reader)) {
    case NULL_VALUE:
      readSmallVarint(reader);
      value = null;
      break;
    case NUMBER_VALUE:
      value = reader.double();
      break;
    case STRING_VALUE:
      value = readString(reader, end);
      break;
    case BOOL_VALUE:
      value = readBool(reader);
      break;
    case STRUCT_VALUE:
      value = readStruct(reader, lengthEnd(reader, end), state);
      break;
    case LIST_VALUE:
      value = readList(reader, lengthEnd(reader, end), state);
      break;
    default:
      throw new NotCanonical();
  }
  // A second kind after the first would replace it in google-protobuf, so the value ends after one.
  expectEnd(reader, end);
  return value;
}

function readList(reader: Reader, end: number, state: ReadState): unknown[] {
  enter(state);
  const list: unknown[] = [];
  while (reader.pos < end) {
    expectTag(reader, LIST_VALUES);
    list.push(readValue(reader, lengthEnd(reader, end), state));
  }
  expectEnd(reader, end);
  state.depth--;
  return list;
}

function enter(state: ReadState): void {
  state.depth++;
  if (state.depth > MAX_DEPTH) {
    throw new NotCanonical();
  }
}

/** Reads a length-prefixed string that must be valid UTF-8 and end by `end`. */
export function readString(reader: Reader, end: number): string {
  return decodeText(reader, lengthEnd(reader, end));
}

/** Reads a Struct's key as readString does, taking a short ASCII key from the table of recent keys. */
function readKey(reader: Reader, end: number): string {
  const keyEnd = lengthEnd(reader, end);
  if (keyEnd - reader.pos <= MAX_RECENT_KEY_LENGTH) {
    const recent = recentAsciiKey(reader.buf as Buffer, reader.pos, keyEnd);
    if (recent !== undefined) {
      reader.pos = keyEnd;
      return recent;
    }
  }
  return decodeText(reader, keyEnd);
}

/** Decodes the bytes from the reader's position to `textEnd`, which must be valid UTF-8, and moves past them. */
function decodeText(reader: Reader, textEnd: number): string {
  const start = reader.pos;
  reader.pos = textEnd;
  const buffer = reader.buf as Buffer;
  if (isAscii(buffer, start, textEnd)) {
    // Latin-1 reads ASCII bytes as UTF-8 does, and Buffer decodes it without TextDecoder's cost per call.
    return buffer.toString("latin1", start, textEnd);
  }
  try {
    return utf8.decode(buffer.subarray(start, textEnd));
  } catch {
    // google-protobuf decodes invalid UTF-8 in its own way, so such bytes go to it.
    throw new NotCanonical();
  }
}

// Deployments of one program share most of their keys, and Buffer decodes each string in a call to C++, so short
// ASCII keys come from a table of keys read before. Values stay out, because Pulumi marks values secret, not keys,
// and a secret must not stay in memory after its request.
const MAX_RECENT_KEY_LENGTH = 64;
const RECENT_KEY_SLOTS = 2048;
const recentKeys: (string | undefined)[] = new Array<string | undefined>(RECENT_KEY_SLOTS).fill(undefined);

/**
 * Returns the key of bytes `start` to `end`, from the table when its slot has the same bytes and decoded into that
 * slot otherwise, or undefined when a byte is not ASCII.
 */
function recentAsciiKey(buffer: Buffer, start: number, end: number): string | undefined {
  let hash = end - start;
  for (let index = start; index < end; index++) {
    const byte = buffer[index];
    if (byte >= 0x80) {
      return undefined;
    }
    hash = (Math.imul(hash, 31) + byte) | 0;
  }
  const slot = hash & (RECENT_KEY_SLOTS - 1);
  const recent = recentKeys[slot];
  if (recent !== undefined && sameAscii(recent, buffer, start, end)) {
    return recent;
  }
  const key = buffer.toString("latin1", start, end);
  recentKeys[slot] = key;
  return key;
}

function sameAscii(text: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (text.length !== end - start) {
    return false;
  }
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) !== bytes[start + index]) {
      return false;
    }
  }
  return true;
}

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    if (bytes[index] >= 0x80) {
      return false;
    }
  }
  return true;
}

/**
 * Reads a bool written in one byte, as Go writes it. google-protobuf reads a bool from its first byte alone and
 * the next byte as a tag, so a longer varint is left to it.
 */
export function readBool(reader: Reader): boolean {
  return readSmallVarint(reader) !== 0;
}

function readSmallVarint(reader: Reader): number {
  const byte = reader.buf[reader.pos];
  if (byte === undefined || byte >= 0x80) {
    throw new NotCanonical();
  }
  reader.pos++;
  return byte;
}

/**
 * Reads a tag or length as Go writes it: a varint of at most five bytes, in its shortest form. protobufjs's
 * `uint32` skips the bytes of a longer varint without reading them, where google-protobuf reads them, so any
 * other form is left to google-protobuf.
 */
export function readVarint(reader: Reader): number {
  const buffer = reader.buf;
  let value = 0;
  for (let index = 0; index < 5; index++) {
    const byte = buffer[reader.pos + index];
    if (byte === undefined) {
      throw new NotCanonical();
    }
    value += (byte & 0x7f) * 2 ** (7 * index);
    if (byte < 0x80) {
      // A last byte of zero after others pads the varint, which Go does not write.
      if ((byte === 0 && index > 0) || value > 0xffffffff) {
        throw new NotCanonical();
      }
      reader.pos += index + 1;
      return value;
    }
  }
  throw new NotCanonical();
}

/** Reads a length and returns where the field it prefixes ends, which must lie within its parent. */
export function lengthEnd(reader: Reader, parentEnd: number): number {
  const end = readVarint(reader) + reader.pos;
  if (end > parentEnd) {
    throw new NotCanonical();
  }
  return end;
}

function expectTag(reader: Reader, tag: number): void {
  if (readVarint(reader) !== tag) {
    throw new NotCanonical();
  }
}

export function expectEnd(reader: Reader, end: number): void {
  if (reader.pos !== end) {
    throw new NotCanonical();
  }
}

function sortedByKey(struct: Record<string, unknown>): Record<string, unknown> {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(struct).sort()) {
    sorted[key] = struct[key];
  }
  return sorted;
}
