import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { MAX_WEBHOOK_BODY_BYTES } from "~/webhooks/request";
import { triggeredAtHeader } from "../../simulators/shopify/webhooks";
import { signedWebhookRequest, uniqueShopDomain } from "../../test/factories";
import { action } from "./webhooks";

/** The route's answer; a Response it throws (Remix answers those as they are) counts as answered. */
const call = (request: Request) => action({ request, params: {}, context: {} }).catch((thrown: unknown) => thrown as Response);

/** A request body streamed in 64 KiB chunks as it is read, counting what the reader pulled. */
function streamedBody(totalBytes: number) {
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= totalBytes) return controller.close();
      const size = Math.min(chunk.byteLength, totalBytes - pulled);
      pulled += size;
      controller.enqueue(chunk.subarray(0, size));
    },
  });
  return { stream, pulled: () => pulled };
}

/** A signed delivery with its headers changed as `edit` says (headers are not signed). */
function withHeaders(request: Request, edit: (headers: Headers) => void): Request {
  const headers = new Headers(request.headers);
  edit(headers);
  return new Request(request, { headers });
}

const inventoryUpdate = (itemId: string) => `{"inventory_item_id":${itemId},"location_id":905684977,"available":6,"updated_at":"2026-11-22T10:00:00-05:00"}`;

afterAll(async () => {
  await queues().close();
});

describe("POST /webhooks", () => {
  it("stores and queues a signed delivery exactly once, even when Shopify delivers it twice", async () => {
    // Given a signed inventory_levels/update delivery
    const shop = uniqueShopDomain();
    const webhookId = randomUUID();
    const triggeredAt = "2026-11-22T15:00:00.123Z";
    const deliver = () =>
      call(signedWebhookRequest({ topic: "inventory_levels/update", shop, webhookId, triggeredAt, body: inventoryUpdate("271878346596884015") }));

    // When it arrives twice (Shopify retries when it misses our answer)
    const before = Date.now();
    const first = await deliver();
    const second = await deliver();
    const after = Date.now();

    // Then the stored row has Shopify's headers, and both instants read back as they happened
    const stored = await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } });
    expect(stored).toMatchObject({
      shopDomain: shop,
      topic: "INVENTORY_LEVELS_UPDATE",
      apiVersion: "2026-10",
      state: "QUEUED",
      triggeredAt: new Date(triggeredAt),
    });
    expect(stored.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(stored.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(stored.receivedAt.getTime()).toBeLessThanOrEqual(after + 1000);

    // Then both are acknowledged, one row is stored and one job is queued
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await prisma.webhookDelivery.count({ where: { webhookId } })).toBe(1);
    const jobs = await queues().webhooks.getJobs(["waiting", "active", "delayed", "completed"]);
    expect(jobs.filter((job) => job.data.webhookId === webhookId)).toHaveLength(1);
  });

  it("keeps inventory item ids above 2^53 exact", async () => {
    // Given an id that JSON.parse would round (2^63 - 1)
    const shop = uniqueShopDomain();
    const webhookId = randomUUID();
    // When it is delivered
    await call(signedWebhookRequest({ topic: "inventory_levels/update", shop, webhookId, body: inventoryUpdate("9223372036854775807") }));
    // Then the stored payload has the id to the last digit
    const stored = await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } });
    expect((stored.payload as { inventory_item_id: unknown }).inventory_item_id).toBe("9223372036854775807");
    expect(stored.topic).toBe("INVENTORY_LEVELS_UPDATE");
    expect(stored.shopDomain).toBe(shop);
  });

  it("answers 401 to a delivery signed with another secret and stores nothing", async () => {
    // Given a delivery whose HMAC was made with a secret that is not ours
    const webhookId = randomUUID();
    const request = signedWebhookRequest({
      topic: "inventory_levels/update",
      shop: uniqueShopDomain(),
      webhookId,
      secret: "not-our-secret",
      body: inventoryUpdate("1"),
    });
    // When it arrives, then it is refused and nothing is stored
    const response = await call(request);
    expect(response.status).toBe(401);
    expect(await prisma.webhookDelivery.count({ where: { webhookId } })).toBe(0);
  });

  it("answers 400 to a signed body that is not JSON and stores nothing", async () => {
    const webhookId = randomUUID();
    const response = await call(
      signedWebhookRequest({ topic: "inventory_levels/update", shop: uniqueShopDomain(), webhookId, body: '{"inventory_item_id": 1,' }),
    );
    expect(response.status).toBe(400);
    expect(await prisma.webhookDelivery.count({ where: { webhookId } })).toBe(0);
  });

  it("answers 400 to a payload that lacks the topic's fields, says which, and stores nothing", async () => {
    // Given an inventory update without a location
    const webhookId = randomUUID();
    const body = JSON.stringify({ inventory_item_id: 1, available: 3, updated_at: "2026-11-22T10:00:00Z" });
    // When it arrives
    const response = await call(signedWebhookRequest({ topic: "inventory_levels/update", shop: uniqueShopDomain(), webhookId, body }));
    // Then it is refused, the reason names the field, and nothing is stored or queued
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("location_id");
    expect(await prisma.webhookDelivery.count({ where: { webhookId } })).toBe(0);
    expect(await queues().webhooks.getJob(webhookId)).toBeUndefined();
  });

  it("given Shopify's own header formats (nine fractional digits, an offset), when a delivery arrives, then it is stored", async () => {
    const webhookId = randomUUID();
    const triggeredAt = triggeredAtHeader(1_795_359_600_123_456_789n);
    const response = await call(
      signedWebhookRequest({ topic: "inventory_levels/update", shop: uniqueShopDomain(), webhookId, triggeredAt, body: inventoryUpdate("7") }),
    );
    expect(response.status).toBe(200);
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } })).triggeredAt).toEqual(new Date("2026-11-22T15:00:00.123Z"));
  });
});

