// A job landing inside a recompute batch, on real PostgreSQL: the batch reads its stale listings
// after it started, and what another worker commits in between is what that read sees. Tests pass
// this as the recompute's `sql` to land a moment's job (a promotion's end, a release) exactly there.
import { sqlFor, type Sql } from "~/lib/sql.server";

/**
 * The app's plain SQL, except that the first read of a batch's stale listings (the recompute's
 * loadBatch, the only query that reads "couponStepShown") first awaits `land`.
 */
export function landingAtListingsRead(land: () => Promise<void>): Sql {
  const real = sqlFor();
  let landed = false;
  return {
    ...real,
    rows: async <T>(text: string, params: unknown[]) => {
      if (!landed && text.includes('"couponStepShown"')) {
        landed = true;
        await land();
      }
      return real.rows<T>(text, params);
    },
  };
}
