#!/usr/bin/env node
// `npm start`: the whole service on one machine. Applies migrations, builds the app if needed, then
// runs the web app and the workers as child processes until Ctrl-C / SIGTERM, which it passes on
// so both finish their work in flight before exiting.
//
// Settings come from the environment (and .env when present). Outside production, anything not
// configured gets a local default: the machine's PostgreSQL and Redis, a development encryption
// key kept in .data/. Production refuses to start without explicit settings. Every setting is
// checked (app/lib/env.server.ts) before anything else happens: a wrong one is named and the
// process exits 1 at once, so a supervisor sees a failed start, not a clean stop.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { tsImport } from "tsx/esm/api";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
if (existsSync(".env")) process.loadEnvFile(".env");

const production = process.env.NODE_ENV === "production";

function developmentDefault(name, value) {
  if (process.env[name]) return;
  if (production) {
    console.error(`${name} is not set; production needs every setting explicitly (see README, Configuration).`);
    process.exit(1);
  }
  process.env[name] = typeof value === "function" ? value() : value;
  console.log(`[start] ${name} not set: using the local default`);
}

function developmentEncryptionKey() {
  const file = path.join(".data", "dev-encryption-key");
  if (!existsSync(file)) {
    mkdirSync(".data", { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

developmentDefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/anchorline");
developmentDefault("REDIS_URL", "redis://127.0.0.1:6379");
developmentDefault("SHOPIFY_API_KEY", "anchorline-local");
developmentDefault("SHOPIFY_API_SECRET", "anchorline-local-secret");
developmentDefault("SHOPIFY_APP_URL", `http://localhost:${process.env.PORT ?? 3000}`);
developmentDefault("ANCHORLINE_ENCRYPTION_KEY", developmentEncryptionKey);

/** Exits 1 with one line saying what is wrong: no stack trace, nothing migrated, nothing served. */
function refuse(reason) {
  console.error(`[start] ${reason}`);
  process.exit(1);
}

const { readSettings } = await tsImport("../app/lib/env.server.ts", import.meta.url);
try {
  readSettings(process.env);
} catch (error) {
  refuse(error.message);
}

/** Where DATABASE_URL points, without its password. */
function databaseAt(url) {
  const { hostname, port, pathname } = new URL(url);
  return `${hostname}:${port || 5432}${pathname}`;
}

async function ensureDatabase(url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const server = new URL(url);
  server.pathname = "/postgres";
  const client = new pg.Client({ connectionString: server.toString(), connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    // Connecting to localhost tries ::1 and 127.0.0.1: both refusals come as one AggregateError.
    const reasons = [...new Set((error.errors ?? [error]).map((e) => e.message || e.code))].join("; ");
    refuse(`cannot reach PostgreSQL at ${databaseAt(url)} (DATABASE_URL): ${reasons}`);
  }
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      console.log(`[start] created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: "inherit", env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const require = createRequire(import.meta.url);
await ensureDatabase(process.env.DATABASE_URL);
run(process.execPath, ["scripts/prisma.mjs", "migrate", "deploy"]);
// The data half of migration 20261206090000_sealed_session_tokens: SQL cannot seal, the key is here.
{
  const { createPrismaClient } = await tsImport("../app/db.server.ts", import.meta.url);
  const { sealPlaintextSessionTokens } = await tsImport("../app/sessions.server.ts", import.meta.url);
  const prisma = createPrismaClient();
  const sealed = await sealPlaintextSessionTokens(prisma);
  await prisma.$disconnect();
  if (sealed) console.log(`[start] sealed the Shopify tokens of ${sealed} session(s) stored in plain text`);
}
if (!existsSync("build/server/index.js")) run(process.execPath, [require.resolve("@remix-run/dev/dist/cli.js"), "vite:build"]);

// Node runs both directly (no npx or shell in between), so signals reach them.
const children = [
  spawn(process.execPath, [require.resolve("@remix-run/serve/dist/cli.js"), "./build/server/index.js"], { stdio: "inherit", env: process.env }),
  spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], { stdio: "inherit", env: process.env }),
];
let exiting = false;
function stop(signal) {
  if (exiting) return;
  exiting = true;
  for (const child of children) child.kill(signal);
  // remix-serve stops accepting connections on SIGTERM but its open database and Redis pools keep
  // it alive; requests in flight finish well within this grace period.
  setTimeout(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  }, 8_000).unref();
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
let alive = children.length;
let failure = 0; // the exit code of a part that stopped on its own: the service failed
for (const child of children) {
  child.on("exit", (code) => {
    alive -= 1;
    if (!exiting) {
      // One part died: stop the other rather than run half a service, and exit non-zero even if it
      // exited 0, since nobody asked it to stop.
      failure = code || 1;
      stop("SIGTERM");
    }
    if (alive === 0) process.exit(failure);
  });
}
