// `npm start` with a setting it cannot run with must fail at once, non-zero and naming the setting,
// before it creates or migrates a database or serves anything: a supervisor then sees a failed
// start, not a clean stop.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { databaseUrlFor, dropDatabase } from "../test/global-setup";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const databaseName = `anchorline_start_${randomUUID().slice(0, 8)}`;

/** Settings npm start accepts: each test spoils one of them. */
const good: Record<string, string> & { NODE_ENV: "development" | "production" } = {
  NODE_ENV: "development",
  DATABASE_URL: databaseUrlFor(databaseName),
  REDIS_URL: "redis://127.0.0.1:6379",
  SHOPIFY_API_KEY: "anchorline-start-key",
  SHOPIFY_API_SECRET: "anchorline-start-secret",
  SHOPIFY_APP_URL: "https://anchorline.example.com",
  ANCHORLINE_ENCRYPTION_KEY: process.env.ANCHORLINE_ENCRYPTION_KEY!,
};

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `npm start` (scripts/start.mjs) with these settings; kills it if it still runs after `limitMs`. */
function start(settings: typeof good, limitMs = 10_000): Promise<Exit> {
  const began = Date.now();
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...settings },
    detached: true, // its own process group, so a start that went on to serve is stopped whole
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), limitMs);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - began });
    });
  });
}

async function databaseExists(): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrlFor("postgres") });
  await client.connect();
  try {
    return ((await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [databaseName])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

afterAll(() => dropDatabase(databaseName));

describe("npm start with a setting it cannot run with", () => {
  it("given a 5-byte encryption key, when npm start runs, then it exits non-zero within seconds naming ANCHORLINE_ENCRYPTION_KEY, and has created no database", async () => {
    const exit = await start({ ...good, ANCHORLINE_ENCRYPTION_KEY: Buffer.from("hello").toString("base64") });
    expect(exit.code).toBe(1);
    expect(exit.ms).toBeLessThan(5_000);
    expect(exit.stderr).toMatch(/ANCHORLINE_ENCRYPTION_KEY: .*32 bytes/);
    expect(await databaseExists()).toBe(false);
  });

  it("given an app URL that is not a URL, when npm start runs, then it exits non-zero within seconds naming SHOPIFY_APP_URL", async () => {
    const exit = await start({ ...good, SHOPIFY_APP_URL: "anchorline.example.com:3000" });
    expect(exit.code).toBe(1);
    expect(exit.ms).toBeLessThan(5_000);
    expect(exit.stderr).toMatch(/SHOPIFY_APP_URL: /);
    expect(await databaseExists()).toBe(false);
  });

  it("given production and an http:// app URL, when npm start runs, then it refuses it, naming SHOPIFY_APP_URL and asking for https", async () => {
    const exit = await start({ ...good, NODE_ENV: "production", SHOPIFY_APP_URL: "http://anchorline.example.com" });
    expect(exit.code).toBe(1);
    expect(exit.ms).toBeLessThan(5_000);
    expect(exit.stderr).toMatch(/SHOPIFY_APP_URL: .*https/);
    expect(await databaseExists()).toBe(false);
  });

  it("given production and a database nobody listens for, when npm start runs, then it says so in one line naming DATABASE_URL, without the password or a stack trace, and exits non-zero", async () => {
    const exit = await start({ ...good, NODE_ENV: "production", DATABASE_URL: "postgresql://anchorline:hunter2@127.0.0.1:1/anchorline" });
    expect(exit.code).toBe(1);
    expect(exit.ms).toBeLessThan(5_000);
    expect(exit.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^\[start\] cannot reach PostgreSQL at 127\.0\.0\.1:1\/anchorline \(DATABASE_URL\): .*ECONNREFUSED/),
    ]);
    expect(exit.stderr).not.toContain("hunter2");
  });
});
