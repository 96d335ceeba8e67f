import * as fc from "fast-check";

interface ResponseMessage {
  serializeBinary(): Uint8Array;
}

const analyzer = require("@pulumi/pulumi/proto/analyzer_pb");
// The generated encoder, taken before the pack's encoder replaces it.
const generatedSerialize: (this: ResponseMessage) => Uint8Array = analyzer.AnalyzeResponse.prototype.serializeBinary;

interface DiagnosticFields {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  description: string;
  message: string;
  enforcementLevel: number;
  urn: string;
  severity: number;
}

function responseOf(diagnostics: readonly DiagnosticFields[], notApplicable: readonly [string, string][]): ResponseMessage {
  const response = new analyzer.AnalyzeResponse();
  response.setDiagnosticsList(
    diagnostics.map((fields) => {
      const diagnostic = new analyzer.AnalyzeDiagnostic();
      diagnostic.setPolicyname(fields.policyName);
      diagnostic.setPolicypackname(fields.policyPackName);
      diagnostic.setPolicypackversion(fields.policyPackVersion);
      diagnostic.setDescription(fields.description);
      diagnostic.setMessage(fields.message);
      diagnostic.setEnforcementlevel(fields.enforcementLevel);
      diagnostic.setUrn(fields.urn);
      diagnostic.setSeverity(fields.severity);
      return diagnostic;
    }),
  );
  response.setNotApplicableList(
    notApplicable.map(([policyName, reason]) => {
      const entry = new analyzer.PolicyNotApplicable();
      entry.setPolicyName(policyName);
      entry.setReason(reason);
      return entry;
    }),
  );
  return response;
}

const EMPTY_DIAGNOSTIC: DiagnosticFields = {
  policyName: "",
  policyPackName: "",
  policyPackVersion: "",
  description: "",
  message: "",
  enforcementLevel: 0,
  urn: "",
  severity: 0,
};

// Strings of any UTF-16 code units, lone surrogates included, and long enough for Buffer's own UTF-8 writer.
const text = fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: "binary", minLength: 40, maxLength: 200 }), fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)) }));
const diagnosticFields: fc.Arbitrary<DiagnosticFields> = fc.record({
  policyName: text,
  policyPackName: text,
  policyPackVersion: text,
  description: text,
  message: text,
  enforcementLevel: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer()),
  urn: text,
  severity: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer()),
});

describe("Analyze response encoding", () => {
  beforeAll(() => {
    const { installResponseEncoding } = require("../../policies/response-encoding") as typeof import("../../policies/response-encoding");
    expect(installResponseEncoding()).toBe(true);
  });

  test("any response equals generated encoder", () => {
    fc.assert(
      fc.property(fc.array(diagnosticFields, { maxLength: 4 }), fc.array(fc.tuple(text, text), { maxLength: 4 }), (diagnostics, notApplicable) => {
        const response = responseOf(diagnostics, notApplicable);

        expect(Buffer.from(response.serializeBinary())).toEqual(Buffer.from(generatedSerialize.call(response)));
      }),
      { numRuns: 500 },
    );
  });

  test("lone surrogate encoded by google-protobuf", () => {
    const response = responseOf([], [["request-timeout", "a\ud800b"]]);

    expect(Buffer.from(response.serializeBinary())).toEqual(Buffer.from(generatedSerialize.call(response)));
  });

  test.each([2 ** 31, 2 ** 32, 1.5, Number.NaN])("enum %p left to google-protobuf", (severity) => {
    const response = responseOf([{ ...EMPTY_DIAGNOSTIC, severity }], []);

    expect(() => generatedSerialize.call(response)).toThrow("Assertion failed");
    expect(() => response.serializeBinary()).toThrow("Assertion failed");
  });

  test("non-string message left to google-protobuf", () => {
    const response = responseOf([{ ...EMPTY_DIAGNOSTIC, message: 5 as unknown as string }], []);

    expect(Buffer.from(response.serializeBinary())).toEqual(Buffer.from(generatedSerialize.call(response)));
  });

  test("extra field keeps generated encoder", () => {
    jest.isolateModules(() => {
      const isolated = require("@pulumi/pulumi/proto/analyzer_pb");
      const generated = isolated.AnalyzeResponse.prototype.serializeBinary;
      isolated.AnalyzeDiagnostic.prototype.getTagsList = () => [];
      try {
        const { installResponseEncoding } = require("../../policies/response-encoding") as typeof import("../../policies/response-encoding");

        expect(installResponseEncoding()).toBe(false);
        expect(isolated.AnalyzeResponse.prototype.serializeBinary).toBe(generated);
      } finally {
        delete isolated.AnalyzeDiagnostic.prototype.getTagsList;
      }
    });
  });
});
