// Reading what Walmart changed since a watermark, for every list it filters by last-modified time
// (getAllOrders' lastModifiedStartDate, getReturns' returnLastModifiedStartDate). The watermark is
// the newest modification delivered and the ids delivered at exactly that instant: the start is
// read inclusively (and a little before it, see orders.ts), so what was already delivered is
// dropped here by its time and id. While a result set is only partly read, Walmart's own
// nextCursor is kept with the watermark so far, and the watermark moves only once the whole
// result set has been read; so each change arrives once, whatever order Walmart lists them in.

export interface Watermark {
  /** Epoch ms: the newest modification delivered. */
  from: number;
  /** Ids delivered whose modification time equals `from`. */
  seen: string[];
}

export interface StreamCursor extends Watermark {
  /** While a result set is only partly read: Walmart's nextCursor, and the watermark so far. */
  resume?: string;
  next?: Watermark;
}

/**
 * Last-modified start dates are asked this much before the watermark: the definitions say neither
 * whether "modified after this date" includes the instant nor whether milliseconds count (their
 * examples are to the second). What was already delivered is dropped by readChanges.
 */
const OVERLAP_MS = 1000;

/** The last-modified start date to ask for: the watermark, less the overlap. */
export const startOf = (cursor: Watermark) => new Date(cursor.from - OVERLAP_MS).toISOString();

export interface ChangesPage<T> {
  items: T[];
  /** Walmart's `nextCursor`, a query string to append as-is; empty or absent on the last page. */
  nextCursor?: string;
}

/**
 * Reads up to `maxPages` pages (`page(resume)`: the first page from the watermark when `resume` is
 * undefined) and returns the items changed since the watermark, each change once, and the cursor
 * to pass next time.
 */
export async function readChanges<T>(
  cursor: StreamCursor,
  page: (resume: string | undefined) => Promise<ChangesPage<T>>,
  changeOf: (item: T) => { id: string; at: number },
  maxPages: number,
): Promise<{ changed: T[]; cursor: StreamCursor }> {
  const delivered = new Set(cursor.seen);
  const next = { from: cursor.next?.from ?? cursor.from, seen: new Set(cursor.next?.seen ?? cursor.seen) };
  const thisCall = new Set<string>();
  let resume = cursor.resume;
  const changed: T[] = [];
  for (let read = 0; read < maxPages; read++) {
    const answer = await page(resume);
    for (const item of answer.items) {
      const { id, at } = changeOf(item);
      if (at < cursor.from || (at === cursor.from && delivered.has(id))) continue;
      if (at === next.from && next.seen.has(id)) continue;
      if (thisCall.has(`${id}@${at}`)) continue;
      thisCall.add(`${id}@${at}`);
      if (at > next.from) {
        next.from = at;
        next.seen.clear();
      }
      if (at === next.from) next.seen.add(id);
      changed.push(item);
    }
    resume = (answer.items.length > 0 && answer.nextCursor) || undefined;
    if (!resume) break;
  }
  const watermark = { from: next.from, seen: [...next.seen] };
  return { changed, cursor: resume ? { from: cursor.from, seen: cursor.seen, resume, next: watermark } : watermark };
}
