import type { Reader } from "protobufjs/minimal";
import { hasExactGetters } from "./generated-messages";
import { type DecodedStruct, decodeStruct, expectEnd, isNotCanonical, lengthEnd, NotCanonical, readBool, readDecodedStruct, readString, readVarint, wireReader } from "./struct-wire";

/**
 * grpc-js decodes every Analyze and Remediate request with the generated `AnalyzeRequest.deserializeBinary` of
 * @pulumi/pulumi before the SDK's handler runs. For a deployment's request of about 1 KB, google-protobuf took
 * 20 µs in a busy loop and 45 µs with the CPU caches evicted. Most of that builds a message object for every
 * value of the properties Struct, which the SDK then converts to plain values (bench/method.md, eleventh round).
 *
 * The decoder installed here reads the request with protobufjs, fills the generated messages through their
 * setters as the generated decoder does, and decodes the properties straight to the plain values that
 * `Struct.toJavaScript` returns. `getProperties()` returns a Struct whose `toJavaScript()` hands over those values
 * once, and decodes its bytes again on a later call, as google-protobuf returns a new tree on every call. Its
 * `getFieldsMap`, which google-protobuf's serializer and toObject read, decodes it with google-protobuf first.
 *
 * Bytes that Go's protobuf encoder does not write for this request go to google-protobuf whole. Such bytes are
 * an unknown field, a field of another wire type, and the cases struct-wire.ts lists, among them invalid UTF-8
 * and varints not in their shortest form. So a request from a newer engine with a new field is decoded as before.
 */

interface StructMessage {
  toJavaScript(): unknown;
  getFieldsMap(noLazyCreate?: boolean): unknown;
  clearFieldsMap(): unknown;
}

interface StructClass {
  new (): StructMessage;
  deserializeBinary(bytes: Uint8Array): StructMessage;
}

interface AnalyzeRequestMessage {
  setType(value: string): void;
  setProperties(value: StructMessage): void;
  setUrn(value: string): void;
  setName(value: string): void;
  setOptions(value: ResourceOptionsMessage): void;
  setProvider(value: ProviderResourceMessage): void;
  getProperties(): StructMessage | undefined;
}

interface ResourceOptionsMessage {
  setProtect(value: boolean): void;
  addIgnorechanges(value: string): void;
  setDeletebeforereplace(value: boolean): void;
  setDeletebeforereplacedefined(value: boolean): void;
  addAdditionalsecretoutputs(value: string): void;
  addAliases(value: string): void;
  setCustomtimeouts(value: CustomTimeoutsMessage): void;
  setParent(value: string): void;
}

interface CustomTimeoutsMessage {
  setCreate(value: number): void;
  setUpdate(value: number): void;
  setDelete(value: number): void;
  setRead(value: number): void;
}

interface ProviderResourceMessage {
  setType(value: string): void;
  setProperties(value: StructMessage): void;
  setUrn(value: string): void;
  setName(value: string): void;
}

interface GeneratedClasses {
  readonly AnalyzeRequest: (new () => AnalyzeRequestMessage) & { deserializeBinary(bytes: Uint8Array): AnalyzeRequestMessage };
  readonly AnalyzerResourceOptions: (new () => ResourceOptionsMessage) & { readonly CustomTimeouts: new () => CustomTimeoutsMessage };
  readonly AnalyzerProviderResource: new () => ProviderResourceMessage;
}

// The getters of each message this decoder fills (proto/analyzer_pb.js of @pulumi/pulumi 3.248.0). A message
// with another field makes the installer keep the generated decoder. The names do not show a field's number or
// type. NOTE: the tags below are those of @pulumi/pulumi 3.248.0 and google-protobuf 3.21.4, which package.json
// and package-lock.json pin. test/pack/request-decoding.test.ts checks them against the installed versions.
const REQUEST_GETTERS = ["getType", "getProperties", "getUrn", "getName", "getOptions", "getProvider"];
const OPTIONS_GETTERS = [
  "getProtect",
  "getIgnorechangesList",
  "getDeletebeforereplace",
  "getDeletebeforereplacedefined",
  "getAdditionalsecretoutputsList",
  "getAliasesList",
  "getCustomtimeouts",
  "getParent",
];
const TIMEOUTS_GETTERS = ["getCreate", "getUpdate", "getDelete", "getRead"];
const PROVIDER_GETTERS = ["getType", "getProperties", "getUrn", "getName"];

