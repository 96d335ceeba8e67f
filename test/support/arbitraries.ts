import fc from "fast-check";
import type { ComputeType } from "../../src/model/deployment";

/**
 * fast-check generators of online deployments with hostile values, in the three shapes amlguard reads: ARM JSON
 * (`GET …/deployments/{name}`), Pulumi azure-native inputs, and Azure ML CLI YAML. Each case carries the checked
 * fields it made invalid, so a property can demand a finding for each one.
 */

export type Shape = "arm" | "pulumi" | "yaml";

/** How a checked field is spelled and typed in a shape. */
type ValueKind = "iso-duration" | "number-duration" | "count" | "enum" | "quantity";

/** A field the default rule set reads on every deployment of the given compute types. */
export interface CheckedField {
  /** Path from the resource root, as the finding names it. */
  readonly path: readonly string[];
  readonly kind: ValueKind;
  readonly computeTypes: readonly ComputeType[];
}

const BOTH: readonly ComputeType[] = ["Managed", "Kubernetes"];
const PROBE_KEYS = [
  ["failureThreshold", "failure_threshold", "count"],
  ["successThreshold", "success_threshold", "count"],
  ["initialDelay", "initial_delay", "duration"],
  ["period", "period", "duration"],
  ["timeout", "timeout", "duration"],
] as const;

/** Checked fields of ARM JSON and Pulumi inputs, whose body is `properties` in both. */
export const CAMEL_FIELDS: readonly CheckedField[] = [
  { path: ["properties", "requestSettings", "requestTimeout"], kind: "iso-duration", computeTypes: BOTH },
  { path: ["properties", "requestSettings", "maxQueueWait"], kind: "iso-duration", computeTypes: BOTH },
  { path: ["properties", "requestSettings", "maxConcurrentRequestsPerInstance"], kind: "count", computeTypes: BOTH },
  ...["livenessProbe", "readinessProbe"].flatMap((probe) =>
    PROBE_KEYS.map(([key, , kind]): CheckedField => ({ path: ["properties", probe, key], kind: kind === "count" ? "count" : "iso-duration", computeTypes: BOTH })),
  ),
  { path: ["properties", "scaleSettings", "scaleType"], kind: "enum", computeTypes: BOTH },
  { path: ["properties", "egressPublicNetworkAccess"], kind: "enum", computeTypes: ["Managed"] },
  { path: ["sku", "capacity"], kind: "count", computeTypes: ["Managed"] },
  { path: ["properties", "containerResourceRequirements", "containerResourceRequests", "cpu"], kind: "quantity", computeTypes: ["Kubernetes"] },
  { path: ["properties", "containerResourceRequirements", "containerResourceLimits", "memory"], kind: "quantity", computeTypes: ["Kubernetes"] },
];

/** Checked fields of CLI YAML: request durations in milliseconds, probe durations in seconds, both as numbers. */
export const SNAKE_FIELDS: readonly CheckedField[] = [
  { path: ["request_settings", "request_timeout_ms"], kind: "number-duration", computeTypes: BOTH },
  { path: ["request_settings", "max_queue_wait_ms"], kind: "number-duration", computeTypes: BOTH },
  { path: ["request_settings", "max_concurrent_requests_per_instance"], kind: "count", computeTypes: BOTH },
  ...["liveness_probe", "readiness_probe"].flatMap((probe) =>
    PROBE_KEYS.map(([, key, kind]): CheckedField => ({ path: [probe, key], kind: kind === "count" ? "count" : "number-duration", computeTypes: BOTH })),
  ),
  { path: ["scale_settings", "type"], kind: "enum", computeTypes: BOTH },
  { path: ["egress_public_network_access"], kind: "enum", computeTypes: ["Managed"] },
  { path: ["instance_count"], kind: "count", computeTypes: ["Managed"] },
  { path: ["resources", "requests", "cpu"], kind: "quantity", computeTypes: ["Kubernetes"] },
  { path: ["resources", "limits", "memory"], kind: "quantity", computeTypes: ["Kubernetes"] },
];

/** Sets `key` as an own, enumerable property, even for `__proto__`, which plain assignment turns into a prototype change. */
export function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Keys that reach Object.prototype when a reader assigns or merges them carelessly. */
export const PROTOTYPE_KEYS = ["__proto__", "constructor", "prototype", "hasOwnProperty", "toString", "valueOf"] as const;

// A value no reader accepts as a number: every wrong JSON type, plus numbers that are not finite whole numbers.
const wrongTypeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom("a", "value", "__proto__", "constructor"), fc.integer(), { maxKeys: 2 }).map((entries) => {
    const object: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entries)) {
      defineOwn(object, key, value);
    }
    return object;
  }),
);

