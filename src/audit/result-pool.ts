import type { Finding, FindingValue, ResourceResult } from "../findings/finding";
import type { ResourceRef } from "../model/deployment";

/**
 * Keeps one copy of each text that an audit's results repeat. An audit keeps every result until its report is
 * written, and the deployments of one tenant share their subscription, resource group, workspace and endpoint
 * names, their property paths and most of their findings' messages. Ids and deployment names are unique, so
 * they are kept as they are: a table entry for them would only add to the memory it is meant to save.
 */
export class ResultPool {
  private readonly texts = new Map<string, string>();

  /** Returns the result with its repeated texts replaced by the pool's copies; the content is unchanged. */
  compact(result: ResourceResult): ResourceResult {
    const resource = this.ref(result.resource);
    return {
      ...result,
      resource,
      ...(result.reason === undefined ? {} : { reason: this.text(result.reason) }),
      findings: result.findings.map((finding) => this.finding(finding, resource)),
    };
  }

  private ref(ref: ResourceRef): ResourceRef {
    const pooled: { -readonly [K in keyof ResourceRef]: ResourceRef[K] } = { ...ref };
    for (const key of ["endpointName", "workspaceName", "resourceGroupName", "subscriptionId", "type"] as const) {
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
      // Every finding of a result names the result's resource, so it shares the pooled ref.
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
