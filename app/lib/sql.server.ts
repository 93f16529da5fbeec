import pg from "pg";

// Plain SQL over node-postgres, for the few hot paths where Prisma's driver-adapter layer costs
// more than the query itself: the mirror's batch upserts (measured: a 5,000-row batch resolves in
// 61–79 ms here against 238 ms through $queryRaw; see bench/import.ts). Everything else goes
// through Prisma.

export interface Sql {
  rows<T>(text: string, params: unknown[]): Promise<T[]>;
  /** Runs a statement and returns how many rows it changed. */
  execute(text: string, params: unknown[]): Promise<number>;
  end(): Promise<void>;
}

const pools = new Map<string, Sql>();
const pgPools = new Map<string, pg.Pool>();

export function sqlFor(connectionString = process.env.DATABASE_URL): Sql {
  if (!connectionString) throw new Error("DATABASE_URL is not set: see README, Configuration");
  let sql = pools.get(connectionString);
  if (!sql) {
    const pool = new pg.Pool({ connectionString, max: 10 });
    pgPools.set(connectionString, pool);
    sql = {
      rows: async <T>(text: string, params: unknown[]) => (await pool.query(text, params)).rows as T[],
      execute: async (text: string, params: unknown[]) => (await pool.query(text, params)).rowCount ?? 0,
      end: async () => {
        pools.delete(connectionString);
        pgPools.delete(connectionString);
        await pool.end();
      },
    };
    pools.set(connectionString, sql);
  }
  return sql;
}

/**
 * Runs `work` in one transaction on one connection of sqlFor's pool: committed when it returns,
 * rolled back when it throws. For a hot path that must be all or nothing (a vendor feed's import).
 */
export async function inSqlTransaction<T>(work: (sql: Pick<Sql, "rows" | "execute">) => Promise<T>, connectionString = process.env.DATABASE_URL): Promise<T> {
  sqlFor(connectionString);
  const client = await pgPools.get(connectionString!)!.connect();
  try {
    await client.query("BEGIN");
    const result = await work({
      rows: async <R>(text: string, params: unknown[]) => (await client.query(text, params)).rows as R[],
      execute: async (text: string, params: unknown[]) => (await client.query(text, params)).rowCount ?? 0,
    });
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
