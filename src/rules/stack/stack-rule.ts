import * as z from "zod";
import type { Severity } from "../../findings/finding";
import type { OnlineDeployment } from "../../model/deployment";
import type { EffectiveValue, Field } from "../../model/field";
import { type CommonLimits, HELP_BASE_URI, type RuleMetadata, type Violation, commonLimitShape } from "../rule";

/** Operations a stack rule's check uses to read fields of any deployment and report on one deployment or the stack. */
export interface StackRuleContext {
  /** Returns the effective value, or undefined after recording an unknown or invalid field of `deployment`. */
  read<T>(deployment: OnlineDeployment, field: Field<T>): EffectiveValue<T> | undefined;
  /** Reports a violation of the whole stack, or of one deployment when `deployment` is given. */
  report(violation: Violation, deployment?: OnlineDeployment): void;
  /** Reports a value the rule cannot judge, such as an instance type missing from a table, so it never passes. */
  reportUnjudged(deployment: OnlineDeployment, violation: Violation): void;
}

/**
 * A rule over all deployments of a stack or run together, such as a budget that their sum must keep. It has an
 * id, metadata and limits like a deployment rule, and the same limits-file entry.
 */
export interface StackRule<Limits = unknown> extends RuleMetadata {
  readonly kind: "stack";
  readonly limits: z.ZodType<Limits, Record<string, unknown> | undefined>;
  check(deployments: readonly OnlineDeployment[], limits: Limits, context: StackRuleContext): void;
}

export interface StackRuleSpec<Shape extends z.ZodRawShape> extends Omit<RuleMetadata, "computeTypes" | "severity" | "helpUri"> {
  readonly severity: Severity;
  readonly computeTypes: RuleMetadata["computeTypes"];
  readonly limits: Shape;
  check(deployments: readonly OnlineDeployment[], limits: z.output<z.ZodObject<Shape>> & CommonLimits, context: StackRuleContext): void;
}

/** Builds a stack rule: adds the common limits and derives `helpUri` from the id, as `defineRule` does. */
export function defineStackRule<Shape extends z.ZodRawShape>(spec: StackRuleSpec<Shape>): StackRule<z.output<z.ZodObject<Shape>> & CommonLimits> {
  const limits = z.strictObject({ ...spec.limits, ...commonLimitShape });
  return {
    ...spec,
    kind: "stack",
    limits: limits as unknown as StackRule<z.output<z.ZodObject<Shape>> & CommonLimits>["limits"],
    helpUri: `${HELP_BASE_URI}${spec.id}.md`,
  };
}
