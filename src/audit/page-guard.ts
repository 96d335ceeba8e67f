import { NOT_EVALUATED_REASONS } from "./reasons";

/** Reason a {@link PageGuard} stops a listing before its end. */
export type PageStop = typeof NOT_EVALUATED_REASONS.nextLinkCycle | typeof NOT_EVALUATED_REASONS.tooManyPages;

/**
 * Bounds one paged listing that follows continuations: ARM `nextLink` URLs or Resource Graph `$skipToken`
 * values. Without it, a faulty or hostile service that returns a continuation already followed, or keeps
 * returning new ones, would keep the audit running forever.
 */
export class PageGuard {
  private readonly seen = new Set<string>();
  private pagesRead = 0;

  /** `maxPages` is the number of pages the listing may read, the first page included. */
  constructor(readonly maxPages: number) {}

  /**
   * Records that the page at `continuation` is about to be read, or returns why it must not be read. A
   * repeated continuation is checked before the cap. The first page of a Resource Graph query has no
   * continuation, so `undefined` counts as a page but is never a repeat.
   */
  admit(continuation: string | undefined): PageStop | undefined {
    if (continuation !== undefined && this.seen.has(continuation)) {
      return NOT_EVALUATED_REASONS.nextLinkCycle;
    }
    if (this.pagesRead >= this.maxPages) {
      return NOT_EVALUATED_REASONS.tooManyPages;
    }

    if (continuation !== undefined) {
      this.seen.add(continuation);
    }
    this.pagesRead += 1;
    return undefined;
  }
}
