import type { Finding, FindingValue, ResourceResult } from "../findings/finding";
import type { ResourceRef } from "../model/deployment";

/**
 * A table of the texts that an audit's results repeat, with one copy of each. An audit keeps every result until
 * its report is written, and one tenant's deployments share names, property paths and most finding messages. Ids
 * are unique, so they are kept as they are: a table entry for them would only add to the memory it saves.
 */
export class ResultPool {
  private readonly texts = new Map<string, string>();

  /** Returns the result with its repeated texts replaced by the pool's copies; the content is unchanged. */
  compact(result: ResourceResult): ResourceResult {
    const resource = this.ref(result.resource);
    // Findings name their result's resource, and then share its pooled ref.
    const refOf = (ref: ResourceRef): ResourceRef => (ref === result.resource ? resource : this.ref(ref));
    return {
      ...result,
      resource,
      ...(result.reason === undefined ? {} : { reason: this.text(result.reason) }),
      findings: result.findings.map((finding) => this.finding(finding, refOf(finding.resource))),
    };
  }

  private ref(ref: ResourceRef): ResourceRef {
    const pooled: { -readonly [K in keyof ResourceRef]: ResourceRef[K] } = { ...ref };
    for (const key of ["name", "endpointName", "workspaceName", "resourceGroupName", "subscriptionId", "type"] as const) {
      const value = ref[key];
      if (value !== undefined) {
        pooled[key] = this.text(value);
      }
    }
    return pooled;
  }

  private finding(finding: Finding, resource: ResourceRef): Finding {
    return {
      ...finding,
      resource,
      path: this.text(finding.path),
      actual: this.value(finding.actual),
      limit: this.value(finding.limit),
      message: this.text(finding.message),
    };
  }

  private value(value: FindingValue | null): FindingValue | null {
    return typeof value === "string" ? this.text(value) : value;
  }

  private text(value: string): string {
    const pooled = this.texts.get(value);
    if (pooled !== undefined) {
      return pooled;
    }
    this.texts.set(value, value);
    return value;
  }
}
