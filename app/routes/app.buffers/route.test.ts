import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { ensureStoreChannel } from "~/channels/store-channel.server";
import { action, type BuffersActionResult, loader } from "./route";

afterAll(async () => {
  await queues().close();
});

const args = (request: Request) => ({ request, params: {}, context: {} });
type Answer = { data: BuffersActionResult; init: { status: number } | null };

async function shopInSession() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  return seeded;
}

async function post(domain: string, form: Record<string, string>): Promise<Answer> {
  return (await action(args(await adminRequest(domain, "/app/buffers", { form })))) as unknown as Answer;
}

describe("the Buffers and throttling screen", () => {
  it("shows each channel's throttling settings with the marketplace's default risk multiplier, and the rules by what they apply to", async () => {
    const { shop } = await shopInSession();
    const page = await loader(args(await adminRequest(shop.domain, "/app/buffers")));
    expect(page.channels.map((c) => [c.name, c.priority, c.defaultRiskMultiplier, c.riskMultiplier])).toEqual([
      ["Amazon US", 1, 1.5, null],
      ["eBay US", 2, 1.2, null],
    ]);
    expect(page.rules).toEqual([
      expect.objectContaining({ channelName: "Amazon US", target: "every listing", kind: "velocity", leadTimeDays: 2, safetyStock: 4 }),
    ]);
  });

  it("given the shop's store channel (the anchor, with no listings), when the screen loads, then it has no throttling row; a buffer rule for it is refused on its channel, and its settings as not found, with nothing saved", async () => {
    const { shop } = await shopInSession();
    const store = await ensureStoreChannel(prisma, shop.id);
    const page = await loader(args(await adminRequest(shop.domain, "/app/buffers")));
    expect(page.channels.map((c) => c.name)).toEqual(["Amazon US", "eBay US"]);
    const rule = await post(shop.domain, { intent: "save", channelId: store.id, scope: "channel", kind: "fixed", units: "2" });
    expect(rule.init?.status).toBe(400);
    expect(rule.data.errors).toEqual({ channelId: "Buffers are for marketplace channels; the Shopify store is the anchor" });
    const settings = await post(shop.domain, { intent: "channel", channelId: store.id, priority: "1", lowStockThreshold: "3" });
    expect(settings.init?.status).toBe(404);
    expect(await prisma.bufferRule.count({ where: { shopId: shop.id, channelId: store.id } })).toBe(0);
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: store.id } })).priority).toBe(1000);
  });

  it("previews a variant rule with the engine before saving: Amazon's 5 (12 in stock less its velocity buffer of 7, counting eBay's sale) becomes 10 with a 2-unit buffer", async () => {
    const { shop, channels, listing } = await shopInSession();
    const answer = await post(shop.domain, {
      intent: "preview",
      channelId: channels.amazon.id,
      scope: "variant",
      scopeRef: "KET-RED",
      kind: "fixed",
      units: "2",
    });
    expect(answer.data.ok).toBe(true);
    expect(answer.data.preview?.affected).toBe(1);
    expect(answer.data.preview?.rows).toEqual([expect.objectContaining({ listingId: listing.id, channelName: "Amazon US", before: 5, after: 10 })]);
    expect(answer.data.preview?.rows[0].explanationAfter).toContain("buffer: -2 units");
    // A preview saves nothing
    expect(await prisma.bufferRule.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("saves the rule against the variant's id, marks the channel's listings stale and records who did it", async () => {
    const { shop, channels, listing, variant } = await shopInSession();
    const answer = await post(shop.domain, {
      intent: "save",
      channelId: channels.amazon.id,
      scope: "variant",
      scopeRef: "KET-RED",
      kind: "percent",
      percent: "25",
      lowStockThreshold: "3",
    });
    expect(answer.data).toMatchObject({ ok: true });
    const rule = await prisma.bufferRule.findFirstOrThrow({ where: { shopId: shop.id, scope: "VARIANT" } });
    expect(rule).toMatchObject({ scopeValue: variant.id, kind: "PERCENT", percentBps: 2500, lowStockThreshold: 3, units: null });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "buffer_rule.created", subjectId: rule.id } })).toBe(1);
    const page = await loader(args(await adminRequest(shop.domain, "/app/buffers")));
    expect(page.rules.map((r) => r.target)).toContain("variant KET-RED");
  });

  it("refuses a negative buffer with the engine's message on the field, and saves nothing", async () => {
    const { shop, channels } = await shopInSession();
    const answer = await post(shop.domain, { intent: "save", channelId: channels.ebay.id, scope: "channel", kind: "fixed", units: "-3" });
    expect(answer.init?.status).toBe(400);
    expect(answer.data.errors.units).toBe("Buffer units must be between 0 and 1,000,000");
    const percent = await post(shop.domain, { intent: "preview", channelId: channels.ebay.id, scope: "channel", kind: "percent", percent: "120" });
    expect(percent.data.errors.percent).toBe("Buffer percent must be between 0% and 100%");
    expect(await prisma.bufferRule.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("says on the target field when a SKU names no variant of this shop", async () => {
    const mine = await shopInSession();
    const theirs = await seedShopWithEveryModel(prisma);
    await prisma.variant.update({ where: { id: theirs.variant.id }, data: { sku: "THEIRS-ONLY" } });
    const answer = await post(mine.shop.domain, { intent: "save", scope: "variant", scopeRef: "THEIRS-ONLY", kind: "fixed", units: "1" });
    expect(answer.init?.status).toBe(400);
    expect(answer.data.errors.scopeRef).toBe('No variant sku "THEIRS-ONLY" in this shop');
  });

  it("saves a channel's priority, risk multiplier and low-stock threshold, and refuses a fractional priority on its field", async () => {
    const { shop, channels, listing } = await shopInSession();
    const bad = await post(shop.domain, {
      intent: "channel",
      channelId: channels.ebay.id,
      priority: "2.5",
      riskMultiplier: "0",
      lowStockThreshold: "4",
      untrackedQuantity: "0",
    });
    expect(bad.init?.status).toBe(400);
    expect(bad.data.errors).toMatchObject({ priority: "Priority must be a whole number", riskMultiplier: "Risk multiplier must be between 0.01 and 10" });

    const good = await post(shop.domain, {
      intent: "channel",
      channelId: channels.ebay.id,
      priority: "5",
      riskMultiplier: "2",
      lowStockThreshold: "4",
      untrackedQuantity: "10",
    });
    expect(good.data.ok).toBe(true);
    const ebay = await prisma.channel.findUniqueOrThrow({ where: { id: channels.ebay.id } });
    expect([ebay.priority, ebay.settings]).toEqual([5, { riskMultiplier: 2, lowStockThreshold: 4, untrackedQuantity: 10 }]);
    // Throttling order changes who keeps the last units on every channel
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
  });

  it("given absurd numbers for a channel (priority -1 or 1e12, risk multiplier 1e308, untracked quantity 1e15), when saved, then each is refused on its field with its range and the channel is left as it was", async () => {
    const { shop, channels } = await shopInSession();
    const before = await prisma.channel.findUniqueOrThrow({ where: { id: channels.ebay.id } });
    const absurd = await post(shop.domain, {
      intent: "channel",
      channelId: channels.ebay.id,
      priority: "-1",
      riskMultiplier: "1e308",
      lowStockThreshold: "1e15",
      untrackedQuantity: "1e15",
    });
    expect(absurd.init?.status).toBe(400);
    expect(absurd.data.errors).toEqual({
      priority: "Priority must be between 1 and 1,000",
      riskMultiplier: "Risk multiplier must be between 0.01 and 10",
      lowStockThreshold: "Low-stock threshold must be between 0 and 1,000,000",
      untrackedQuantity: "Untracked quantity must be between 0 and 1,000,000",
    });
    // Beyond PostgreSQL's Int: a field message, not a 500
    const huge = await post(shop.domain, { intent: "channel", channelId: channels.ebay.id, priority: "1e12" });
    expect([huge.init?.status, huge.data.errors.priority]).toEqual([400, "Priority must be between 1 and 1,000"]);
    expect(await prisma.channel.findUniqueOrThrow({ where: { id: channels.ebay.id } })).toEqual(before);

    const highest = await post(shop.domain, {
      intent: "channel",
      channelId: channels.ebay.id,
      priority: "1000",
      riskMultiplier: "10",
      lowStockThreshold: "1000000",
      untrackedQuantity: "1000000",
    });
    expect(highest.data.ok).toBe(true);
    const ebay = await prisma.channel.findUniqueOrThrow({ where: { id: channels.ebay.id } });
    expect([ebay.priority, ebay.settings]).toEqual([1000, { riskMultiplier: 10, lowStockThreshold: 1_000_000, untrackedQuantity: 1_000_000 }]);
  });

  it("given absurd numbers in a buffer rule (lead time 1e9 days, risk multiplier 1e308, units and threshold 1e12), when previewed or saved, then each is refused on its field with its range and no rule is saved", async () => {
    const { shop, channels } = await shopInSession();
    const velocity = { intent: "save", channelId: channels.ebay.id, scope: "channel", kind: "velocity" };
    const lead = await post(shop.domain, { ...velocity, leadTimeDays: "1e9", safetyStock: "1e12", riskMultiplier: "1e308", lowStockThreshold: "1e12" });
    expect(lead.init?.status).toBe(400);
    expect(lead.data.errors).toEqual({
      leadTimeDays: "Lead time (days) must be between 0 and 365",
      safetyStock: "Safety stock must be between 0 and 1,000,000",
      riskMultiplier: "Risk multiplier must be between 0.01 and 10",
      lowStockThreshold: "Low-stock threshold must be between 0 and 1,000,000",
    });
    const units = await post(shop.domain, { intent: "preview", channelId: channels.ebay.id, scope: "channel", kind: "fixed", units: "1e12" });
    expect([units.init?.status, units.data.errors.units]).toEqual([400, "Buffer units must be between 0 and 1,000,000"]);
    expect(await prisma.bufferRule.count({ where: { shopId: shop.id } })).toBe(1);

    const longest = await post(shop.domain, { ...velocity, leadTimeDays: "365", safetyStock: "1000000", riskMultiplier: "10" });
    expect(longest.data.ok).toBe(true);
    expect(await prisma.bufferRule.findFirstOrThrow({ where: { shopId: shop.id, channelId: channels.ebay.id } })).toMatchObject({ safetyStock: 1_000_000 });
  });

  it("refuses another shop's channel and rule ids and changes nothing", async () => {
    const mine = await shopInSession();
    const theirs = await seedShopWithEveryModel(prisma);
    const theirRule = await prisma.bufferRule.findFirstOrThrow({ where: { shopId: theirs.shop.id } });
    expect((await post(mine.shop.domain, { intent: "delete", ruleId: theirRule.id })).init?.status).toBe(404);
    expect((await post(mine.shop.domain, { intent: "save", ruleId: theirRule.id, scope: "channel", kind: "fixed", units: "1" })).init?.status).toBe(404);
    expect((await post(mine.shop.domain, { intent: "channel", channelId: theirs.channels.amazon.id, priority: "9" })).init?.status).toBe(404);
    expect(await prisma.bufferRule.findUnique({ where: { id: theirRule.id } })).toMatchObject({ kind: "VELOCITY" });
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: theirs.channels.amazon.id } })).priority).toBe(1);
  });

  it("deletes a rule of its own shop", async () => {
    const { shop } = await shopInSession();
    const rule = await prisma.bufferRule.findFirstOrThrow({ where: { shopId: shop.id } });
    expect((await post(shop.domain, { intent: "delete", ruleId: rule.id })).data.ok).toBe(true);
    expect(await prisma.bufferRule.count({ where: { shopId: shop.id } })).toBe(0);
  });
});

