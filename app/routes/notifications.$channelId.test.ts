import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { NOTIFICATION_KEY_HEADER, notificationKey } from "~/channels/notifications.server";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { action } from "./notifications.$channelId";

afterAll(async () => {
  await queues().close();
});

const CHUNK = 64 * 1024;

/** A request body streamed in 64 KiB chunks as it is read, counting what the reader pulled. */
function streamedBody(totalBytes: number) {
  const chunk = new Uint8Array(CHUNK).fill(0x61);
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= totalBytes) return controller.close();
      const size = Math.min(CHUNK, totalBytes - pulled);
      pulled += size;
      controller.enqueue(chunk.subarray(0, size));
    },
  });
  return { stream, pulled: () => pulled };
}

function post(channelId: string, key: string, body: ReadableStream<Uint8Array>) {
  const request = new Request(`https://anchorline.test/notifications/${channelId}`, {
    method: "POST",
    headers: { [NOTIFICATION_KEY_HEADER]: key, "content-type": "application/json" },
    body,
    duplex: "half",
  } as RequestInit);
  return action({ request, params: { channelId }, context: {} }).catch((thrown: unknown) => thrown as Response);
}

describe("POST /notifications/:channelId: the body of a notification nobody has vouched for is never read whole", () => {
  it("given a 100 MB body with a wrong key, when it is posted, then it is answered 401 without its body being read", async () => {
    const channelId = randomUUID();
    const body = streamedBody(100 * 1024 * 1024);
    const response = await post(channelId, "not-the-key", body.stream);
    expect(response.status).toBe(401);
    // The stream fills its own one-chunk buffer when it is made; the route read nothing more
    expect(body.pulled()).toBeLessThanOrEqual(CHUNK);
  });

  it("given a 100 MB body with the channel's key, when it is posted, then it is answered 413 after reading no more than the cap", async () => {
    const channelId = (await seedShopWithEveryModel(prisma)).channels.amazon.id;
    const body = streamedBody(100 * 1024 * 1024);
    const response = await post(channelId, notificationKey(channelId), body.stream);
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
    expect(body.pulled()).toBeLessThanOrEqual(2 * 1024 * 1024 + 2 * CHUNK);
  });
});
