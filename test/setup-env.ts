// Runs in every test worker before the test file is imported: points the app's modules at this
// run's database (see global-setup.ts) and gives the file a queue prefix of its own, so one file's
// workers never pick up another file's jobs.
import { randomUUID } from "node:crypto";
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.QUEUE_PREFIX = `${inject("queuePrefix")}-${randomUUID().slice(0, 8)}`;
