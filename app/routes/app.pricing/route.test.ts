import { afterAll, describe, expect, it } from "vitest";
import { parityViolationKey } from "~/alerts/events.server";
import { heldGroupAlertKey } from "~/alerts/parity-held.server";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { holdGroupKey } from "~/recompute/parity";
import { ensureStoreChannel } from "~/channels/store-channel.server";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { loader as inventoryLoader } from "../app.inventory/route";
import { loader as alertLoader } from "../app.alerts_.$id";
import { listChannels } from "../app.channels/channels.server";
import { action as channelsAction } from "../app.channels/route";
import { action, loader, type PricingActionResult } from "./route";

afterAll(async () => {
  await queues().close();
});

const args = (request: Request) => ({ request, params: {}, context: {} });
type Answer = { data: PricingActionResult; init: { status: number } | null };

async function shopInSession() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  return seeded;
}

async function post(domain: string, form: Record<string, string>): Promise<Answer> {
  return (await action(args(await adminRequest(domain, "/app/pricing", { form })))) as unknown as Answer;
}

async function flushQueuedFor(channelId: string): Promise<boolean> {
  const jobs = await queues()["channel-sync"].getJobs(["waiting", "delayed", "prioritized"]);
  return jobs.some((j) => (j.data as { channelId: string }).channelId === channelId);
}

