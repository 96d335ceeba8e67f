import type { EnforcementLevel, ReportViolation, Severity } from "@pulumi/policy";
import type { Finding } from "../src/findings/finding";
import { touchesSecret } from "./secret-paths";
import { waiveFinding } from "./waivers";

/**
 * The object form of `reportViolation`. @pulumi/policy 1.21.0 accepts it at run time (`server.js`
 * `makeReportViolationFun`) but types only the string form. It lets one policy report an advisory unknown and
 * a mandatory violation together. An unset `enforcementLevel` takes the policy's configured level.
 */
interface ViolationReport {
  readonly message: string;
  readonly urn?: string;
  readonly enforcementLevel?: EnforcementLevel;
  readonly severity?: Severity;
}

export interface ReportOptions {
  readonly urn?: string;
  /** Paths of secret values in the resources behind the finding; undefined when they are not known. */
  readonly secretPaths: readonly string[] | undefined;
  /**
   * Paths of the fields the finding's rule read, whose values its message may show beside the finding's own, such
   * as a probe's period in a timeout finding. Needed only when some value is secret.
   */
  readonly readPaths?: readonly string[];
  /** Level to report instead of the policy's own; unknown findings always carry their own level. */
  readonly enforcementLevel?: EnforcementLevel;
  /** Sentence appended to the message. */
  readonly note?: string;
}

/**
 * Sends one finding to the engine as a policy violation. A finding an exemption waives is sent as advisory, with
 * the exemption's owner, expiry and reason, so it stays visible and does not fail the preview.
 */
export function reportFinding(reportViolation: ReportViolation, finding: Finding, options: ReportOptions): void {
  const report = reportViolation as unknown as (violation: ViolationReport) => void;
  const waiver = waiveFinding(finding).waiver;
  let level = finding.kind === "unknown" ? finding.enforcementLevel : options.enforcementLevel;
  if (waiver !== undefined) {
    level = "advisory";
  }
  const message = finding.kind === "unknown" ? finding.message : messageWithoutSecrets(finding, options);
  const notes = [options.note, waiver === undefined ? undefined : `Waived until ${waiver.expires} by an exemption owned by ${waiver.owner}: ${waiver.reason}`];
  const note = notes.filter((text) => text !== undefined).join(" ");

  report({
    message: note === "" ? message : `${message} ${note}`,
    ...(options.urn === undefined ? {} : { urn: options.urn }),
    ...(level === undefined ? {} : { enforcementLevel: level }),
    severity: finding.severity,
  });
}

/** Sends a message that is not a finding, such as an invalid config, at mandatory level. */
export function reportMandatory(reportViolation: ReportViolation, message: string, urn?: string): void {
  const report = reportViolation as unknown as (violation: ViolationReport) => void;
  report({ message, ...(urn === undefined ? {} : { urn }), enforcementLevel: "mandatory" });
}

/**
 * Returns the finding's message, or one rebuilt without values when a value it may show is or may be secret.
 * Rule messages render values in several forms (`PT5M` for `PT300S`), so a message cannot be redacted by
 * searching it for the secret. The limit stays in the rebuilt message only when no other field the rule read is
 * secret, because a limit may be another field's value, such as a container's CPU limit.
 */
function messageWithoutSecrets(finding: Finding, options: ReportOptions): string {
  const { secretPaths, readPaths = [] } = options;
  const own = "its value is not shown because it is, or may be, a secret";
  // Without the secret paths every value may be secret, the limit included.
  if (secretPaths === undefined) {
    return redactedMessage(finding, own, false);
  }
  const otherSecret = readPaths.find((path) => path !== finding.path && touchesSecret(path, secretPaths));
  if (touchesSecret(finding.path, secretPaths)) {
    return redactedMessage(finding, own, otherSecret === undefined);
  }
  return otherSecret === undefined ? finding.message : redactedMessage(finding, `values are not shown because the rule also reads the secret ${otherSecret}`, false);
}

function redactedMessage(finding: Finding, reason: string, showLimit: boolean): string {
  const limit = finding.limit === null || !showLimit ? "" : ` The limit is ${String(finding.limit)}.`;
  return `${finding.path} breaks rule ${finding.ruleId}; ${reason}.${limit} Change ${finding.path} to comply.`;
}
