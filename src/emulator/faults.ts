/**
 * Faults the emulator injects on a path. `path` is compared case-insensitively with the request path.
 * `page` (1-based) limits the fault to one page of a listing, and `times` to that many requests (default: all).
 */
export type Fault = FaultTarget &
  (
    | { readonly kind: "status"; readonly status: number; readonly retryAfterSeconds?: number; readonly code?: string }
    | { readonly kind: "delay"; readonly delayMs: number }
    | { readonly kind: "truncate" }
    | { readonly kind: "malformed" }
    | { readonly kind: "foreign-next-link" }
    /** Sends the headers and half the body, then resets the TCP connection. */
    | { readonly kind: "reset" }
    /** HTTP 200 with an HTML page, as a proxy or a captive portal returns. */
    | { readonly kind: "html" }
    /** Points the page's nextLink at page `toPage` (1-based), so a listing loops: A, B, A, … */
    | { readonly kind: "next-link-to-page"; readonly toPage: number }
    /** Makes the listing `pages` pages long: every page before the last links to the next, empty past the items. */
    | { readonly kind: "long-listing"; readonly pages: number }
    /**
     * Lists the page's first item a second time, with `properties` laid over its own, as a listing returns a
     * deployment that changes while it is read.
     */
    | { readonly kind: "changed-duplicate"; readonly properties: Readonly<Record<string, unknown>> }
    /**
     * Gives the page's first item, or a single resource, the id `id` and, when given, the name `name`, as a
     * faulty proxy or cache might.
     */
    | { readonly kind: "foreign-id"; readonly id: string; readonly name?: string }
  );

export interface FaultTarget {
  readonly path: string;
  readonly page?: number;
  readonly times?: number;
}

/** Tracks how often each fault has fired. */
export class FaultPlan {
  private readonly remaining: number[];

  constructor(private readonly faults: readonly Fault[]) {
    this.remaining = faults.map((fault) => fault.times ?? Number.POSITIVE_INFINITY);
  }

  /** Returns the first fault that matches the request and still has uses left, and uses it up once. */
  take(url: URL): Fault | undefined {
    const path = url.pathname.toLowerCase().replace(/\/+$/, "");
    for (const [index, fault] of this.faults.entries()) {
      if (this.remaining[index] <= 0 || fault.path.toLowerCase().replace(/\/+$/, "") !== path) {
        continue;
      }
      if (fault.page !== undefined && pageOf(url) !== fault.page) {
        continue;
      }
      this.remaining[index]--;
      return fault;
    }
    return undefined;
  }
}

/** Returns the 1-based page of a listing request. The emulator's nextLink carries `$skiptoken=<page index>`, and the first page has none. */
function pageOf(url: URL): number {
  const token = url.searchParams.get("$skiptoken");
  return token === null ? 1 : Number(token) + 1;
}