describe("the Pricing and parity screen", () => {
  it("shows the price rules, the matrix, MAPs, and a violation live now in the engine's words", async () => {
    const { shop, channels, listing, variant } = await shopInSession();
    await prisma.listing.update({ where: { id: listing.id }, data: { pushedPriceCents: 5499 } });
    await prisma.listing.create({
      data: { shopId: shop.id, channelId: channels.ebay.id, variantId: variant.id, channelSku: "KET-RED-EB", pushedPriceCents: 4000 },
    });
    const page = await loader(args(await adminRequest(shop.domain, "/app/pricing")));
    expect(page.rules).toEqual([expect.objectContaining({ channelName: "Amazon US", target: "every listing", differentialPercent: 10, rounding: ".99" })]);
    expect(page.edges).toEqual([expect.objectContaining({ watcherName: "Amazon US", watchedName: "eBay US", tolerancePercent: 0 })]);
    expect(page.mapped).toEqual([expect.objectContaining({ sku: "KET-RED", mapCents: 3999 })]);
    expect(page.violations).toEqual([expect.objectContaining({ sku: "KET-RED", excessCents: 1499, allowed: false })]);
    expect(page.violations[0].text).toBe("eBay US shows 40.00, 14.99 under Amazon US's 54.99 (tolerance 0.00)");
    expect(page.held).toEqual([]);
  });

  it("saves a price rule for one variant by SKU, and refuses fees and margin of 100% with the engine's message on the field", async () => {
    const { shop, channels, variant, listing } = await shopInSession();
    const bad = await post(shop.domain, { intent: "saveRule", channelId: channels.ebay.id, scope: "channel", feePercent: "60", minMarginPercent: "40" });
    expect(bad.init?.status).toBe(400);
    expect(bad.data.errors.minMarginPercent).toBe("Channel fee and minimum margin together must be under 100%");
    const below = await post(shop.domain, { intent: "saveRule", channelId: channels.ebay.id, scope: "channel", differentialPercent: "-100" });
    expect(below.data.errors.differentialPercent).toBe("Price differential must be between -90% and 500%");

    const good = await post(shop.domain, {
      intent: "saveRule",
      channelId: channels.amazon.id,
      scope: "variant",
      scopeRef: "KET-RED",
      differentialPercent: "5",
      differentialAmount: "1.50",
      rounding: "cents95",
      feePercent: "15",
      fixedFee: "0.30",
    });
    expect(good.data.ok).toBe(true);
    const rule = await prisma.priceRule.findFirstOrThrow({ where: { shopId: shop.id, scope: "VARIANT" } });
    expect(rule).toMatchObject({ scopeValue: variant.id, differentialBps: 500, differentialCents: 150, rounding: "CENTS_95", feeBps: 1500, fixedFeeCents: 30 });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "price_rule.created" } })).toBe(1);
  });

  it("sets a variant's MAP by SKU and says which field is wrong otherwise", async () => {
    const { shop, variant } = await shopInSession();
    expect((await post(shop.domain, { intent: "map", sku: "KET-RED", map: "-1" })).data.errors.map).toBe("MAP must be between 0.00 and 1,000,000.00");
    expect((await post(shop.domain, { intent: "map", sku: "NOPE", map: "10" })).data.errors.sku).toBe('No variant with SKU "NOPE" in this shop');
    expect((await post(shop.domain, { intent: "map", sku: "KET-RED", map: "42.50" })).data.ok).toBe(true);
    expect((await prisma.variant.findUniqueOrThrow({ where: { id: variant.id } })).mapCents).toBe(4250);
  });

  it("given absurd numbers in a price rule (1,000,000% differential, 1e15 amounts) or a MAP of 1e15, when saved, then each is refused on its field with its range and nothing is saved", async () => {
    const { shop, channels, variant } = await shopInSession();
    const rule = await post(shop.domain, {
      intent: "saveRule",
      channelId: channels.ebay.id,
      scope: "channel",
      differentialPercent: "1000000",
      differentialAmount: "1e15",
      fixedFee: "1e15",
      shipping: "-1",
    });
    expect(rule.init?.status).toBe(400);
    expect(rule.data.errors).toEqual({
      differentialPercent: "Price differential must be between -90% and 500%",
      differentialAmount: "Price adjustment must be between -1,000,000.00 and 1,000,000.00",
      fixedFee: "Fixed fee must be between 0.00 and 1,000,000.00",
      shipping: "Shipping must be between 0.00 and 1,000,000.00",
    });
    expect(await prisma.priceRule.count({ where: { shopId: shop.id } })).toBe(1);
    // Beyond PostgreSQL's Int: a field message, not a 500
    const map = await post(shop.domain, { intent: "map", sku: "KET-RED", map: "1e15" });
    expect([map.init?.status, map.data.errors.map]).toEqual([400, "MAP must be between 0.00 and 1,000,000.00"]);
    expect((await prisma.variant.findUniqueOrThrow({ where: { id: variant.id } })).mapCents).toBe(3999);

    const widest = await post(shop.domain, { intent: "saveRule", channelId: channels.ebay.id, scope: "channel", differentialPercent: "500" });
    expect(widest.data.ok).toBe(true);
    expect(await prisma.priceRule.findFirstOrThrow({ where: { shopId: shop.id, channelId: channels.ebay.id } })).toMatchObject({ differentialBps: 50_000 });
  });

  it("given the shop's ±50% price guardrail, when the merchant saves a +100% rule for Amazon, then the new price is held with the guardrail and how far beyond it, the Why? says so, and only raising the guardrail lets it go out", async () => {
    const { shop, channels, listing } = await shopInSession();
    await prisma.listing.update({ where: { id: listing.id }, data: { pushedPriceCents: 5499 } });
    const amazonRule = await prisma.priceRule.findFirstOrThrow({ where: { shopId: shop.id, channelId: channels.amazon.id } });
    expect((await loader(args(await adminRequest(shop.domain, "/app/pricing")))).guardrailPercent).toBe(50);

    const saved = await post(shop.domain, {
      intent: "saveRule",
      ruleId: amazonRule.id,
      channelId: channels.amazon.id,
      scope: "channel",
      differentialPercent: "100",
      rounding: "cents99",
    });
    expect(saved.data.ok).toBe(true);
    await recomputeStaleListings(shop.id, { requestFlush: async () => {} });

    const why = "Price 99.99 is 100.02% above the Shopify price 49.99: beyond the ±50% price guardrail (at most 74.99) by 25.00";
    const held = await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect([held.syncState, held.desiredPriceCents, held.pushedPriceCents]).toEqual(["HELD", 9999, 5499]);
    const page = await loader(args(await adminRequest(shop.domain, "/app/pricing")));
    expect(page.held).toEqual([
      expect.objectContaining({ id: listing.id, desiredPriceCents: 9999, pushedPriceCents: 5499, reason: `Price held for review (price guardrail): ${why}` }),
    ]);
    const { explanation } = await inventoryLoader(args(await adminRequest(shop.domain, `/app/inventory?explain=${listing.id}`)));
    expect(explanation?.held).toEqual([why]);

    // The guardrail is the merchant's, bounded like every number they set
    const refused = await post(shop.domain, { intent: "guardrail", guardrailPercent: "0" });
    expect([refused.init?.status, refused.data.errors.guardrailPercent]).toEqual([400, "Price guardrail must be between 1% and 500%"]);
    expect((await post(shop.domain, { intent: "guardrail", guardrailPercent: "1e12" })).data.errors.guardrailPercent).toBe(
      "Price guardrail must be between 1% and 500%",
    );
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).settings).toEqual({});

    expect((await post(shop.domain, { intent: "guardrail", guardrailPercent: "150" })).data.ok).toBe(true);
    expect((await loader(args(await adminRequest(shop.domain, "/app/pricing")))).guardrailPercent).toBe(150);
    await recomputeStaleListings(shop.id, { requestFlush: async () => {} });
    const released = await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect([released.syncState, released.desiredPriceCents, released.syncMessage]).toEqual(["PENDING", 9999, null]);
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "shop.price_guardrail_changed" } })).toBe(1);
    // Blank goes back to the default
    expect((await post(shop.domain, { intent: "guardrail", guardrailPercent: "" })).data.ok).toBe(true);
    expect((await loader(args(await adminRequest(shop.domain, "/app/pricing")))).guardrailPercent).toBe(50);
  });

  it("adds a parity edge with a tolerance, and refuses a channel watching itself on the field", async () => {
    const { shop, channels } = await shopInSession();
    const self = await post(shop.domain, { intent: "saveEdge", watcherId: channels.ebay.id, watchedId: channels.ebay.id });
    expect(self.init?.status).toBe(400);
    expect(self.data.errors.watchedId).toBe("A channel cannot watch itself");
    const tooMuch = await post(shop.domain, { intent: "saveEdge", watcherId: channels.ebay.id, watchedId: channels.amazon.id, tolerancePercent: "150" });
    expect(tooMuch.data.errors.tolerancePercent).toBe("Tolerance percent must be between 0% and 100%");

    expect(
      (
        await post(shop.domain, {
          intent: "saveEdge",
          watcherId: channels.ebay.id,
          watchedId: channels.amazon.id,
          tolerancePercent: "2",
          includeShipping: "on",
        })
      ).data.ok,
    ).toBe(true);
    const edge = await prisma.parityEdge.findUniqueOrThrow({ where: { watcherId_watchedId: { watcherId: channels.ebay.id, watchedId: channels.amazon.id } } });
    expect(edge).toMatchObject({ toleranceBps: 200, includeShipping: true, includeCoupons: false, allowViolations: false });
  });

  it("approves a held push: pending again, its channel asked to flush, and the decision audited", async () => {
    const { shop, channels, listing } = await shopInSession();
    const group = holdGroupKey({ ruleId: null, channelId: channels.amazon.id, otherChannelId: channels.ebay.id });
    await prisma.listing.update({
      where: { id: listing.id },
      data: {
        syncState: "HELD",
        desiredPriceCents: 5499,
        pushedPriceCents: 4999,
        syncMessage: "Price held for review (parity): eBay US shows less",
        holdGroup: group,
      },
    });
    const alert = await prisma.alert.create({
      data: { shopId: shop.id, kind: "PARITY_VIOLATION", dedupeKey: heldGroupAlertKey(group), title: "held", channelId: channels.amazon.id },
    });
    const page = await loader(args(await adminRequest(shop.domain, "/app/pricing")));
    expect(page.held).toEqual([expect.objectContaining({ id: listing.id, desiredPriceCents: 5499, pushedPriceCents: 4999 })]);

    expect((await post(shop.domain, { intent: "approve", listingId: listing.id })).data.ok).toBe(true);
    const after = await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect([after.syncState, after.syncMessage, after.desiredPriceCents]).toEqual(["PENDING", null, 5499]);
    expect(await flushQueuedFor(channels.amazon.id)).toBe(true);
    expect(await prisma.auditEvent.findFirst({ where: { shopId: shop.id, action: "listing.hold_approved", subjectId: listing.id } })).toMatchObject({
      details: expect.objectContaining({ priceCents: 5499, livePriceCents: 4999 }),
    });
    // The alert that paged for its group is resolved by the decision: the group holds nothing more
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).state).toBe("RESOLVED");
    // A second click finds nothing held
    expect((await post(shop.domain, { intent: "approve", listingId: listing.id })).init?.status).toBe(409);
  });

  it("rejects a held push: the live price becomes the desired one again, as a new version", async () => {
    const { shop, listing } = await shopInSession();
    await prisma.listing.update({ where: { id: listing.id }, data: { syncState: "HELD", desiredPriceCents: 5499, pushedPriceCents: 4999, desiredVersion: 3 } });
    expect((await post(shop.domain, { intent: "reject", listingId: listing.id })).data.ok).toBe(true);
    const after = await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect([after.syncState, after.desiredPriceCents, after.desiredVersion]).toEqual(["PENDING", 4999, 4]);
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "listing.hold_rejected" } })).toBe(1);
  });

  it("refuses another shop's listing, rule, edge and channel ids", async () => {
    const mine = await shopInSession();
    const theirs = await seedShopWithEveryModel(prisma);
    await prisma.listing.update({ where: { id: theirs.listing.id }, data: { syncState: "HELD", desiredPriceCents: 1, pushedPriceCents: 2 } });
    const theirRule = await prisma.priceRule.findFirstOrThrow({ where: { shopId: theirs.shop.id } });
    const theirEdge = await prisma.parityEdge.findFirstOrThrow({ where: { shopId: theirs.shop.id } });
    const forms: Record<string, string>[] = [
      { intent: "approve", listingId: theirs.listing.id },
      { intent: "reject", listingId: theirs.listing.id },
      { intent: "deleteRule", ruleId: theirRule.id },
      { intent: "deleteEdge", edgeId: theirEdge.id },
      { intent: "saveRule", channelId: theirs.channels.amazon.id, scope: "channel" },
      { intent: "saveEdge", watcherId: theirs.channels.amazon.id, watchedId: mine.channels.ebay.id },
    ];
    for (const form of forms) {
      expect((await post(mine.shop.domain, form)).init?.status, form.intent).toBe(404);
    }
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: theirs.listing.id } })).syncState).toBe("HELD");
    expect(await prisma.priceRule.count({ where: { shopId: theirs.shop.id } })).toBe(1);
    expect(await prisma.parityEdge.count({ where: { shopId: theirs.shop.id } })).toBe(1);
  });
  it("given the store as a channel, when the merchant sets a coupon shown on eBay, then the screen shows them and the store at the Shopify price, and the violation counts them; a negative shipping or a coupon typed as words is refused on its field and nothing is saved", async () => {
    const { shop, channels, variant } = await shopInSession();
    const store = await ensureStoreChannel(prisma, shop.id);
    // The default matrix gave the store its watcher: Amazon watches it
    expect(await prisma.parityEdge.count({ where: { shopId: shop.id, watcherId: channels.amazon.id, watchedId: store.id } })).toBe(1);
    // It is the anchor, not an account: the Channels screen neither lists it nor acts on it
    expect((await listChannels(shop.domain)).map((c) => c.name)).toEqual(["Amazon US", "eBay US"]);
    const paused = await channelsAction({
      request: await adminRequest(shop.domain, "/app/channels", { form: { intent: "pause", channelId: store.id } }),
      params: {},
      context: {},
    });
    expect((paused as unknown as Answer).init?.status).toBe(404);
    await prisma.listing.create({
      data: { shopId: shop.id, channelId: channels.ebay.id, variantId: variant.id, channelSku: "KET-RED-EB", pushedPriceCents: 4999 },
    });
    await prisma.listing.updateMany({ where: { channelId: channels.amazon.id, variantId: variant.id }, data: { pushedPriceCents: 4999 } });

    const negative = await post(shop.domain, { intent: "visibleExtras", channelId: channels.ebay.id, shipping: "-1", coupon: "5" });
    expect(negative.init?.status).toBe(400);
    expect(negative.data.errors.shipping).toMatch(/^Shipping must be/);
    const words = await post(shop.domain, { intent: "visibleExtras", channelId: channels.ebay.id, shipping: "4.99", coupon: "five" });
    expect(words.data.errors.coupon).toMatch(/^Visible coupon/);
    expect(await prisma.channel.findUniqueOrThrow({ where: { id: channels.ebay.id } })).toMatchObject({ visibleShippingCents: 0, visibleCouponCents: 0 });

    const saved = await post(shop.domain, { intent: "visibleExtras", channelId: channels.ebay.id, shipping: "", coupon: "5.00" });
    expect(saved.data.ok).toBe(true);
    const page = await loader(args(await adminRequest(shop.domain, "/app/pricing")));
    expect(page.channels).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "eBay US", visibleShippingCents: 0, visibleCouponCents: 500 }),
        expect.objectContaining({ name: "Shopify store", kind: "SHOPIFY" }),
      ]),
    );
    // eBay shows 49.99 with a 5.00 coupon: 44.99 against Amazon's 49.99
    expect(page.violations).toEqual([expect.objectContaining({ sku: "KET-RED", text: "eBay US shows 44.99, 5.00 under Amazon US's 49.99 (tolerance 0.00)" })]);

    // The store at 45.00 in Shopify is a violation of Amazon's 49.99 as well, in its own words
    await prisma.variant.update({ where: { id: variant.id }, data: { priceCents: 4500 } });
    const again = await loader(args(await adminRequest(shop.domain, "/app/pricing")));
    expect(again.violations.map((v) => v.text)).toContain("Shopify store shows 45.00, 4.99 under Amazon US's 49.99 (tolerance 0.00)");

    // Removing the Amazon → store edge ends what it paged
    const edge = await prisma.parityEdge.findUniqueOrThrow({ where: { watcherId_watchedId: { watcherId: channels.amazon.id, watchedId: store.id } } });
    const paged = await prisma.alert.create({
      data: {
        shopId: shop.id,
        kind: "PARITY_VIOLATION",
        dedupeKey: parityViolationKey(variant.id, channels.amazon.id, store.id),
        title: "KET-RED",
        channelId: channels.amazon.id,
      },
    });
    expect((await post(shop.domain, { intent: "deleteEdge", edgeId: edge.id })).data.ok).toBe(true);
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: paged.id } })).state).toBe("RESOLVED");
  });

  it("given 3 pushes held by one price rule against eBay, when the merchant approves the group, then all 3 are pending in one action, Amazon is asked to flush and the group's alert is resolved; a count that no longer matches is refused and changes nothing", async () => {
    const { shop, channels, variant } = await shopInSession();
    const product = { id: variant.productId };
    const rule = await prisma.priceRule.findFirstOrThrow({ where: { shopId: shop.id, channelId: channels.amazon.id } });
    const group = holdGroupKey({ ruleId: rule.id, channelId: channels.amazon.id, otherChannelId: channels.ebay.id });
    const others = await Promise.all(
      ["Blue", "Green"].map((title, i) =>
        prisma.variant.create({
          data: { shopId: shop.id, productId: product.id, shopifyId: `20${i}`, title, sku: `KET-${title.toUpperCase()}`, priceCents: 4999 },
        }),
      ),
    );
    await prisma.listing.deleteMany({ where: { shopId: shop.id } });
    for (const v of [variant, ...others]) {
      await prisma.listing.create({
        data: {
          shopId: shop.id,
          channelId: channels.amazon.id,
          variantId: v.id,
          channelSku: `${v.sku}-AZ`,
          syncState: "HELD",
          desiredPriceCents: 5499,
          pushedPriceCents: 4999,
          desiredVersion: 2,
          holdGroup: group,
          syncMessage: "Price held for review (parity): eBay US shows 49.99, 5.00 under Amazon US's 54.99",
        },
      });
    }
    const alert = await prisma.alert.create({
      data: { shopId: shop.id, kind: "PARITY_VIOLATION", dedupeKey: heldGroupAlertKey(group), title: "3 prices held", facts: { held: 3 } },
    });
    // The alert's page offers the same group, with the count it pages for
    const alertPage = await alertLoader({ request: await adminRequest(shop.domain, `/app/alerts/${alert.id}`), params: { id: alert.id }, context: {} });
    expect(alertPage.alert.heldGroup).toEqual({ group, held: 3 });
    const page = await loader(args(await adminRequest(shop.domain, "/app/pricing")));
    expect(page.heldGroups).toEqual([{ group, held: 3, channelName: "Amazon US", otherName: "eBay US", cause: "Price rule on every listing (+10%)" }]);

    const stale = await post(shop.domain, { intent: "approveGroup", group, held: "2" });
    expect(stale.init?.status).toBe(409);
    expect(await prisma.listing.count({ where: { shopId: shop.id, syncState: "HELD" } })).toBe(3);
    const missing = await post(shop.domain, { intent: "approveGroup", group, held: "" });
    expect([missing.init?.status, Object.keys(missing.data.errors)]).toEqual([400, ["held"]]);

    const approved = await post(shop.domain, { intent: "approveGroup", group, held: "3" });
    expect(approved.data).toMatchObject({ ok: true, message: "Approved 3 held prices: they go out with the next push" });
    const after = await prisma.listing.findMany({ where: { shopId: shop.id } });
    expect(after.map((l) => [l.syncState, l.desiredPriceCents, l.holdGroup])).toEqual([
      ["PENDING", 5499, null],
      ["PENDING", 5499, null],
      ["PENDING", 5499, null],
    ]);
    expect(await flushQueuedFor(channels.amazon.id)).toBe(true);
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).state).toBe("RESOLVED");
    expect(await prisma.auditEvent.findFirst({ where: { shopId: shop.id, action: "listing.hold_group_approved", subjectId: group } })).toMatchObject({
      details: expect.objectContaining({ held: 3, written: 3 }),
    });
  });

  it("given a group of 2 held pushes, one with nothing live yet, when the merchant rejects the group, then the live price stays on the first as a new version and the other stays held in the group", async () => {
    const { shop, channels, variant } = await shopInSession();
    const product = { id: variant.productId };
    const group = holdGroupKey({ ruleId: null, channelId: channels.amazon.id, otherChannelId: channels.ebay.id });
    const blue = await prisma.variant.create({
      data: { shopId: shop.id, productId: product.id, shopifyId: "300", title: "Blue", sku: "KET-BLUE", priceCents: 4999 },
    });
    await prisma.listing.update({
      where: { id: (await prisma.listing.findFirstOrThrow({ where: { shopId: shop.id, variantId: variant.id } })).id },
      data: { syncState: "HELD", desiredPriceCents: 5499, pushedPriceCents: 4999, desiredVersion: 3, holdGroup: group },
    });
    await prisma.listing.create({
      data: {
        shopId: shop.id,
        channelId: channels.amazon.id,
        variantId: blue.id,
        channelSku: "KET-BLUE",
        syncState: "HELD",
        desiredPriceCents: 5499,
        holdGroup: group,
      },
    });
    const rejected = await post(shop.domain, { intent: "rejectGroup", group, held: "2" });
    expect(rejected.data.message).toBe(
      "Rejected 1 held prices: their live prices stay; 1 with nothing live yet stay held (change the price rule or the parity matrix for them)",
    );
    const [red, blueListing] = await Promise.all([
      prisma.listing.findFirstOrThrow({ where: { shopId: shop.id, variantId: variant.id } }),
      prisma.listing.findFirstOrThrow({ where: { shopId: shop.id, variantId: blue.id } }),
    ]);
    expect([red.syncState, red.desiredPriceCents, red.desiredVersion, red.holdGroup]).toEqual(["PENDING", 4999, 4, null]);
    expect([blueListing.syncState, blueListing.holdGroup]).toEqual(["HELD", group]);
    // The group's alert now counts the one left
    const paged = await prisma.alert.findFirstOrThrow({ where: { shopId: shop.id, dedupeKey: heldGroupAlertKey(group) } });
    expect([paged.state, (paged.facts as { held: number }).held]).toEqual(["OPEN", 1]);
  });
});
