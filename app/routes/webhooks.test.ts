import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { signedWebhookRequest, uniqueShopDomain } from "../../test/factories";
import { action } from "./webhooks";

const call = (request: Request) => action({ request, params: {}, context: {} });

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
    const response = await call(request).catch((thrown: unknown) => thrown as Response);
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
});
