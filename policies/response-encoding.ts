import { Writer } from "protobufjs/minimal";
import { hasExactGetters } from "./generated-messages";

/**
 * grpc-js encodes every Analyze and AnalyzeStack response with the generated `AnalyzeResponse.serializeBinary` of
 * @pulumi/pulumi. For a deployment's response of three diagnostics and two not-applicable entries (1.4 KB),
 * google-protobuf's writer took 8 µs in a busy loop and 19 µs with the CPU caches evicted, and protobufjs's
 * writer 3 and 8 µs (bench/method.md, eleventh round).
 *
 * The encoder installed here writes the same bytes with protobufjs: each field that google-protobuf writes, in
 * field-number order, and, as proto3 does, no string that is empty and no enum that is zero. It is installed only
 * when the generated messages have exactly the fields below, so that a newer @pulumi/pulumi with another field
 * keeps google-protobuf's encoder instead of losing the field. A response also goes to google-protobuf when a
 * string field has a lone surrogate, which the two libraries encode differently. So does a string field with a
 * value of another type, or an enum that is not a 32-bit integer, which google-protobuf skips or rejects.
 */

interface AnalyzeDiagnosticMessage {
  getPolicyname(): string;
  getPolicypackname(): string;
  getPolicypackversion(): string;
  getDescription(): string;
  getMessage(): string;
  getEnforcementlevel(): number;
  getUrn(): string;
  getSeverity(): number;
}

interface PolicyNotApplicableMessage {
  getPolicyName(): string;
  getReason(): string;
}

interface AnalyzeResponseMessage {
  getDiagnosticsList(): AnalyzeDiagnosticMessage[];
  getNotApplicableList(): PolicyNotApplicableMessage[];
}

// The getters of each generated message in pulumirpc (proto/analyzer_pb.js of @pulumi/pulumi 3.248.0).
const KNOWN_GETTERS: Record<string, readonly string[]> = {
  AnalyzeResponse: ["getDiagnosticsList", "getNotApplicableList"],
  AnalyzeDiagnostic: ["getPolicyname", "getPolicypackname", "getPolicypackversion", "getDescription", "getMessage", "getEnforcementlevel", "getUrn", "getSeverity"],
  PolicyNotApplicable: ["getPolicyName", "getReason"],
};

// Tags (field number << 3 | wire type) of pulumirpc.AnalyzeResponse, AnalyzeDiagnostic and PolicyNotApplicable.
const RESPONSE_DIAGNOSTICS = (2 << 3) | 2;
const RESPONSE_NOT_APPLICABLE = (3 << 3) | 2;
const DIAGNOSTIC_POLICY_NAME = (1 << 3) | 2;
const DIAGNOSTIC_POLICY_PACK_NAME = (2 << 3) | 2;
const DIAGNOSTIC_POLICY_PACK_VERSION = (3 << 3) | 2;
const DIAGNOSTIC_DESCRIPTION = (4 << 3) | 2;
const DIAGNOSTIC_MESSAGE = (5 << 3) | 2;
const DIAGNOSTIC_ENFORCEMENT_LEVEL = (7 << 3) | 0;
const DIAGNOSTIC_URN = (8 << 3) | 2;
const DIAGNOSTIC_SEVERITY = (9 << 3) | 0;
const NOT_APPLICABLE_POLICY_NAME = (1 << 3) | 2;
const NOT_APPLICABLE_REASON = (2 << 3) | 2;

let installed = false;

/** Replaces the generated encoder once. Returns false when the generated messages have other fields. */
export function installResponseEncoding(): boolean {
  if (installed) {
    return true;
  }
  const analyzer = require("@pulumi/pulumi/proto/analyzer_pb") as Record<string, { prototype: object } | undefined>;
  if (!Object.entries(KNOWN_GETTERS).every(([name, getters]) => hasExactGetters(analyzer[name]?.prototype, getters))) {
    return false;
  }
  const response = analyzer.AnalyzeResponse?.prototype as { serializeBinary?: () => Uint8Array } | undefined;
  if (response === undefined || typeof response.serializeBinary !== "function") {
    return false;
  }

  const original = response.serializeBinary;
  response.serializeBinary = function (this: AnalyzeResponseMessage) {
    return encodeAnalyzeResponse(this) ?? original.call(this);
  };
  installed = true;
  return true;
}

/**
 * Encodes the response as google-protobuf's `serializeBinary` does, byte for byte. Returns undefined for a value
 * that google-protobuf must decide: a string that is not well-formed UTF-16, a string field that is not a string,
 * or an enum that is not a 32-bit integer.
 */
export function encodeAnalyzeResponse(response: AnalyzeResponseMessage): Uint8Array | undefined {
  const writer = Writer.create();
  try {
    writeResponse(writer, response);
  } catch (error) {
    if (error instanceof UnsupportedValue) {
      return undefined;
    }
    throw error;
  }
  return writer.finish();
}

class UnsupportedValue extends Error {}

function writeResponse(writer: Writer, response: AnalyzeResponseMessage): void {
  for (const diagnostic of response.getDiagnosticsList()) {
    writer.uint32(RESPONSE_DIAGNOSTICS).fork();
    writeString(writer, DIAGNOSTIC_POLICY_NAME, diagnostic.getPolicyname());
    writeString(writer, DIAGNOSTIC_POLICY_PACK_NAME, diagnostic.getPolicypackname());
    writeString(writer, DIAGNOSTIC_POLICY_PACK_VERSION, diagnostic.getPolicypackversion());
    writeString(writer, DIAGNOSTIC_DESCRIPTION, diagnostic.getDescription());
    writeString(writer, DIAGNOSTIC_MESSAGE, diagnostic.getMessage());
    writeEnum(writer, DIAGNOSTIC_ENFORCEMENT_LEVEL, diagnostic.getEnforcementlevel());
    writeString(writer, DIAGNOSTIC_URN, diagnostic.getUrn());
    writeEnum(writer, DIAGNOSTIC_SEVERITY, diagnostic.getSeverity());
    writer.ldelim();
  }
  for (const notApplicable of response.getNotApplicableList()) {
    writer.uint32(RESPONSE_NOT_APPLICABLE).fork();
    writeString(writer, NOT_APPLICABLE_POLICY_NAME, notApplicable.getPolicyName());
    writeString(writer, NOT_APPLICABLE_REASON, notApplicable.getReason());
    writer.ldelim();
  }
}

function writeString(writer: Writer, tag: number, value: string): void {
  if (typeof value !== "string" || !(value as string & { isWellFormed(): boolean }).isWellFormed()) {
    throw new UnsupportedValue();
  }
  if (value.length > 0) {
    writer.uint32(tag).string(value);
  }
}

function writeEnum(writer: Writer, tag: number, value: number): void {
  if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) {
    throw new UnsupportedValue();
  }
  if (value !== 0) {
    writer.uint32(tag).int32(value);
  }
}