describe("POST /webhooks: a delivery that can never succeed is answered 4xx with the reason, never 5xx", () => {
  it("given a malformed X-Shopify-Triggered-At, when the delivery arrives, then it is answered 400 naming the header, and nothing is stored", async () => {
    for (const triggeredAt of ["yesterday", "2026-02-30T10:00:00Z", "2026-11-22 10:00:00", "0000-01-01T00:00:00Z"]) {
      const webhookId = randomUUID();
      const response = await call(
        signedWebhookRequest({ topic: "inventory_levels/update", shop: uniqueShopDomain(), webhookId, triggeredAt, body: inventoryUpdate("1") }),
      );
      expect(response.status, triggeredAt).toBe(400);
      expect(await response.text(), triggeredAt).toContain("x-shopify-triggered-at");
      expect(await prisma.webhookDelivery.count({ where: { webhookId } })).toBe(0);
    }
  });

  it("given a shop domain header that is not a *.myshopify.com domain, when the delivery arrives, then it is answered 400 naming the header, and nothing is stored", async () => {
    for (const shop of ["shop.example.com", "shop.myshopify.com.example.com", "https://shop.myshopify.com", `${"a".repeat(64)}.myshopify.com`, ""]) {
      const webhookId = randomUUID();
      const response = await call(signedWebhookRequest({ topic: "inventory_levels/update", shop, webhookId, body: inventoryUpdate("1") }));
      expect(response.status, shop).toBe(400);
      expect(await response.text(), shop).toContain("x-shopify-shop-domain");
      expect(await prisma.webhookDelivery.count({ where: { webhookId } })).toBe(0);
    }
  });

  it("given a webhook id longer than an index can hold, when the delivery arrives, then it is answered 400 naming the header", async () => {
    // 4,000 random characters: PostgreSQL's B-tree refuses an entry past 2,704 bytes once compressed
    const webhookId = randomBytes(3_000).toString("base64url");
    const response = await call(signedWebhookRequest({ topic: "inventory_levels/update", shop: uniqueShopDomain(), webhookId, body: inventoryUpdate("1") }));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("x-shopify-webhook-id");
  });

  it("given a signed payload with a field the mirror cannot store, when it arrives, then it is answered 400 naming the field, and nothing is stored or queued", async () => {
    const level = { inventory_item_id: 1, location_id: 2, available: 6, updated_at: "2026-11-22T10:00:00-05:00" };
    const product = { id: 3, title: "Kettle", status: "active", variants: [{ id: 4, price: "19.99" }] };
    const cases: Array<{ topic: string; body: string; field: string }> = [
      // PostgreSQL's jsonb holds no NUL character
      { topic: "products/update", body: JSON.stringify({ ...product, title: "Kettle\u0000" }), field: "not storable" },
      { topic: "inventory_levels/update", body: JSON.stringify({ ...level, available: 3_000_000_000 }), field: "available" },
      { topic: "inventory_levels/update", body: JSON.stringify({ ...level, updated_at: "soon" }), field: "updated_at" },
      { topic: "products/update", body: JSON.stringify({ ...product, variants: [{ id: 4, price: "free" }] }), field: "variants.0.price" },
      { topic: "products/update", body: JSON.stringify({ ...product, variants: [{ id: 4, price: "99999999.99" }] }), field: "variants.0.price" },
      { topic: "orders/create", body: JSON.stringify({ id: 5, created_at: "today", line_items: [] }), field: "created_at" },
    ];
    for (const { topic, body, field } of cases) {
      const webhookId = randomUUID();
      const response = await call(signedWebhookRequest({ topic, shop: uniqueShopDomain(), webhookId, body }));
      expect(response.status, body).toBe(400);
      expect(await response.text(), body).toContain(field);
      expect(await prisma.webhookDelivery.count({ where: { webhookId } })).toBe(0);
      expect(await queues().webhooks.getJob(webhookId)).toBeUndefined();
    }
  });

  it("given a non-POST request, when it arrives, then it is answered 405", async () => {
    const response = await call(new Request("https://anchorline.test/webhooks", { method: "GET" }));
    expect(response.status).toBe(405);
  });
});

