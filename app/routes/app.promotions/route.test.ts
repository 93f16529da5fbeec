import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import type { StoredChecklist } from "./promotions.server";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { action, loader, type PromotionsActionResult } from "./route";

afterAll(async () => {
  await queues().close();
});

const args = (request: Request) => ({ request, params: {}, context: {} });
type Answer = { data: PromotionsActionResult; init: { status: number } | null };

async function shopInSession() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  const promotion = await prisma.promotion.findFirstOrThrow({ where: { shopId: seeded.shop.id } });
  return { ...seeded, promotion };
}

async function post(domain: string, form: Record<string, string | string[]>): Promise<Answer> {
  return (await action(args(await adminRequest(domain, "/app/promotions", { form })))) as unknown as Answer;
}

/** A draft as the create form sends it: 10 % off KET-RED on these channels, 1-2 March 2030 unless told otherwise. */
function draftForm(channelIds: string[], overrides: Record<string, string> = {}): Record<string, string | string[]> {
  const form = {
    intent: "create",
    name: "Spring",
    startsAt: "2030-03-01T00:00",
    endsAt: "2030-03-02T00:00",
    discountKind: "percent",
    discountValue: "10",
    skus: "KET-RED",
  };
  return { ...form, channelIds, ...overrides };
}

/** eBay (in the promotion) and Amazon (watching eBay's price) both show 49.99: 20% off on eBay breaks parity. */
async function parityAtRisk(seeded: Awaited<ReturnType<typeof shopInSession>>) {
  await prisma.listing.update({ where: { id: seeded.listing.id }, data: { pushedPriceCents: 4999 } });
  await listedOnEbay(seeded);
}

/** The kettle listed on eBay (the promotion's channel) at 49.99, offering 20. */
async function listedOnEbay(seeded: Awaited<ReturnType<typeof shopInSession>>) {
  await prisma.listing.create({
    data: {
      shopId: seeded.shop.id,
      channelId: seeded.channels.ebay.id,
      variantId: seeded.variant.id,
      channelSku: "KET-RED-EB",
      desiredQuantity: 20,
      pushedPriceCents: 4999,
    },
  });
}

