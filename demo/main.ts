// `npm run demo`: Anchorline on one machine with everything it talks to simulated, and a scenario
// to watch. Starts PostgreSQL (configured or embedded), Redis, the Shopify and marketplace
// simulators, the workers (in this process) and the admin app (a child process, the production
// build as `npm start` serves it); prints where the admin screens are; runs the scenario and its
// report; then serves until Ctrl-C, which stops everything it started, last started first
// (demo/supervisor.ts). A second start reuses the data.
//
// Flags: --once (exit after the report), --json <file> (write the report there too).
// Settings: DATABASE_URL, REDIS_URL (else embedded PostgreSQL / local or started Redis),
// DEMO_DATA_DIR (.data/demo), DEMO_PORT (3000), DEMO_ADMIN_PORT (3100), DEMO_PRODUCTS (200),
// DEMO_VARIANTS (3), DEMO_LOCATIONS (3), DEMO_FLASH_SECONDS (25).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { assertDemoAllowed, demoQueuePrefix, developmentEncryptionKey, interruptedBy, migrate, portOpen, ROOT, startDatabase, startRedis } from "./infra";
import { createSupervisor } from "./supervisor";
import type { World } from "./world";

const { values: flags } = parseArgs({ options: { once: { type: "boolean", default: false }, json: { type: "string" } } });
const t0 = performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => console.log(line === "" ? "" : `[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${line}`);

try {
  assertDemoAllowed();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const dataDir = path.resolve(ROOT, process.env.DEMO_DATA_DIR ?? ".data/demo");

/** The production build exists and no file under app/ is newer (a pulled change would be missing). */
function buildIsCurrent(): boolean {
  const built = path.join(ROOT, "build/server/index.js");
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
        entry.isDirectory() ? newest(path.join(dir, entry.name)) : statSync(path.join(dir, entry.name)).mtimeMs,
      ),
    );
  return newest(path.join(ROOT, "app")) <= builtAt;
}
mkdirSync(dataDir, { recursive: true });

/** Whether eBay, Walmart and TikTok Shop hold the subscriptions the app's subscribe-notifications jobs make, within `timeoutMs`. */
async function waitForSubscriptions(world: World, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const subscribed = () =>
    world.ebay.subscriptions(world.channels.ebay.accountId).length > 0 &&
    world.walmart.subscriptions(world.channels.walmart.accountId).some((s) => s.status === "ACTIVE") &&
    world.tiktok.webhooks(world.channels.tiktok.accountId).length > 0;
  while (!subscribed() && Date.now() < deadline) await sleep(100);
  return subscribed();
}

async function freePort(preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(null));
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : null));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0))!;
}

// Everything the demo starts is registered with the supervisor as it starts; a signal at any point
// stops what has started so far.
const supervisor = createSupervisor(log, { farewell: "stopped everything the demo started; `npm run demo` again reuses the data" });
supervisor.exitOnSignals();

