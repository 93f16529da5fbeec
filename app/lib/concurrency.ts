/**
 * Runs `work` on every item, at most `limit` at a time. After a failure no new item is started;
 * the ones under way finish, then the first error is thrown (so a job retried after it starts from
 * a known state: every item either done or never begun, except those that failed).
 */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, lane));
  if (failure) throw (failure as { error: unknown }).error;
}
