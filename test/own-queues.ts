// The app's queues under a prefix of one test file's own, on the real Redis, with no worker taking
// their jobs: what a server test of scheduling reads back (a job's id, delay, state) is its own
// however many files run at once. Call it at a test file's top level; all of it is removed and
// closed after the file's tests.
import { randomUUID } from "node:crypto";
import { afterAll } from "vitest";
import { createQueues, createRedisConnection, type Queues } from "~/queues.server";

export interface OwnQueues {
  readonly redis: ReturnType<typeof createRedisConnection>;
  readonly prefix: string;
  readonly queues: Queues;
}

/** Queues under `<QUEUE_PREFIX>-<name>-<random>`; after the file: its recompute jobs and its due-work marker gone. */
export function useOwnQueues(name: string): OwnQueues {
  const redis = createRedisConnection();
  const prefix = `${process.env.QUEUE_PREFIX}-${name}-${randomUUID().slice(0, 8)}`;
  const queues = createQueues(redis, prefix);
  afterAll(async () => {
    await queues.recompute.obliterate({ force: true });
    // ensureWorkDue's marker (app/sync/due-work.server.ts), set by the files that run it.
    await redis.del(`${prefix}:due-work`);
    await queues.close();
    redis.disconnect();
  });
  return { redis, prefix, queues };
}