try {
  log("Anchorline demo: starting");
  const database = await startDatabase(dataDir, log, supervisor);
  log(`PostgreSQL: ${database.origin}`);
  migrate(database.url);
  log("migrations applied (scripts/prisma.mjs migrate deploy)");
  const redis = await startRedis(log, supervisor);
  const queuePrefix = demoQueuePrefix(dataDir);
  log(`queues: BullMQ on Redis (${redis.origin}), keys under ${queuePrefix}:* (this data folder's own prefix; QUEUE_PREFIX overrides it)`);

  const port = await freePort(Number(process.env.DEMO_PORT ?? 3000));
  const apiSecret = process.env.DEMO_SHOPIFY_API_SECRET ?? randomBytes(24).toString("base64url");
  // The app's modules read these when first loaded: set them, then import.
  Object.assign(process.env, {
    NODE_ENV: process.env.NODE_ENV ?? "development",
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: queuePrefix,
    SHOPIFY_API_KEY: "anchorline-demo",
    // A secret of this run only: it signs the simulated store's webhooks and the demo's sessions.
    SHOPIFY_API_SECRET: apiSecret,
    SHOPIFY_APP_URL: `http://localhost:${port}`,
    ANCHORLINE_ENCRYPTION_KEY: process.env.ANCHORLINE_ENCRYPTION_KEY ?? developmentEncryptionKey(dataDir),
    LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
    PORT: String(port),
  });

  const require = createRequire(import.meta.url);
  if (!buildIsCurrent()) {
    log("building the admin app (first start, or the app changed since the last build: about 30 s)");
    const built = spawnSync(process.execPath, [require.resolve("@remix-run/dev/dist/cli.js"), "vite:build"], { cwd: ROOT, stdio: "ignore" });
    const stoppedBy = interruptedBy(built);
    if (stoppedBy) throw new Error(`the app's build was stopped by ${stoppedBy}`);
    if (built.status !== 0) throw new Error("the app's build failed: run `npm run build` to see why");
  }

  const { default: prisma } = await import("~/db.server");
  const { createRedisConnection, queues, QUEUE_NAMES } = await import("~/queues.server");
  const { closeSharedRevisionRedis } = await import("~/channels/ebay");
  const { createWorkers } = await import("../workers/processors");
  const { startWorld } = await import("./world");
  const { runScenario, formatReport } = await import("./scenario");
  const { startAdminProxy } = await import("./admin-proxy");
  // Prisma's pool and the plain-SQL pool of the hot paths (app/lib/sql.server.ts): an idle client
  // of the latter still open when PostgreSQL stops emits an error nothing listens to, which ended
  // a run with exit 1 after its report.
  const { sqlFor } = await import("~/lib/sql.server");
  supervisor.add("database client", async () => {
    await prisma.$disconnect();
    await sqlFor().end();
  });

  // Jobs left by an earlier demo run point at simulators that are gone (new ports each start), and
  // their deduplication ids would swallow this run's requests: the demo's queues start empty; the
  // listings' state in PostgreSQL says what still has to be pushed.
  for (const queue of Object.values(QUEUE_NAMES)) await queues()[queue].obliterate({ force: true });
  const connection = createRedisConnection();
  supervisor.add("queue clients", async () => {
    await queues().close();
    await closeSharedRevisionRedis();
    connection.disconnect();
  });

  // Workers run while the world is set up, as they would in a store being connected: the links'
  // recomputes and first pushes go out as the listings are linked. Started after the world, they met
  // all 2,400 first pushes at once, and Walmart's went as single calls that spent its burst just
  // before the scenario: its p50 went from 0.6 s to 4–5 s (demo/README.md).
  const workers = createWorkers(connection);
  const world = await startWorld({
    prisma,
    catalog: {
      products: Number(process.env.DEMO_PRODUCTS ?? 200),
      variantsPerProduct: Number(process.env.DEMO_VARIANTS ?? 3),
      locations: Number(process.env.DEMO_LOCATIONS ?? 3),
    },
    webhookUrl: `http://127.0.0.1:${port}/webhooks`,
    apiSecret,
    log,
  });
  supervisor.add("simulators (Shopify, Amazon, eBay, Walmart, TikTok Shop)", () => world.stop());
  log(
    `Shopify simulator: ${world.shopify.url} (shop ${world.domain}, ${world.variants.length} variants); marketplaces: Amazon ${world.amazon.url}, eBay ${world.ebay.url}, Walmart ${world.walmart.url}, TikTok ${world.tiktok.url}`,
  );

  // Registered after the simulators so they stop before them: a job being finished still reaches
  // its marketplace.
  log(`workers: ${workers.map((w) => w.name).join(", ")} (in this process)`);
  // A job may be waiting out a marketplace's Retry-After (minutes for Amazon's order search): the
  // workers get 8 s to finish, then the demo goes on without them (BullMQ's close(true) does not
  // cut short a close already under way); the next start empties the queues.
  supervisor.add("workers", async () => {
    const unfinished = await Promise.all(workers.map((w) => Promise.race([w.close().then(() => null), sleep(8_000).then(() => w.name)])));
    const left = unfinished.filter((name) => name !== null);
    return left.length ? `a job still running after 8 s left unfinished (${left.join(", ")})` : "their jobs finished";
  });

  const appLog = createWriteStream(path.join(dataDir, "app.log"), { flags: "a" });
  // The production build, served as `npm start` serves it: remix-serve runs it with
  // NODE_ENV=production (in development it waits for Vite's dev server). The demo's own process is
  // what demo mode guards; the app in this child is the ordinary app. Started through
  // node_modules/.bin/remix-serve so `pgrep -f remix-serve` finds it; in a process group of its own
  // so Ctrl-C in the terminal reaches only the demo, which stops it in its turn.
  const app = spawn(process.execPath, [path.join(ROOT, "node_modules/.bin/remix-serve"), "./build/server/index.js"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  // remix-serve closes its HTTP server on SIGTERM, but its database and Redis pools keep it alive:
  // once its port refuses connections it has nothing left to do.
  supervisor.addChild(`admin app (remix-serve, pid ${app.pid}, :${port})`, app, { graceMs: 5_000, done: async () => !(await portOpen(port)) });
  app.stdout?.pipe(appLog);
  app.stderr?.pipe(appLog);
  for (let i = 0; i < 300; i++) {
    if (app.exitCode !== null) throw new Error(`the admin app exited (${app.exitCode}); see ${path.relative(ROOT, dataDir)}/app.log`);
    if (
      await fetch(`http://127.0.0.1:${port}/`).then(
        () => true,
        () => false,
      )
    )
      break;
    await sleep(100);
  }
  // Orders come as they do in production. Amazon's ORDER_CHANGE notifications reach the app's
  // /notifications route, as the EventBridge API destination a merchant sets up in the seller's AWS
  // account (with what the Channels screen shows) would deliver them. Each account is then connected
  // as the Channels screen connects one: its order polling scheduled (the safety net, slowed once
  // its notifications are in place) and its notifications subscribed where Anchorline does that
  // (eBay's ORDER_CONFIRMATION, Walmart's PO_CREATED, TikTok Shop's ORDER_STATUS_CHANGE, to
  // SHOPIFY_APP_URL/notifications/<id>). The simulators start empty each time, so a second start
  // subscribes again.
  const { NOTIFICATION_KEY_HEADER, notificationKey, requestNotificationSubscription } = await import("~/channels/notifications.server");
  const { scheduleOrderImport } = await import("~/sync/jobs.server");
  const amazonChannel = world.channels.amazon.id;
  world.amazon.state.sendOrderNotificationsTo({
    url: `http://127.0.0.1:${port}/notifications/${amazonChannel}`,
    headers: { [NOTIFICATION_KEY_HEADER]: notificationKey(amazonChannel) },
  });
  for (const channel of Object.values(world.channels)) {
    await scheduleOrderImport(channel);
    await requestNotificationSubscription(channel);
  }
  const subscribed = await waitForSubscriptions(world, 30_000);
  log(
    `order notifications: Amazon to its destination; eBay, Walmart and TikTok Shop ${subscribed ? "subscribed" : "NOT all subscribed within 30 s (their orders wait for the polling)"}`,
  );
  const proxy = await startAdminProxy({
    appUrl: `http://127.0.0.1:${port}`,
    shop: world.domain,
    apiKey: "anchorline-demo",
    apiSecret,
    port: await freePort(Number(process.env.DEMO_ADMIN_PORT ?? 3100)),
  });
  supervisor.add("admin proxy", () => proxy.close());
  log(`admin app (remix-serve, production build) on :${port}, log in ${path.relative(ROOT, dataDir)}/app.log`);
  log("");
  log(`Admin screens of the demo shop, signed in (demo session): ${proxy.url}/app`);
  log(`  inventory ${proxy.url}/app/inventory · channels ${proxy.url}/app/channels · pricing ${proxy.url}/app/pricing · activity ${proxy.url}/app/activity`);

  // The workers and every simulator share this process's event loop: when it is busy, every
  // marketplace answers late, so the latencies above include that wait. Reported, not hidden.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  const report = await runScenario({ prisma, queues: queues(), world, log, flashSeconds: Number(process.env.DEMO_FLASH_SECONDS ?? 25) });
  loopDelay.disable();
  for (const line of formatReport(report)) console.log(line);
  const ms = (ns: number) => Math.round(ns / 1e6);
  console.log(
    `event-loop delay of the demo process (workers and simulators): p50 ${ms(loopDelay.percentile(50))} ms · p99 ${ms(loopDelay.percentile(99))} ms · max ${ms(loopDelay.max)} ms`,
  );
  if (flags.json) writeFileSync(path.resolve(flags.json), JSON.stringify(report, null, 2));
  if (flags.once) await supervisor.exit("done");
  else {
    log("");
    log(`Still serving: the admin screens at ${proxy.url}/app. Ctrl-C stops everything.`);
  }
} catch (error) {
  console.error(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await supervisor.exit("the demo failed", 1);
}
