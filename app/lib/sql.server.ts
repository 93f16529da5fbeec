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

export function sqlFor(connectionString = process.env.DATABASE_URL): Sql {
  if (!connectionString) throw new Error("DATABASE_URL is not set: see README, Configuration");
  let sql = pools.get(connectionString);
  if (!sql) {
    const pool = new pg.Pool({ connectionString, max: 10 });
    sql = {
      rows: async <T>(text: string, params: unknown[]) => (await pool.query(text, params)).rows as T[],
      execute: async (text: string, params: unknown[]) => (await pool.query(text, params)).rowCount ?? 0,
      end: async () => {
        pools.delete(connectionString);
        await pool.end();
      },
    };
    pools.set(connectionString, sql);
  }
  return sql;
}