const nonFiniteOrHuge = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e308, -1e308, Number.MAX_VALUE, 2 ** 53, 1e21);
const fraction = fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((value) => !Number.isInteger(value));
// The "~" prefix keeps a generated string from ever being a valid duration, number, quantity or enum value.
const junkString = fc.string({ maxLength: 40 }).map((text) => `~${text}`);

/** ISO 8601 duration strings that are malformed, negative, calendar-based, too precise or too large. */
const badIsoDuration: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 1_000_000 }).map((seconds) => `-PT${seconds}S`),
  fc.constantFrom("", "P", "PT", "T5S", "5S", "PT5", "PT-5S", "P1M", "P1Y", "P1Y2M", "PT1.5M30S", "P1.5DT2H", "PT5S ", " PT5S", "PT5S\u0000", "NaN", "Infinity"),
  fc.integer({ min: 1, max: 99 }).map((count) => `P${count}M`),
  fc.stringMatching(/^[1-9][0-9]{16,40}$/).map((digits) => `P${digits}D`),
  fc.integer({ min: 65, max: 400 }).map((length) => `PT${"1".repeat(length)}S`),
  junkString,
);

// A string that is not a whole number: CLI YAML reads "4" or " +1_000 " as a number, as azure-ai-ml's marshmallow does.
const notWholeNumberText = fc.string({ maxLength: 20 }).filter((text) => !/^\s*[+-]?\d+(?:_\d+)*\s*$/.test(text));

/** Values of a numeric duration (CLI YAML) that are negative, fractional, non-finite, huge or of the wrong type. */
const badNumberDuration: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -1_000_000, max: -1 }),
  fraction,
  nonFiniteOrHuge,
  notWholeNumberText,
  wrongTypeValue,
);

const badCount: fc.Arbitrary<unknown> = fc.oneof(fraction, nonFiniteOrHuge, notWholeNumberText, wrongTypeValue);

const badEnum: fc.Arbitrary<unknown> = fc.oneof(junkString, fc.constantFrom("", "NONE", "Managed ", "enabled ", "TargetUtilisation"), fc.double(), wrongTypeValue);

const badQuantity: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom("-1", "-500m", "1Xi", "Infinity", "NaN", "1e999", "", "m", "1.2.3"),
  fc.integer({ min: 65, max: 300 }).map((length) => "9".repeat(length)),
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1e308),
  junkString,
  wrongTypeValue,
);

const BAD_VALUES: Record<ValueKind, fc.Arbitrary<unknown>> = {
  "iso-duration": fc.oneof(badIsoDuration, fc.oneof(fc.integer(), nonFiniteOrHuge, fraction), wrongTypeValue),
  "number-duration": badNumberDuration,
  count: badCount,
  enum: badEnum,
  quantity: badQuantity,
};

/** A value the field cannot hold. */
export function badValue(field: CheckedField): fc.Arbitrary<unknown> {
  return BAD_VALUES[field.kind];
}

/** Free text rules never read. The values are what a report must never echo. */
export interface FreeText {
  readonly environmentVariables: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly description: string;
}

const freeText: fc.Arbitrary<FreeText> = fc.record({
  environmentVariables: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 30 }), { maxKeys: 3 }),
  tags: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 30 }), { maxKeys: 3 }),
  description: fc.string({ maxLength: 60 }),
});

/**
 * Object keys a reader does not know, with the prototype keys among them, and any JSON value. The "zz_noise_"
 * prefix keeps a random key from being a field the case sets on purpose, such as `type`, or so near one that the
 * CLI YAML reader takes it for a misspelling of it.
 */
const noise: fc.Arbitrary<[string, unknown][]> = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ maxLength: 10 }).map((key) => `zz_noise_${key}`)), fc.jsonValue({ maxDepth: 3 })),
  { maxLength: 3 },
);

/** An object nested `depth` levels under key `x`, built without recursion. */
export function nested(depth: number): unknown {
  let value: unknown = "bottom";
  for (let level = 0; level < depth; level++) {
    value = { x: value };
  }
  return value;
}

/** One generated case: the source object and the checked fields it made invalid (paths as the finding names them). */
export interface HostileCase {
  readonly shape: Shape;
  readonly computeType: ComputeType;
  /** The resource as the shape's reader takes it: ARM resource, Pulumi props, or parsed CLI YAML. */
  readonly resource: Record<string, unknown>;
  /** Paths of the invalid checked fields; `["properties","endpointComputeType"]` when the compute type itself is bad. */
  readonly invalidPaths: readonly string[];
}

