#!/usr/bin/env node
// `npm test`: every test. First the suite that needs only PostgreSQL and Redis (vitest.config.ts),
// then the browser tests (test/browser/), which drive Debian's Chromium against the production
// build. Chromium is installed from Debian's packages when it is missing and we may (root, apt);
// otherwise the run fails and says what to install. Ends with one line counting both suites.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const extraArgs = process.argv.slice(2);

/** Runs a command, echoing its output, and returns its exit code and the suite's closing counts. */
function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let tail = "";
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on("close", (code) => {
      const match = [...tail.matchAll(/^Tests: (\d+) passed, (\d+) failed/gm)].at(-1);
      resolve({ code: code ?? 1, passed: match ? Number(match[1]) : 0, failed: match ? Number(match[2]) : 0 });
    });
  });
}

function ensureChromium() {
  if (existsSync(chromium)) return true;
  const root = process.getuid?.() === 0;
  if (!root || spawnSync("which", ["apt-get"]).status !== 0) {
    console.error(`[test] ${chromium} is missing: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH.`);
    return false;
  }
  console.log("[test] installing Debian's chromium for the browser tests");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [
    ["update", "-qq"],
    ["install", "-y", "-qq", "--no-install-recommends", "chromium"],
  ]) {
    if (spawnSync("apt-get", args, { stdio: "inherit", env }).status !== 0) return false;
  }
  return existsSync(chromium);
}

const vitest = path.join("node_modules", ".bin", "vitest");
const suites = [];
suites.push(await run(vitest, ["run", ...extraArgs]));

if (extraArgs.length === 0) {
  // The browser tests run against `remix vite:build`'s output, as production serves it.
  const ready = ensureChromium() && spawnSync(path.join("node_modules", ".bin", "remix"), ["vite:build"], { stdio: "inherit" }).status === 0;
  suites.push(ready ? await run(vitest, ["run", "--config", "test/browser/vitest.config.ts"]) : { code: 1, passed: 0, failed: 1 });
}

const passed = suites.reduce((sum, s) => sum + s.passed, 0);
const failed = suites.reduce((sum, s) => sum + s.failed, 0);
const ok = suites.every((s) => s.code === 0);
console.log(`\nTests: ${passed} passed, ${ok ? failed : Math.max(failed, 1)} failed`);
process.exit(ok ? 0 : 1);
