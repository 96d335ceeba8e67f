import * as z from "zod";
import type { Rule } from "../rules/rule";

/** A rule's limits as JSON Schema draft 7, in the shape of a Pulumi policy's `configSchema`. */
export interface RuleConfigSchema {
  readonly properties: Record<string, object>;
  readonly required: string[];
}

/**
 * Converts a rule's zod limits to JSON Schema draft 7. The schema describes the input side, so keys with a
 * default are optional and a duration is the ISO 8601 string the user writes, not the milliseconds it becomes.
 * Every object, nested ones included, rejects unknown keys, as the zod schema does. A record keeps the schema of
 * its values, which zod writes as `additionalProperties`.
 */
export function ruleConfigSchema(rule: Pick<Rule, "limits">): RuleConfigSchema {
  const schema = z.toJSONSchema(rule.limits as unknown as z.ZodType, {
    target: "draft-7",
    io: "input",
    override: ({ jsonSchema }) => {
      if (jsonSchema.type === "object" && jsonSchema.additionalProperties === undefined) {
        jsonSchema.additionalProperties = false;
      }
    },
  });
  return {
    properties: (schema.properties ?? {}) as Record<string, object>,
    required: schema.required ?? [],
  };
}