interface Draft {
  readonly computeType: ComputeType;
  readonly computeTypeValue: { readonly kind: "valid" } | { readonly kind: "missing" } | { readonly kind: "bad"; readonly value: unknown };
  readonly targets: readonly { readonly field: CheckedField; readonly value: unknown }[];
  readonly text: FreeText;
  readonly noise: readonly [string, unknown][];
  readonly deep: number;
}

/** Generates a case of the shape: one to three invalid checked fields, or an invalid or missing compute type. */
export function hostileCase(shape: Shape): fc.Arbitrary<HostileCase> {
  const fields = shape === "yaml" ? SNAKE_FIELDS : CAMEL_FIELDS;
  const computeTypeValue = fc.oneof(
    { weight: 8, arbitrary: fc.constant({ kind: "valid" as const }) },
    // CLI YAML without `type` is a Managed deployment, so only the other shapes can miss the compute type.
    { weight: shape === "yaml" ? 0 : 1, arbitrary: fc.constant({ kind: "missing" as const }) },
    { weight: 1, arbitrary: badEnum.map((value) => ({ kind: "bad" as const, value })) },
  );

  const draft: fc.Arbitrary<Draft> = fc.constantFrom<ComputeType>("Managed", "Kubernetes").chain((computeType) => {
    const applicable = fields.filter((field) => field.computeTypes.includes(computeType));
    const target = fc.constantFrom(...applicable).chain((field) => badValue(field).map((value) => ({ field, value })));
    return fc.record({
      computeType: fc.constant(computeType),
      computeTypeValue,
      targets: fc.uniqueArray(target, { minLength: 1, maxLength: 3, selector: (entry) => entry.field.path.join(".") }),
      text: freeText,
      noise,
      // Deeper documents than about 800 levels are a parse error (input error), which a test of its own covers.
      deep: fc.oneof({ weight: 19, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 100, max: 500 }) }),
    });
  });

  return draft.map((value) => build(shape, value));
}

function build(shape: Shape, draft: Draft): HostileCase {
  const root: Record<string, unknown> = {};
  const set = (path: readonly string[], value: unknown): void => {
    let node = root;
    for (const key of path.slice(0, -1)) {
      if (!Object.prototype.hasOwnProperty.call(node, key)) {
        defineOwn(node, key, {});
      }
      node = node[key] as Record<string, unknown>;
    }
    defineOwn(node, path[path.length - 1], value);
  };

  const computeTypePath = shape === "yaml" ? ["type"] : ["properties", "endpointComputeType"];
  const canonical = shape === "yaml" ? draft.computeType.toLowerCase() : draft.computeType;
  if (draft.computeTypeValue.kind === "valid") {
    set(computeTypePath, canonical);
  } else if (draft.computeTypeValue.kind === "bad") {
    set(computeTypePath, draft.computeTypeValue.value);
  } else {
    set(["properties", "instanceType"], "Standard_DS3_v2");
  }
  for (const { field, value } of draft.targets) {
    set(field.path, value);
  }

  const body = shape === "yaml" ? [] : ["properties"];
  set([...body, shape === "yaml" ? "environment_variables" : "environmentVariables"], draft.text.environmentVariables);
  set([...body, "description"], draft.text.description);
  set(["tags"], draft.text.tags);
  for (const [key, value] of draft.noise) {
    set([...body, key], value);
    set([key], value);
  }
  if (draft.deep > 0) {
    set([...body, "nested"], nested(draft.deep));
  }

  if (shape === "arm") {
    defineOwn(root, "name", "hostile");
    defineOwn(root, "type", "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments");
  } else if (shape === "pulumi") {
    for (const [key, value] of [["resourceGroupName", "rg"], ["workspaceName", "ws"], ["endpointName", "ep"]]) {
      defineOwn(root, key, value);
    }
  } else {
    defineOwn(root, "name", "hostile");
    defineOwn(root, "endpoint_name", "ep");
  }

  const invalidPaths =
    draft.computeTypeValue.kind === "valid" ? draft.targets.map(({ field }) => field.path.join(".")) : [computeTypePath.join(".")];
  return { shape, computeType: draft.computeType, resource: root, invalidPaths };
}

/**
 * Seeds every property of a run with one seed, taken from AMLGUARD_FC_SEED or else from the clock, and returns
 * it. fast-check prints the seed and the counterexample path when a property fails; rerun with
 * AMLGUARD_FC_SEED=<seed> to reproduce.
 */
export function configureRunSeed(): number {
  const fromEnvironment = process.env.AMLGUARD_FC_SEED;
  const seed = fromEnvironment === undefined ? Date.now() % 2 ** 31 : Number(fromEnvironment);
  fc.configureGlobal({ seed, endOnFailure: true });
  return seed;
}
