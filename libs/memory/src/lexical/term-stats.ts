/**
 * Document frequencies over the lessons memory holds, for BM25's IDF. Counted once per lesson id when
 * it is first saved (a lesson's problem text does not change on update) and from the whole store at
 * open; a deleted lesson keeps counting until the next open — IDF moves slowly, and a slightly stale
 * count only shifts weights a little.
 */
export class TermStats {
  private readonly df = new Map<string, number>();
  private readonly seen = new Set<string>();

  get documents(): number {
    return this.seen.size;
  }

  add(id: string, terms: string[]): void {
    if (this.seen.has(id)) return;
    this.seen.add(id);
    for (const t of new Set(terms)) this.df.set(t, (this.df.get(t) ?? 0) + 1);
  }

  /**
   * BM25's IDF, ln(1 + (N − df + 0.5) / (df + 0.5)). A term no lesson has gets the IDF of a term one
   * lesson has: it still lengthens the query (so a ticket mostly about other things scores lower)
   * without dominating it.
   */
  idf(term: string): number {
    const n = this.seen.size;
    const df = Math.max(1, this.df.get(term) ?? 0);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }
}
