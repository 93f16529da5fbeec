// The demo's queue prefix: demos of different data folders on one Redis never see each other's
// keys, and a second start of the same folder finds its own.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createQueues, createRedisConnection, QUEUE_NAMES } from "~/queues.server";
import { demoQueuePrefix } from "./infra";

const folders: string[] = [];
const dataFolder = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "anchorline-demo-test-"));
  folders.push(dir);
  return dir;
};
const connection = createRedisConnection();
const opened: ReturnType<typeof createQueues>[] = [];
const queuesOf = (prefix: string) => {
  const queues = createQueues(connection, prefix);
  opened.push(queues);
  return queues;
};

afterAll(async () => {
  for (const queues of opened) for (const name of Object.values(QUEUE_NAMES)) await queues[name].obliterate({ force: true });
  await Promise.all(opened.map((queues) => queues.close()));
  connection.disconnect();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe("the demo's queue prefix", () => {
  it("given two demo data folders on one Redis, when the second starts and empties its queues, then the first's jobs are still there and neither sees the other's", async () => {
    const first = demoQueuePrefix(dataFolder(), {});
    await queuesOf(first).recompute.add("recompute", { shopId: "shop-of-the-first-demo" });

    const second = demoQueuePrefix(dataFolder(), {});
    const secondQueues = queuesOf(second);
    expect(await secondQueues.recompute.count(), "the second demo sees the first's job").toBe(0);
    // What demo/main.ts does at every start.
    for (const name of Object.values(QUEUE_NAMES)) await secondQueues[name].obliterate({ force: true });
    expect(await queuesOf(first).recompute.count(), "the first demo's job is gone").toBe(1);
    expect(second).not.toBe(first);
  });

  it("given a data folder, when the demo starts again on it, then it has the same prefix, kept in the folder; a folder made afresh gets a new one", () => {
    const dir = dataFolder();
    const prefix = demoQueuePrefix(dir, {});
    expect(prefix).toMatch(/^anchorline-demo-[0-9a-f]{8}$/);
    expect(readFileSync(path.join(dir, "queue-prefix"), "utf8").trim()).toBe(prefix);
    expect(demoQueuePrefix(dir, {})).toBe(prefix);

    rmSync(dir, { recursive: true });
    expect(existsSync(dir)).toBe(false);
    expect(demoQueuePrefix(dir, {})).not.toBe(prefix);
  });

  it("given QUEUE_PREFIX, then the demo uses it as it is", () => {
    expect(demoQueuePrefix(dataFolder(), { QUEUE_PREFIX: "chosen-by-ops" })).toBe("chosen-by-ops");
  });
});