describe("the sales velocity setting on the Buffers screen", () => {
  it("given a window of 0, 400 or 'two weeks', when saved, then each is refused on the velocity window field naming it, and nothing is saved", async () => {
    const { shop } = await shopInSession();
    await prisma.shop.update({ where: { id: shop.id }, data: { settings: { timeZone: "Europe/Berlin" } } });
    for (const typed of ["0", "400", "two weeks", ""]) {
      const answer = await post(shop.domain, { intent: "velocity", velocityWindowDays: typed });
      expect(answer.init?.status).toBe(400);
      expect(answer.data.errors.velocityWindowDays).toMatch(/Velocity window \(days\)/);
    }
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).settings).toEqual({ timeZone: "Europe/Berlin" });
  });

  it("given the kettle sold in the store 20 days ago under Amazon's velocity buffer, when the merchant sets a 14-day window, then it is saved beside the other settings, the kettle's Amazon listing is recomputed, and the screen says what velocity counts and when it last ran", async () => {
    const { shop, listing, variant } = await shopInSession();
    await prisma.shop.update({ where: { id: shop.id }, data: { settings: { timeZone: "Europe/Berlin" } } });
    // Its velocity never ran on schedule (the seeded shop holds a run of its own).
    await prisma.velocityRun.deleteMany({ where: { shopId: shop.id } });
    await prisma.sale.create({
      data: { shopId: shop.id, variantId: variant.id, channelId: null, quantity: 3, soldAt: new Date(Date.now() - 20 * 86_400_000), sourceKey: "store-1" },
    });
    await prisma.listing.update({ where: { id: listing.id }, data: { staleSince: null } });

    const answer = await post(shop.domain, { intent: "velocity", velocityWindowDays: "14" });
    expect(answer.data).toMatchObject({ ok: true, message: "Velocity window saved; velocity buffers are being recomputed" });
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).settings).toEqual({ timeZone: "Europe/Berlin", velocityWindowDays: 14 });
    // The sale left the new window (it was in the default 28 days'): the buffer moves.
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).toBeInstanceOf(Date);
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "velocity.window_changed" } })).toBe(1);

    const page = await loader(args(await adminRequest(shop.domain, "/app/buffers")));
    expect(page.velocity).toMatchObject({
      windowDays: 14,
      halfLifeDays: 3.5,
      counts: "every unit sold in the Shopify store and on every channel",
      timeZone: "Europe/Berlin",
      localHour: 3,
      lastRun: null,
    });
    await prisma.velocityRun.create({
      data: {
        shopId: shop.id,
        day: "2026-12-05",
        startedAt: new Date("2026-12-05T02:00:00Z"),
        finishedAt: new Date("2026-12-05T02:00:07Z"),
        variants: 1,
        listings: 1,
      },
    });
    const after = await loader(args(await adminRequest(shop.domain, "/app/buffers")));
    expect(after.velocity.lastRun).toEqual({ at: "2026-12-05T03:00:07", variants: 1, listings: 1 });
  });
});
