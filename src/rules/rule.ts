import * as z from "zod";
import { type EnforcementLevel, UNKNOWN_VALUE_LEVELS } from "../config/schema-types";
import type { Severity } from "../findings/finding";
import type { FindingValue } from "../findings/finding";
import type { ComputeType, OnlineDeployment, RelatedResources } from "../model/deployment";
import type { EffectiveValue, Field } from "../model/field";

/** The Azure fact a rule rests on, with the document it comes from. */
export interface AzureFact {
  readonly statement: string;
  readonly source: string;
}

/** A violation as a rule reports it; the engine adds the rule, the resource, the level and the location. */
export interface Violation {
  readonly path: string;
  readonly actual: FindingValue;
  readonly actualIsDefault: boolean;
  readonly limit: FindingValue;
  readonly message: string;
}

/** Callbacks a rule's check uses to read fields and report violations. */
export interface RuleContext {
  /**
   * Returns the effective value of a field, or undefined when there is nothing to judge. An unknown or invalid
   * field is recorded for the engine to report, so the rule only skips it.
   */
  read<T>(field: Field<T>): EffectiveValue<T> | undefined;
  report(violation: Violation): void;
}

/** A property change that fixes a violation, expressed on the model path so each source can apply it. */
export interface Remediation {
  /** The property path as the source spells it, for example `properties.egressPublicNetworkAccess`. */
  readonly path: string;
  readonly value: string | number | boolean;
}

export interface RuleMetadata {
  /** Kebab-case id: the file name, the Pulumi policy name and the SARIF ruleId. */
  readonly id: string;
  /** One sentence: what the rule requires. */
  readonly description: string;
  readonly severity: Severity;
  /** Reason an organization wants the limit. */
  readonly rationale: string;
  /** Change that makes a deployment comply. */
  readonly remediation: string;
  readonly azureFact: AzureFact;
  readonly defaultEnforcementLevel: EnforcementLevel;
  /** Compute types the rule judges; a deployment of another type is not applicable. */
  readonly computeTypes: readonly ComputeType[];
  /** The rule's documentation page, derived from the id by `defineRule` and `defineStackRule`. */
  readonly helpUri: string;
  /** Pairs of limit keys, minimum first, whose values a limits file may not cross: no deployment could pass. */
  readonly ranges?: readonly (readonly [string, string])[];
  /**
   * Facts of related resources (`deployment.related`) that the check reads. A policy that reads the deployment
   * alone defers the findings these facts decide to the stack check, and skips that work for other rules.
   */
  readonly relatedFacts?: readonly (keyof RelatedResources)[];
}

export interface Rule<Limits = unknown> extends RuleMetadata {
  /** Strict zod schema of the rule's limits. Every key has a default, so `{}` is valid. */
  readonly limits: z.ZodType<Limits, Record<string, unknown> | undefined>;
  check(deployment: OnlineDeployment, limits: Limits, context: RuleContext): void;
  /** Returns the property changes that fix the deployment, when a safe, unambiguous fix exists. */
  remediate?(deployment: OnlineDeployment, limits: Limits): Remediation[];
}

/** Options every rule takes besides its own limits. */
export const commonLimitShape = {
  unknownValues: z
    .enum(UNKNOWN_VALUE_LEVELS)
    .default("advisory")
    .describe("Level of the finding for a field that is not known until `pulumi up`: advisory, or mandatory to fail closed."),
};

export interface CommonLimits {
  readonly unknownValues: (typeof UNKNOWN_VALUE_LEVELS)[number];
}

export const HELP_BASE_URI = "https://github.com/amlguard/amlguard/blob/main/docs/rules/";

export interface RuleSpec<Shape extends z.ZodRawShape> extends Omit<RuleMetadata, "computeTypes" | "ranges" | "helpUri"> {
  readonly computeTypes?: readonly ComputeType[];
  readonly ranges?: readonly (readonly [keyof Shape & string, keyof Shape & string])[];
  /** The rule's own limits; `unknownValues` is added to every rule. */
  readonly limits: Shape;
  check(deployment: OnlineDeployment, limits: z.output<z.ZodObject<Shape>>, context: RuleContext): void;
  remediate?(deployment: OnlineDeployment, limits: z.output<z.ZodObject<Shape>>): Remediation[];
}

export type DefinedRule<Shape extends z.ZodRawShape> = Rule<z.output<z.ZodObject<Shape>> & CommonLimits>;

/** Builds a rule from its spec: adds the common limits and derives `helpUri` from the id so the two cannot drift. */
export function defineRule<Shape extends z.ZodRawShape>(spec: RuleSpec<Shape>): DefinedRule<Shape> {
  const limits = z.strictObject({ ...spec.limits, ...commonLimitShape });
  return {
    ...spec,
    computeTypes: spec.computeTypes ?? ["Managed", "Kubernetes"],
    limits: limits as unknown as DefinedRule<Shape>["limits"],
    helpUri: `${HELP_BASE_URI}${spec.id}.md`,
  };
}

/** Renders an effective value for a message: `PT5S`, or `PT5S (Azure default, not set)`. */
export function describeValue<T>(effective: EffectiveValue<T>, render: (value: T) => string = String): string {
  const text = render(effective.value);
  return effective.isDefault ? `${text} (Azure default, not set)` : text;
}
