// The app's /webhooks route in a process of its own, as the app server runs it in production. The
// sync bench starts it so Shopify's deliveries are answered outside the process that hosts the
// simulators and the samplers. Prints `{"url": ...}` once listening; SIGTERM closes it.
// Reads the same environment as the app (DATABASE_URL, REDIS_URL, QUEUE_PREFIX, SHOPIFY_API_SECRET).
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { startWebhookEndpoint } from "./app-webhook-server";

const endpoint = await startWebhookEndpoint();
process.stdout.write(`${JSON.stringify({ url: endpoint.url })}\n`);
process.on("SIGTERM", () => {
  void (async () => {
    await endpoint.close();
    await queues().close();
    await prisma.$disconnect();
    process.exit(0);
  })();
});