// Tags (field number << 3 | wire type) of pulumirpc.AnalyzeRequest and the messages it contains.
const REQUEST_TYPE = (1 << 3) | 2;
const REQUEST_PROPERTIES = (2 << 3) | 2;
const REQUEST_URN = (3 << 3) | 2;
const REQUEST_NAME = (4 << 3) | 2;
const REQUEST_OPTIONS = (5 << 3) | 2;
const REQUEST_PROVIDER = (6 << 3) | 2;
const OPTIONS_PROTECT = (1 << 3) | 0;
const OPTIONS_IGNORE_CHANGES = (2 << 3) | 2;
const OPTIONS_DELETE_BEFORE_REPLACE = (3 << 3) | 0;
const OPTIONS_DELETE_BEFORE_REPLACE_DEFINED = (4 << 3) | 0;
const OPTIONS_ADDITIONAL_SECRET_OUTPUTS = (5 << 3) | 2;
const OPTIONS_ALIASES = (6 << 3) | 2;
const OPTIONS_CUSTOM_TIMEOUTS = (7 << 3) | 2;
const OPTIONS_PARENT = (8 << 3) | 2;
const TIMEOUTS_CREATE = (1 << 3) | 1;
const TIMEOUTS_UPDATE = (2 << 3) | 1;
const TIMEOUTS_DELETE = (3 << 3) | 1;
const TIMEOUTS_READ = (4 << 3) | 1;
const PROVIDER_TYPE = (1 << 3) | 2;
const PROVIDER_PROPERTIES = (2 << 3) | 2;
const PROVIDER_URN = (3 << 3) | 2;
const PROVIDER_NAME = (4 << 3) | 2;

let installed = false;
let wireStruct: (new (bytes: Uint8Array, decoded: DecodedStruct) => StructMessage & { readonly signed: boolean }) | undefined;

/**
 * Reports whether a Struct was decoded here and has no object with Pulumi's signature key, so that its values are
 * plain JSON without secrets.
 */
export function isUnsignedWireStruct(struct: object): boolean {
  return wireStruct !== undefined && struct instanceof wireStruct && !struct.signed;
}

/** Installs the decoder once, in place of the generated one. Returns false when the generated code has another shape. */
export function installRequestDecoding(): boolean {
  if (installed) {
    return true;
  }
  const classes = require("@pulumi/pulumi/proto/analyzer_pb") as Partial<GeneratedClasses>;
  const shapes: [object | undefined, readonly string[]][] = [
    [classes.AnalyzeRequest?.prototype, REQUEST_GETTERS],
    [classes.AnalyzerResourceOptions?.prototype, OPTIONS_GETTERS],
    [classes.AnalyzerResourceOptions?.CustomTimeouts?.prototype, TIMEOUTS_GETTERS],
    [classes.AnalyzerProviderResource?.prototype, PROVIDER_GETTERS],
  ];
  if (!shapes.every(([prototype, getters]) => hasExactGetters(prototype, getters))) {
    return false;
  }
  const requestClass = classes.AnalyzeRequest as GeneratedClasses["AnalyzeRequest"];
  const original = requestClass.deserializeBinary;
  if (typeof original !== "function") {
    return false;
  }
  const deserialize = (bytes: Uint8Array) => original.call(requestClass, bytes);

  // The Struct class that the generated code uses, taken from a request with empty properties, so that the
  // decoder needs no copy of google-protobuf of its own.
  const probe = deserialize(Uint8Array.of(REQUEST_PROPERTIES, 0)).getProperties();
  if (probe === undefined || typeof probe.toJavaScript !== "function" || typeof probe.getFieldsMap !== "function") {
    return false;
  }
  const WireStruct = wireStructClass(probe.constructor as StructClass);
  wireStruct = WireStruct;

  const decoder = new RequestDecoder(classes as GeneratedClasses, WireStruct);
  requestClass.deserializeBinary = (bytes: Uint8Array) => decoder.decode(bytes) ?? deserialize(bytes);
  installed = true;
  return true;
}

/** Reads an AnalyzeRequest into the generated messages, as the generated decoder fills them. */
class RequestDecoder {
  constructor(
    private readonly classes: GeneratedClasses,
    private readonly WireStruct: new (bytes: Uint8Array, decoded: DecodedStruct) => StructMessage,
  ) {}

  /** Returns the request, or undefined for bytes that google-protobuf must decide. */
  decode(bytes: Uint8Array): AnalyzeRequestMessage | undefined {
    const reader = wireReader(bytes);
    const request = new this.classes.AnalyzeRequest();
    const end = bytes.length;
    try {
      while (reader.pos < end) {
        switch (readVarint(reader)) {
          case REQUEST_TYPE:
            request.setType(readString(reader, end));
            break;
          case REQUEST_PROPERTIES:
            request.setProperties(this.readStruct(reader, bytes, end));
            break;
          case REQUEST_URN:
            request.setUrn(readString(reader, end));
            break;
          case REQUEST_NAME:
            request.setName(readString(reader, end));
            break;
          case REQUEST_OPTIONS:
            request.setOptions(this.readOptions(reader, lengthEnd(reader, end)));
            break;
          case REQUEST_PROVIDER:
            request.setProvider(this.readProvider(reader, bytes, lengthEnd(reader, end)));
            break;
          default:
            throw new NotCanonical();
        }
      }
      expectEnd(reader, end);
    } catch (error) {
      if (isNotCanonical(error)) {
        return undefined;
      }
      throw error;
    }
    return request;
  }

