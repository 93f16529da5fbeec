// Runs once per `vitest run`: a fresh PostgreSQL database with every migration applied, and a
// Redis key prefix of its own, so a run never sees another run's data. Both are removed at the end.
import { execFileSync } from "node:child_process";
import pg from "pg";
import { Redis } from "ioredis";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    queuePrefix: string;
  }
}

const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export function databaseUrlFor(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function connectToServer(): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: serverUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`Tests need PostgreSQL at ${serverUrl} (set TEST_DATABASE_SERVER_URL to use another); start it as README "Tests" says. ${String(error)}`);
  }
  return admin;
}

export async function createEmptyDatabase(name: string): Promise<string> {
  const admin = await connectToServer();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return databaseUrlFor(name);
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = await connectToServer();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export function migrate(databaseUrl: string): void {
  execFileSync(process.execPath, ["scripts/prisma.mjs", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: "pipe",
  });
}

export default async function setup(project: TestProject) {
  const runId = `${Date.now()}_${process.pid}`;
  const databaseName = `anchorline_test_${runId}`;
  const databaseUrl = await createEmptyDatabase(databaseName);
  migrate(databaseUrl);
  const queuePrefix = `anchorline-test-${runId}`;
  project.provide("databaseUrl", databaseUrl);
  project.provide("queuePrefix", queuePrefix);

  return async () => {
    await dropDatabase(databaseName);
    const redis = new Redis(redisUrl);
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${queuePrefix}*`, "COUNT", 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
    redis.disconnect();
  };
}
