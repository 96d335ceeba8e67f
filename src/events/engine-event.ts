import * as z from "zod";

/*
 * The engine events that `pulumi preview --event-log FILE` writes, one JSON object per line. Field names and JSON
 * tags follow `sdk/go/common/apitype/events.go` in github.com/pulumi/pulumi (EngineEvent, PolicyEvent,
 * PolicyAnalyzeSummaryEvent, PolicyRemediateSummaryEvent, PolicyAnalyzeStackSummaryEvent, ResourcePreEvent,
 * StepEventMetadata, SummaryEvent). Objects are loose on purpose: the engine adds fields over time, and a reader
 * that rejected them would break on every Pulumi release. Only the fields amlguard reads are declared.
 */

export const PolicyEventSchema = z.looseObject({
  resourceUrn: z.string().optional(),
  message: z.string(),
  color: z.string().optional(),
  policyName: z.string(),
  policyPackName: z.string(),
  policyPackVersion: z.string().optional(),
  policyPackVersionTag: z.string().optional(),
  // events.go documents "warning", "mandatory", "remediate" or "none"; current engines write "advisory" for warning.
  enforcementLevel: z.string(),
  // Newer engines add the policy's severity; older event logs do not have it.
  severity: z.string().optional(),
});

const PolicySummarySchema = z.looseObject({
  resourceUrn: z.string(),
  policyPackName: z.string(),
  policyPackVersion: z.string().optional(),
  policyPackVersionTag: z.string().optional(),
  // `omitempty` in events.go: an empty list is absent.
  passed: z.array(z.string()).optional(),
  failed: z.array(z.string()).optional(),
});

const PolicyStackSummarySchema = PolicySummarySchema.omit({ resourceUrn: true });

const StepEventMetadataSchema = z.looseObject({
  op: z.string(),
  urn: z.string(),
  type: z.string(),
});

const SummaryEventSchema = z.looseObject({
  maybeCorrupt: z.boolean().optional(),
  durationSeconds: z.number().optional(),
  isPreview: z.boolean().optional(),
  // The only PascalCase key in the event stream: events.go keeps it for compatibility with old clients.
  PolicyPacks: z.record(z.string(), z.string()).nullable().optional(),
});

export const EngineEventSchema = z.looseObject({
  sequence: z.number().int(),
  // Unix time in seconds.
  timestamp: z.number().int(),
  policyEvent: PolicyEventSchema.optional(),
  policyAnalyzeSummaryEvent: PolicySummarySchema.optional(),
  policyRemediateSummaryEvent: PolicySummarySchema.optional(),
  policyAnalyzeStackSummaryEvent: PolicyStackSummarySchema.optional(),
  resourcePreEvent: z.looseObject({ metadata: StepEventMetadataSchema }).optional(),
  summaryEvent: SummaryEventSchema.optional(),
});

export type EngineEvent = z.infer<typeof EngineEventSchema>;
export type PolicyEvent = z.infer<typeof PolicyEventSchema>;
