import { createHash, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { NOTIFICATION_KEY_HEADER, notificationKey } from "~/channels/notifications.server";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { action, loader } from "./notifications.$channelId";

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

describe("GET /notifications/:channelId: eBay validating the endpoint before it sends there", () => {
  /** hex SHA-256 of challenge code + verification token (the channel's notification key) + the endpoint's public URL, as eBay computes it. */
  const expected = (code: string, channelId: string) =>
    createHash("sha256")
      .update(code + notificationKey(channelId) + `https://anchorline.test/notifications/${channelId}`)
      .digest("hex");
  const get = (channelId: string, query: string) =>
    loader({ request: new Request(`http://10.0.0.7:3000/notifications/${channelId}${query}`), params: { channelId }, context: {} });

  it("given an eBay channel, when challenged twice, then each answer is the hash of its own code, the channel's key and its public URL, as JSON", async () => {
    const { channels } = await seedShopWithEveryModel(prisma);

    const first = await get(channels.ebay.id, "?challenge_code=a8628072-3d33-45ee-9004-bee86830a22d");
    const second = await get(channels.ebay.id, "?challenge_code=71745723-d031-455c-bfa5-f90d11b4f20a");

    expect(first.headers.get("content-type")).toContain("application/json");
    expect(await first.json()).toEqual({ challengeResponse: expected("a8628072-3d33-45ee-9004-bee86830a22d", channels.ebay.id) });
    expect(await second.json()).toEqual({ challengeResponse: expected("71745723-d031-455c-bfa5-f90d11b4f20a", channels.ebay.id) });
  });

  it("given no challenge code, a marketplace that sends none (Amazon), an unknown or a disconnected channel, when challenged, then 400, 404, 404 and 404: no answer to prove anything with", async () => {
    const { channels } = await seedShopWithEveryModel(prisma);
    const disconnected = await prisma.channel.update({ where: { id: channels.ebay.id }, data: { status: "DISCONNECTED" } });

    const answers = [
      await get(channels.amazon.id, "?challenge_code=abc"),
      await get(randomUUID(), "?challenge_code=abc"),
      await get(disconnected.id, "?challenge_code=abc"),
    ];
    await prisma.channel.update({ where: { id: channels.ebay.id }, data: { status: "CONNECTED" } });
    const noCode = await get(channels.ebay.id, "");

    expect(answers.map((a) => a.status)).toEqual([404, 404, 404]);
    expect(noCode.status).toBe(400);
  });

  it("given an eBay channel, when a notification comes without X-EBAY-SIGNATURE, then 401 before its body is read and nothing is queued", async () => {
    const { channels } = await seedShopWithEveryModel(prisma);
    const body = streamedBody(100 * 1024 * 1024);
    const queued = async () =>
      (await queues()["order-import"].getJobs(["waiting", "prioritized", "delayed"])).filter((j) => j.data.channelId === channels.ebay.id);

    const response = await action({
      request: new Request(`https://anchorline.test/notifications/${channels.ebay.id}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: body.stream,
        duplex: "half",
      } as RequestInit),
      params: { channelId: channels.ebay.id },
      context: {},
    });

    expect(response.status).toBe(401);
    expect(body.pulled()).toBeLessThanOrEqual(CHUNK);
    expect(await queued()).toEqual([]);
  });
});
