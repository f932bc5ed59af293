/** Small list helpers shared by the adapters: bounded concurrency and in-memory paging. */

/** Runs `fn` over `items` with at most `limit` in flight, results in input order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/**
 * Pages an in-memory list for vendors that answer everything at once; the cursor is the offset.
 * `map` runs on the page's items only (a whole-tenant answer may hold 10,000 rows).
 */
export function pageArray<T, U = T>(
  all: readonly T[],
  first: number,
  after: string | undefined,
  map: (item: T) => U = (item) => item as unknown as U,
): { items: { node: U; cursor: string }[]; hasNextPage: boolean; hasPreviousPage: boolean; totalCount: number } {
  const start = after === undefined ? 0 : Number(after) + 1;
  const from = Number.isInteger(start) && start >= 0 ? start : 0;
  const slice = all.slice(from, from + first);
  return {
    items: slice.map((item, i) => ({ node: map(item), cursor: String(from + i) })),
    hasNextPage: from + first < all.length,
    hasPreviousPage: from > 0,
    totalCount: all.length,
  };
}