describe("POST /webhooks: the body is capped before the signature is checked", () => {
  it("given a forged 100 MB body, when it is posted, then it is answered 413 after reading no more than the cap, and nothing is stored", async () => {
    // Given a body far larger than any Shopify payload, with a made-up signature
    const webhookId = randomUUID();
    const body = streamedBody(100 * 1024 * 1024);
    const forged = withHeaders(signedWebhookRequest({ topic: "products/update", shop: uniqueShopDomain(), webhookId, body: "{}" }), (h) => {
      h.set("x-shopify-hmac-sha256", "Zm9yZ2Vk");
      h.delete("content-length");
    });
    // When it is posted
    const response = await call(new Request(forged.url, { method: "POST", headers: forged.headers, body: body.stream, duplex: "half" } as RequestInit));
    // Then it is refused as too large, having read the cap and a chunk or two, not 100 MB
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
    expect(body.pulled()).toBeLessThanOrEqual(MAX_WEBHOOK_BODY_BYTES + 2 * 64 * 1024);
    expect(await prisma.webhookDelivery.count({ where: { webhookId } })).toBe(0);
  });

  it("given a body that declares a Content-Length over the cap, when it is posted, then it is answered 413 without reading a byte", async () => {
    const body = streamedBody(MAX_WEBHOOK_BODY_BYTES + 1);
    const request = signedWebhookRequest({ topic: "products/update", shop: uniqueShopDomain(), body: "{}" });
    const headers = new Headers(request.headers);
    headers.set("content-length", String(MAX_WEBHOOK_BODY_BYTES + 1));
    const response = await call(new Request(request.url, { method: "POST", headers, body: body.stream, duplex: "half" } as RequestInit));
    expect(response.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(64 * 1024);
  });

  it("given a signed products/update of 3 MB (a long description), when it arrives, then it is stored: the cap is far above a real payload", async () => {
    const webhookId = randomUUID();
    const body = JSON.stringify({ id: 6, title: "Kettle", status: "active", body_html: `<p>${"x".repeat(3 * 1024 * 1024)}</p>`, variants: [{ id: 7 }] });
    const response = await call(signedWebhookRequest({ topic: "products/update", shop: uniqueShopDomain(), webhookId, body }));
    expect(response.status).toBe(200);
    expect(await prisma.webhookDelivery.count({ where: { webhookId } })).toBe(1);
  });
});