  private readStruct(reader: Reader, bytes: Uint8Array, parentEnd: number): StructMessage {
    const end = lengthEnd(reader, parentEnd);
    const start = reader.pos;
    return new this.WireStruct(bytes.subarray(start, end), readDecodedStruct(reader, end));
  }

  private readOptions(reader: Reader, end: number): ResourceOptionsMessage {
    const options = new this.classes.AnalyzerResourceOptions();
    while (reader.pos < end) {
      switch (readVarint(reader)) {
        case OPTIONS_PROTECT:
          options.setProtect(readBool(reader));
          break;
        case OPTIONS_IGNORE_CHANGES:
          options.addIgnorechanges(readString(reader, end));
          break;
        case OPTIONS_DELETE_BEFORE_REPLACE:
          options.setDeletebeforereplace(readBool(reader));
          break;
        case OPTIONS_DELETE_BEFORE_REPLACE_DEFINED:
          options.setDeletebeforereplacedefined(readBool(reader));
          break;
        case OPTIONS_ADDITIONAL_SECRET_OUTPUTS:
          options.addAdditionalsecretoutputs(readString(reader, end));
          break;
        case OPTIONS_ALIASES:
          options.addAliases(readString(reader, end));
          break;
        case OPTIONS_CUSTOM_TIMEOUTS:
          options.setCustomtimeouts(this.readCustomTimeouts(reader, lengthEnd(reader, end)));
          break;
        case OPTIONS_PARENT:
          options.setParent(readString(reader, end));
          break;
        default:
          throw new NotCanonical();
      }
    }
    expectEnd(reader, end);
    return options;
  }

  private readCustomTimeouts(reader: Reader, end: number): CustomTimeoutsMessage {
    const timeouts = new this.classes.AnalyzerResourceOptions.CustomTimeouts();
    while (reader.pos < end) {
      switch (readVarint(reader)) {
        case TIMEOUTS_CREATE:
          timeouts.setCreate(reader.double());
          break;
        case TIMEOUTS_UPDATE:
          timeouts.setUpdate(reader.double());
          break;
        case TIMEOUTS_DELETE:
          timeouts.setDelete(reader.double());
          break;
        case TIMEOUTS_READ:
          timeouts.setRead(reader.double());
          break;
        default:
          throw new NotCanonical();
      }
    }
    expectEnd(reader, end);
    return timeouts;
  }

  private readProvider(reader: Reader, bytes: Uint8Array, end: number): ProviderResourceMessage {
    const provider = new this.classes.AnalyzerProviderResource();
    while (reader.pos < end) {
      switch (readVarint(reader)) {
        case PROVIDER_TYPE:
          provider.setType(readString(reader, end));
          break;
        case PROVIDER_PROPERTIES:
          provider.setProperties(this.readStruct(reader, bytes, end));
          break;
        case PROVIDER_URN:
          provider.setUrn(readString(reader, end));
          break;
        case PROVIDER_NAME:
          provider.setName(readString(reader, end));
          break;
        default:
          throw new NotCanonical();
      }
    }
    expectEnd(reader, end);
    return provider;
  }
}

/** Returns a subclass of the generated Struct that keeps its wire bytes and the values decoded from them. */
function wireStructClass(Struct: StructClass): new (bytes: Uint8Array, decoded: DecodedStruct) => StructMessage & { readonly signed: boolean } {
  return class WireStruct extends Struct {
    readonly signed: boolean;
    readonly #bytes: Uint8Array;
    #plain: Record<string, unknown> | undefined;
    #decoded: StructMessage | undefined;

    constructor(bytes: Uint8Array, decoded: DecodedStruct) {
      super();
      this.signed = decoded.signed;
      this.#bytes = bytes;
      this.#plain = decoded.value;
    }

    override toJavaScript(): unknown {
      if (this.#decoded !== undefined) {
        return this.#decoded.toJavaScript();
      }
      const plain = this.#plain;
      if (plain !== undefined) {
        this.#plain = undefined;
        return plain;
      }
      // These bytes were decoded once already, so they decode again.
      return decodeStruct(this.#bytes)?.value;
    }

    // NOTE: jspb.Message.cloneMessage, equals and toArray read the message's internal array, which is empty
    // here. @pulumi/policy 1.21.0 calls none of them on a request.
    override getFieldsMap(noLazyCreate?: boolean): unknown {
      return this.decoded().getFieldsMap(noLazyCreate);
    }

    override clearFieldsMap(): unknown {
      this.decoded().clearFieldsMap();
      return this;
    }

    private decoded(): StructMessage {
      this.#decoded ??= Struct.deserializeBinary(this.#bytes);
      return this.#decoded;
    }
  };
}