describe("the Promotions screen", () => {
  it("creates a draft with its channels and variants, and says on each field what is wrong", async () => {
    const { shop, channels, variant } = await shopInSession();
    const bad = await post(shop.domain, {
      intent: "create",
      name: "Spring",
      startsAt: "2030-03-02T00:00",
      endsAt: "2030-03-01T00:00",
      channelIds: [channels.ebay.id],
      discountKind: "percent",
      discountValue: "150",
      skus: "",
    });
    expect(bad.init?.status).toBe(400);
    expect(bad.data.errors).toMatchObject({
      endsAt: "End must be after the start",
      discountValue: "Discount must be between 0% and 100%",
      skus: "Name at least one variant SKU",
    });
    const noChannel = await post(shop.domain, draftForm([], { skus: "KET-RED, NOPE" }));
    expect(noChannel.data.errors).toMatchObject({ channelIds: "Choose at least one channel", skus: 'No variant with SKU "NOPE" in this shop' });

    const good = await post(shop.domain, {
      intent: "create",
      name: "Spring",
      startsAt: "2030-03-01T00:00",
      endsAt: "2030-03-03T00:00",
      channelIds: [channels.ebay.id],
      discountKind: "amount",
      discountValue: "5",
      uplift: "1.5",
      reserveUnits: "3",
      skus: "KET-RED",
      exclusiveReserve: "on",
    });
    expect(good.data.ok).toBe(true);
    const stored = await prisma.promotion.findUniqueOrThrow({ where: { id: good.data.promotionId }, include: { channels: true, variants: true } });
    expect(stored).toMatchObject({
      status: "DRAFT",
      discountKind: "AMOUNT",
      discountValue: 500,
      upliftBps: 15000,
      reserveUnits: 3,
      exclusiveReserve: true,
      autoPause: { mode: "none", throttleUnits: null, channelIds: [] },
    });
    expect(stored.startsAt.toISOString()).toBe("2030-03-01T00:00:00.000Z");
    expect(stored.channels.map((c) => c.channelId)).toEqual([channels.ebay.id]);
    expect(stored.variants.map((v) => v.variantId)).toEqual([variant.id]);
  });

  it("blocks the launch while the checklist fails, with the engine's verdict shown", async () => {
    const seeded = await shopInSession();
    await parityAtRisk(seeded);
    const checked = await post(seeded.shop.domain, { intent: "checklist", promotionId: seeded.promotion.id });
    expect(checked.data.message).toBe("Checklist failed: 1 issue");
    expect(checked.data.tone).toBe("warning");
    const page = await loader(args(await adminRequest(seeded.shop.domain, "/app/promotions")));
    const shown = page.promotions.find((p) => p.id === seeded.promotion.id)!;
    expect(shown.checklist?.verdict).toBe("fail");
    expect(shown.checklist?.items.find((i) => i.check === "parity")).toMatchObject({
      status: "fail",
      text: "KET-RED: eBay US shows 39.99, 10.00 under Amazon US's 49.99 (tolerance 0.00)",
    });

    const refused = await post(seeded.shop.domain, { intent: "launch", promotionId: seeded.promotion.id });
    expect(refused.init?.status).toBe(409);
    expect(refused.data.errors.form).toContain("Checklist failed: KET-RED: eBay US shows 39.99");
    const noReason = await post(seeded.shop.domain, { intent: "launch", promotionId: seeded.promotion.id, override: "on", overrideReason: " " });
    expect(noReason.data.errors.overrideReason).toBe("Give a reason to launch despite the checklist");
    expect((await prisma.promotion.findUniqueOrThrow({ where: { id: seeded.promotion.id } })).status).toBe("DRAFT");
  });

  it("launches on an override with a reason, kept on the promotion and in the audit, and recomputes its variant", async () => {
    const seeded = await shopInSession();
    await parityAtRisk(seeded);
    const launched = await post(seeded.shop.domain, {
      intent: "launch",
      promotionId: seeded.promotion.id,
      override: "on",
      overrideReason: "Amazon listing is paused over the sale",
    });
    expect(launched.data.ok).toBe(true);
    const after = await prisma.promotion.findUniqueOrThrow({ where: { id: seeded.promotion.id } });
    expect(after.status).toBe(after.startsAt.getTime() <= Date.now() ? "RUNNING" : "READY");
    expect(after.overriddenBy).toMatch(/^merchant:/);
    expect((after.checklist as unknown as StoredChecklist).override?.reason).toBe("Amazon listing is paused over the sale");
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { shopId: seeded.shop.id, action: "promotion.launched_with_override" } });
    expect(audit.details).toMatchObject({ overrideReason: "Amazon listing is paused over the sale", verdict: "fail" });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: seeded.listing.id } })).staleSince).not.toBeNull();
  });

  it("launches a passing promotion without an override, then ends it with what it sold", async () => {
    const { shop, promotion } = await shopInSession();
    const launched = await post(shop.domain, { intent: "launch", promotionId: promotion.id });
    expect(launched.data.message).toContain("Checklist passed");
    expect((await prisma.promotion.findUniqueOrThrow({ where: { id: promotion.id } })).overriddenBy).toBeNull();
    // A launched promotion cannot be launched twice
    expect((await post(shop.domain, { intent: "launch", promotionId: promotion.id })).init?.status).toBe(409);

    expect((await post(shop.domain, { intent: "end", promotionId: promotion.id })).data.ok).toBe(true);
    const ended = await prisma.promotion.findUniqueOrThrow({ where: { id: promotion.id } });
    expect(ended.status).toBe("ENDED");
    expect(ended.results).toMatchObject({ unitsSold: expect.any(Number), projectedUnits: 0 });
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "promotion.ended" } })).toBe(1);
  });

  it("given absurd numbers in a promotion (a reserve of 1e12 units, a 1e15 discount, a 1e6× uplift, a throttle of 1e15), when created, then each is refused on its field with its range and no promotion is saved", async () => {
    const { shop, channels } = await shopInSession();
    const absurd = await post(shop.domain, {
      intent: "create",
      name: "Doorbuster",
      startsAt: "2030-03-01T00:00",
      endsAt: "2030-03-02T00:00",
      channelIds: [channels.ebay.id],
      discountKind: "amount",
      discountValue: "1e15",
      uplift: "1000000",
      reserveUnits: "1e12",
      autoPauseMode: "throttle",
      autoPauseUnits: "1e15",
      skus: "KET-RED",
    });
    expect(absurd.init?.status).toBe(400);
    expect(absurd.data.errors).toEqual({
      discountValue: "Discount must be between 0.00 and 1,000,000.00",
      uplift: "Expected uplift must be between 0.01× and 100×",
      reserveUnits: "Reserve must be between 0 and 1,000,000",
      autoPauseUnits: "Throttle must be between 0 and 1,000,000",
    });
    const percent = await post(shop.domain, {
      intent: "create",
      name: "Doorbuster",
      startsAt: "2030-03-01T00:00",
      endsAt: "2030-03-02T00:00",
      channelIds: [channels.ebay.id],
      discountKind: "couponPercent",
      discountValue: "1e12",
      skus: "KET-RED",
    });
    expect(percent.data.errors.discountValue).toBe("Discount must be between 0% and 100%");
    expect(await prisma.promotion.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("given a merchant who throttles Amazon to 3 units while an eBay sale runs, when saved, then the rule is stored and its card says so; a throttle with no units, a promoted channel among the throttled and an unknown mode are each refused on their field, and nothing is saved", async () => {
    const { shop, channels } = await shopInSession();
    const base = {
      intent: "create",
      name: "Kettle week",
      startsAt: "2030-03-01T00:00",
      endsAt: "2030-03-08T00:00",
      channelIds: [channels.ebay.id],
      discountKind: "percent",
      discountValue: "20",
      skus: "KET-RED",
    };
    const noUnits = await post(shop.domain, { ...base, autoPauseMode: "throttle", autoPauseUnits: "" });
    expect(noUnits.init?.status).toBe(400);
    expect(noUnits.data.errors).toEqual({ autoPauseUnits: "Give the most units the other channels may list while the promotion runs" });
    const promoted = await post(shop.domain, { ...base, autoPauseMode: "pause", autoPauseChannelIds: [channels.ebay.id] });
    expect(promoted.data.errors).toEqual({ autoPauseChannelIds: "A channel of the promotion cannot be paused by it: choose only other channels" });
    const unknown = await post(shop.domain, { ...base, autoPauseMode: "sometimes" });
    expect(unknown.data.errors).toEqual({ autoPauseMode: "Auto-pause must be none, pause or throttle" });
    expect(await prisma.promotion.count({ where: { shopId: shop.id } })).toBe(1);

    const saved = await post(shop.domain, { ...base, autoPauseMode: "throttle", autoPauseUnits: "3", autoPauseChannelIds: [channels.amazon.id] });
    expect(saved.data.ok).toBe(true);
    const stored = await prisma.promotion.findUniqueOrThrow({ where: { id: saved.data.promotionId } });
    expect(stored.autoPause).toEqual({ mode: "throttle", throttleUnits: 3, channelIds: [channels.amazon.id] });
    const page = await loader(args(await adminRequest(shop.domain, "/app/promotions")));
    expect(page.promotions.find((p) => p.id === stored.id)?.autoPause).toBe("While it runs: Amazon US at most 3 units");
  });

  it("given a checklist with a parity failure, when the page is read, then the failure shows among the problems with a suggested fix, apart from what passed", async () => {
    const seeded = await shopInSession();
    await parityAtRisk(seeded);
    await post(seeded.shop.domain, { intent: "checklist", promotionId: seeded.promotion.id });
    const page = await loader(args(await adminRequest(seeded.shop.domain, "/app/promotions")));
    const checklist = page.promotions.find((p) => p.id === seeded.promotion.id)!.checklist!;
    expect(checklist.problems).toEqual([
      expect.objectContaining({
        check: "parity",
        status: "fail",
        fix: "Give the watching channel the same discount, lower the discount, or allow the violation on the parity edge (Pricing)",
      }),
    ]);
    expect(checklist.items.filter((i) => i.status === "pass").length).toBeGreaterThan(0);
  });

  it("given a launched promotion on eBay that sold 3 there and 2 on Amazon, when the merchant ends it early, then its result is the 4 sold on eBay (these 3 and the one the shop had) against the 0 projected, and Amazon's sales are not the promotion's", async () => {
    const { shop, promotion, variant, channels } = await shopInSession();
    const startsAt = new Date(Date.now() - 3_600_000);
    await prisma.promotion.update({ where: { id: promotion.id }, data: { startsAt, endsAt: new Date(Date.now() + 3_600_000) } });
    expect((await post(shop.domain, { intent: "launch", promotionId: promotion.id })).data.ok).toBe(true);
    await prisma.sale.createMany({
      data: [
        { shopId: shop.id, variantId: variant.id, channelId: channels.ebay.id, quantity: 3, soldAt: new Date(Date.now() - 60_000), sourceKey: "eb-1" },
        { shopId: shop.id, variantId: variant.id, channelId: channels.amazon.id, quantity: 2, soldAt: new Date(Date.now() - 60_000), sourceKey: "am-1" },
      ],
    });
    expect((await post(shop.domain, { intent: "end", promotionId: promotion.id })).data.ok).toBe(true);
    const page = await loader(args(await adminRequest(shop.domain, "/app/promotions")));
    const shown = page.promotions.find((p) => p.id === promotion.id)!;
    expect(shown.status).toBe("ENDED");
    // The factory's own eBay sale of 1, made just now, is inside the window too.
    expect(shown.results).toMatchObject({ unitsSold: 4, channels: [{ channelId: channels.ebay.id, channelName: "eBay US", soldUnits: 4, projectedUnits: 0 }] });
    const ended = await prisma.promotion.findUniqueOrThrow({ where: { id: promotion.id } });
    expect(ended.endedAt).not.toBeNull();
    // Ended twice is refused, and changes nothing.
    expect((await post(shop.domain, { intent: "end", promotionId: promotion.id })).init?.status).toBe(409);
  });

  it("given a draft whose window is over, when the merchant launches it, then it is refused on its end with nothing written; one whose start passed but end has not runs at once; a new promotion ending in the past is refused on its end", async () => {
    const { shop, promotion, channels, listing } = await shopInSession();
    const hour = 3_600_000;
    await prisma.promotion.update({ where: { id: promotion.id }, data: { startsAt: new Date(Date.now() - 2 * hour), endsAt: new Date(Date.now() - hour) } });
    await prisma.listing.updateMany({ where: { shopId: shop.id }, data: { staleSince: null } });
    const over = await post(shop.domain, { intent: "launch", promotionId: promotion.id });
    expect(over.init?.status).toBe(409);
    expect(over.data.errors.endsAt).toMatch(
      /^Ends \(UTC\) \d{4}-\d\d-\d\d \d\d:\d\d has passed: cancel this promotion and plan it again with an end in the future$/,
    );
    expect(await prisma.promotion.findUniqueOrThrow({ where: { id: promotion.id } })).toMatchObject({ status: "DRAFT", startedAt: null, checklist: null });
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: { startsWith: "promotion.launched" } } })).toBe(0);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).toBeNull();

    await prisma.promotion.update({ where: { id: promotion.id }, data: { endsAt: new Date(Date.now() + hour) } });
    const running = await post(shop.domain, { intent: "launch", promotionId: promotion.id });
    expect(running.data.message).toMatch(/^Running\. /);
    const started = await prisma.promotion.findUniqueOrThrow({ where: { id: promotion.id } });
    expect(started.status).toBe("RUNNING");
    expect(started.startedAt).not.toBeNull();
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();

    const past = await post(shop.domain, draftForm([channels.ebay.id], { name: "Last week", startsAt: "2020-03-01T00:00", endsAt: "2020-03-02T00:00" }));
    expect(past.init?.status).toBe(400);
    expect(past.data.errors).toEqual({ endsAt: "Ends (UTC) 2020-03-02 00:00 has passed: set an end in the future" });
    expect(await prisma.promotion.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("given 60 % off eBay under the shop's ±50 % price guardrail, when the merchant runs the checklist, then it passes with a warning, not a success, and the page shows the price the guardrail will hold with its fix", async () => {
    const seeded = await shopInSession();
    // No MAP to lift the price and no parity edge to fail on: only the guardrail speaks.
    await prisma.variant.update({ where: { id: seeded.variant.id }, data: { mapCents: null } });
    await prisma.parityEdge.deleteMany({ where: { shopId: seeded.shop.id } });
    await prisma.promotion.update({ where: { id: seeded.promotion.id }, data: { discountValue: 6000 } });
    await listedOnEbay(seeded);
    const checked = await post(seeded.shop.domain, { intent: "checklist", promotionId: seeded.promotion.id });
    expect(checked.data).toMatchObject({ ok: true, message: "Checklist passed with 1 warning: each shows its fix", tone: "warning" });
    const page = await loader(args(await adminRequest(seeded.shop.domain, "/app/promotions")));
    const checklist = page.promotions.find((p) => p.id === seeded.promotion.id)!.checklist!;
    expect(checklist.verdict).toBe("pass");
    expect(checklist.problems).toEqual([
      expect.objectContaining({
        check: "guardrail",
        status: "warn",
        channelId: seeded.channels.ebay.id,
        text: "KET-RED on eBay US: Price 20.00 is 59.99% below the Shopify price 49.99: beyond the ±50% price guardrail (at least 25.00) by 5.00; at the start its push is held until you approve it",
        fix: "Lower the discount to within the guardrail, widen the price guardrail (Pricing) before the start, or approve the held price under Held pushes (Pricing) when it starts",
      }),
    ]);
  });

  it("refuses another shop's promotion and channel ids", async () => {
    const mine = await shopInSession();
    const theirs = await shopInSession();
    for (const intent of ["checklist", "launch", "end"]) {
      expect((await post(mine.shop.domain, { intent, promotionId: theirs.promotion.id })).init?.status, intent).toBe(404);
    }
    const create = await post(mine.shop.domain, draftForm([theirs.channels.ebay.id]));
    expect(create.init?.status).toBe(404);
    expect((await prisma.promotion.findUniqueOrThrow({ where: { id: theirs.promotion.id } })).status).toBe("DRAFT");
    expect(await prisma.promotion.count({ where: { shopId: mine.shop.id } })).toBe(1);
  });
});
