import * as pulumi from "@pulumi/pulumi";
import type {
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { ruleConfigSchema } from "../src/config/json-schema";
import { runRule } from "../src/engine/evaluate";
import type { Finding } from "../src/findings/finding";
import type { OnlineDeployment } from "../src/model/deployment";
import type { Rule } from "../src/rules/rule";
import { findingKey } from "../src/findings/finding";
import { DEFERRED_NOTE, applicableDeployment, computeTypeFilter, computeTypeMismatch, findingsExcusedByWorkspace } from "./deployment-input";
import { policyLimits } from "./pack-config";
import { remediateDeployment } from "./remediation";
import { reportFinding, reportMandatory } from "./report";
import { secretPathsOf } from "./secret-paths";
import { stackDeployments } from "./stack-resources";
import { stopAsNotApplicable } from "./not-applicable";
import { forOnlineDeployments } from "./type-filter";

/** Returns the policy fields every rule's policy takes from the rule: name, texts, levels, help page and config schema. */
export function policyMetadataOf(rule: Pick<Rule, "id" | "description" | "defaultEnforcementLevel" | "severity" | "remediation" | "helpUri" | "limits">) {
  return {
    name: rule.id,
    description: rule.description,
    enforcementLevel: rule.defaultEnforcementLevel,
    severity: rule.severity,
    remediationSteps: rule.remediation,
    url: rule.helpUri,
    configSchema: configSchemaOf(rule),
  };
}

/** Converts the rule's limits to a Pulumi `configSchema`, so the engine checks types and fills defaults. */
export function configSchemaOf(rule: Pick<Rule, "limits">): PolicyConfigSchema {
  return ruleConfigSchema(rule) as unknown as PolicyConfigSchema;
}

/**
 * Wraps one rule as a policy named by the rule id. Its single validator matches every type token of
 * OnlineDeployment, because a validator array counts a policy as not applicable on every resource. The SDK
 * skips it on other types without calling it (see type-filter.ts).
 *
 * The policy also has `validateStack`: @pulumi/policy 1.21.0 runs a policy in `AnalyzeStack` whenever
 * `validateStack` is a function, with the policy's own config and enforcement level, which a separate stack
 * policy could not read. The stack check judges each deployment again with the autoscale settings and
 * workspace of the stack, and, after apply, with the outputs that were unknown during the preview.
 */
export function deploymentPolicy(rule: Rule): ResourceValidationPolicy & Pick<StackValidationPolicy, "validateStack"> {
  return {
    ...policyMetadataOf(rule),
    validateResource: forOnlineDeployments(
      (args: ResourceValidationArgs, reportViolation: ReportViolation) => validateDeployment(rule, args, reportViolation),
      computeTypeFilter(rule),
    ),
    validateStack: (args, reportViolation) => validateStack(rule, args, reportViolation),
    ...(rule.remediate === undefined ? {} : { remediateResource: forOnlineDeployments((args: ResourceValidationArgs) => remediateDeployment(rule, args), computeTypeFilter(rule)) }),
  };
}

function validateDeployment(rule: Rule, args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  const deployment = applicableDeployment(args);
  const mismatch = computeTypeMismatch(rule, deployment);
  if (mismatch !== undefined) {
    stopAsNotApplicable(args, mismatch);
  }

  const limits = policyLimits(rule, args);
  if (!limits.ok) {
    reportMandatory(reportViolation, limits.message, args.urn);
    return;
  }

  // The level passed here only labels findings; a violation is sent without a level and takes the policy's.
  const findings = runRule(rule, deployment, limits.limits, "mandatory");
  if (findings.length === 0) {
    return;
  }
  const deferred = findingsExcusedByWorkspace(rule, deployment, limits.limits, findings);
  const secretPaths = secretPathsOf(args.props);
  const readPaths = fieldsReadWithSecrets(rule, deployment, limits.limits, secretPaths);
  for (const finding of findings) {
    const options = deferred.has(finding) ? { enforcementLevel: "advisory" as const, note: DEFERRED_NOTE } : {};
    reportFinding(reportViolation, finding, { urn: args.urn, secretPaths, readPaths, ...options });
  }
}

/**
 * Reports what only the stack shows. During a preview: findings that depend on other resources (autoscale
 * bounds, a workspace that does not excuse public egress). After apply: every finding on the outputs, so a
 * value that was unknown during the preview is judged.
 */
function validateStack(rule: Rule, args: StackValidationArgs, reportViolation: ReportViolation): void {
  const deployments = stackDeployments(args.resources).filter(({ deployment }) => computeTypeMismatch(rule, deployment) === undefined);
  if (deployments.length === 0) {
    args.notApplicable(`the stack has no OnlineDeployment that ${rule.id} judges`);
  }

  // An invalid config was already reported on every deployment by the resource check.
  const limits = policyLimits(rule, args);
  if (!limits.ok) {
    return;
  }

  // During a preview the resource check has already reported every finding that no related resource decides.
  const isPreview = pulumi.runtime.isDryRun();
  if (isPreview && (rule.relatedFacts ?? []).length === 0) {
    return;
  }
  for (const { deployment, urn, secretPaths } of deployments) {
    const withStack = runRule(rule, deployment, limits.limits, "mandatory");
    // After apply the resource check has judged the inputs that the preview did not know, so an unknown finding here
    // repeats one. Limits that make unknowns mandatory keep it, so a fact that stays unknown after apply fails closed.
    const reported = isPreview
      ? stackOnlyFindings(rule, deployment, limits.limits, withStack)
      : withStack.filter((finding) => finding.kind !== "unknown" || finding.enforcementLevel === "mandatory");
    const readPaths = reported.length === 0 ? undefined : fieldsReadWithSecrets(rule, deployment, limits.limits, secretPaths);
    for (const finding of reported) {
      reportFinding(reportViolation, finding, { urn, secretPaths, readPaths });
    }
  }
}

/**
 * Returns the paths of the fields the rule reads on the deployment when some value of the resources behind it is
 * secret, so that reportFinding can hide values a message shows beside its own field's. Secrets are rare, so the
 * rule runs a second time only then.
 */
function fieldsReadWithSecrets(rule: Rule, deployment: OnlineDeployment, limits: unknown, secretPaths: readonly string[] | undefined): string[] | undefined {
  if (secretPaths === undefined || secretPaths.length === 0) {
    return undefined;
  }
  const readPaths: string[] = [];
  runRule(rule, deployment, limits, "mandatory", readPaths);
  return readPaths;
}

/**
 * Returns the findings the resource check could not report at the policy's level: new with the stack, or deferred
 * there. Only a preview needs them, so only a preview judges the deployment a second time without the stack.
 */
function stackOnlyFindings(rule: Rule, deployment: OnlineDeployment, limits: unknown, withStack: Finding[]): Finding[] {
  const alone = { ...deployment, related: undefined };
  const withoutStack = runRule(rule, alone, limits, "mandatory");
  const before = new Set(withoutStack.map(findingKey));
  const deferred = new Set([...findingsExcusedByWorkspace(rule, alone, limits, withoutStack)].map(findingKey));
  return withStack.filter((finding) => !before.has(findingKey(finding)) || deferred.has(findingKey(finding)));
}
