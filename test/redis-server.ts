// A redis-server of a test's own (Debian's /usr/bin/redis-server), on a free port, that the test
// can stop and start again with its data (saved to disk first, as a Redis with persistence keeps
// it) or without (as a Redis without persistence, or a failover to an empty replica, comes back).
// The shared Redis on 6379 serves every other test file and must never be emptied.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface TestRedis {
  url: string;
  port: number;
  /** Stops it and starts it again on the same port: with what it held, or empty. */
  restart(keep: "with-data" | "empty"): Promise<void>;
  /** Stops it (a Redis outage) until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const BINARY = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find((p) => existsSync(p));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

async function until(test: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await test()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} within ${timeoutMs} ms`);
}

export async function startTestRedis(): Promise<TestRedis> {
  if (!BINARY) throw new Error("No redis-server: install Debian's redis-server (apt-get install redis-server)");
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "anchorline-redis-"));
  let child: ChildProcess | null = null;

  const start = async () => {
    // RDB on demand only (the test saves before a restart that keeps data); no append-only file.
    child = spawn(BINARY, ["--bind", "127.0.0.1", "--port", String(port), "--dir", dir, "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    await until(() => answers(port), `redis-server answered on :${port}`);
  };
  const stopWith = async (command: "SAVE" | "NOSAVE") => {
    const running = child;
    if (!running) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    const cli = spawn("redis-cli", ["-p", String(port), "SHUTDOWN", command], { stdio: "ignore" });
    await new Promise<void>((resolve) => cli.once("exit", () => resolve()));
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (running.exitCode === null) running.kill("SIGKILL");
    child = null;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart(keep) {
      await stopWith(keep === "with-data" ? "SAVE" : "NOSAVE");
      if (keep === "empty") rmSync(path.join(dir, "dump.rdb"), { force: true });
      await start();
    },
    stop: () => stopWith("SAVE"),
    start,
    async close() {
      await stopWith("NOSAVE");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
