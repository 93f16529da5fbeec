import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlertRoute } from "~/alerts/routes.server";
import { unprofitableListingKey } from "~/alerts/unprofitable.server";
import prisma from "~/db.server";
import { money } from "~/engine/explain";
import { loader as alertsLoader } from "~/routes/app.alerts";
import { loader as inventoryLoader } from "~/routes/app.inventory/route";
import { action as pricingAction } from "~/routes/app.pricing/route";
import { adminRequest } from "../../../test/admin-request";
import { eventually } from "../../../test/marketplaces";
import { useWorkersRig } from "../../../test/workers-rig";
import { loader } from "./route";

// Margins end to end: the merchant sets eBay's fees on the Pricing screen (its action, as the
// browser posts it); the real workers compute and push; then the variant's unit cost rises in
// Shopify (simulated), which sends inventory_items/update to the app's real /webhooks route. The
// floor passes eBay's price: one unprofitable alert is raised and reaches the merchant's Slack
// route, and the Margins screen lists the listing under its floor. When the cost drops back, the
// alert resolves itself. Real PostgreSQL, Redis and workers; the simulators are the only stand-ins.

let slack: Server;
const slackMessages: string[] = [];

// The merchant's Slack: a server that keeps what it is sent. It starts before the rig (the hooks run in order).
beforeAll(async () => {
  slack = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      slackMessages.push(Buffer.concat(chunks).toString("utf8"));
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await new Promise((resolve) => slack?.close(resolve));
});

const setUp = useWorkersRig({ catalog: { products: 1, variantsPerProduct: 1, locations: 1 } });

const settled = async () =>
  (await prisma.listing.count({ where: { shopId: setUp.rig.shopId, OR: [{ syncState: { not: "IN_SYNC" } }, { staleSince: { not: null } }] } })) === 0;
const margins = async (query: string) => loader({ request: await adminRequest(setUp.rig.domain, `/app/margins${query}`), params: {}, context: {} });
const unprofitableAlerts = () => prisma.alert.findMany({ where: { shopId: setUp.rig.shopId, kind: "UNPROFITABLE" } });

describe("margins and the unprofitable alert, end to end", () => {
  it("given eBay's fees set on the Pricing screen and a listing above its floor, when the unit cost rises in Shopify past what eBay's price covers, then one alert names the SKU, price, floor and why and reaches Slack, Margins lists it under its floor, and it resolves when the cost drops back", async () => {
    const [variant] = setUp.rig.variants;
    const store = setUp.rig.shopify.store;
    const item = store.item(setUp.rig.domain, variant.itemShopifyId);
    const priceCents = Math.round(Number(item.variant.price) * 100);
    const costCents = Math.round(Number(item.cost) * 100);
    await createAlertRoute(prisma, setUp.rig.shopId, { transport: "SLACK", target: `http://127.0.0.1:${(slack.address() as AddressInfo).port}/hook` });

    await setUp.rig.linkAll();
    // eBay's 13.25 % final value fee and 0.30 per order, a 10 % minimum margin, as the merchant types them.
    const saved = (await pricingAction({
      request: await adminRequest(setUp.rig.domain, "/app/pricing", {
        form: { intent: "saveRule", channelId: setUp.rig.channels.ebay.id, scope: "channel", feePercent: "13.25", fixedFee: "0.30", minMarginPercent: "10" },
      }),
      params: {},
      context: {},
    })) as unknown as { data: { ok: boolean; errors: Record<string, string> } };
    expect(saved.data).toMatchObject({ ok: true, errors: {} });
    const ebayListing = await prisma.listing.findFirstOrThrow({ where: { shopId: setUp.rig.shopId, channelId: setUp.rig.channels.ebay.id } });
    await eventually(
      async () =>
        (await prisma.listingMargin.findUnique({ where: { listingId: ebayListing.id } }))?.feeCents === Math.round(priceCents * 0.1325) + 30 &&
        (await settled()),
      60_000,
      "the first push, with eBay's fees in its margin",
    );
    // The catalogue's cost is 35–65 % of the price: above the floor (cost + 0.30) / 0.7675.
    const floorBefore = Math.ceil(((costCents + 30) * 10_000) / 7_675);
    expect(priceCents).toBeGreaterThanOrEqual(floorBefore);
    expect((await margins("?underFloor=1")).total).toBe(0);
    expect(await unprofitableAlerts()).toEqual([]);

    // The cost rises to a cent under the price: every channel without fees still covers it, eBay does not.
    const risen = priceCents - 1;
    store.updateInventoryItem(setUp.rig.domain, variant.itemShopifyId, { cost: money(risen) });
    await eventually(async () => (await unprofitableAlerts()).length > 0 && (await settled()), 60_000, "the unprofitable alert");
    const floor = Math.ceil(((risen + 30) * 10_000) / 7_675);
    const alerts = await unprofitableAlerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ state: "OPEN", dedupeKey: unprofitableListingKey(ebayListing.id), channelId: setUp.rig.channels.ebay.id });
    expect(alerts[0].title).toBe(
      `${variant.sku} on ${setUp.rig.channels.ebay.name} is under its floor: ${money(priceCents)} against a floor of ${money(floor)}`,
    );
    expect(alerts[0].facts).toMatchObject({ sku: variant.sku, why: `cost rose from ${money(costCents)} to ${money(risen)} in Shopify` });
    // It is on the Alerts screen, filtered by its kind.
    const alertsScreen = await alertsLoader({ request: await adminRequest(setUp.rig.domain, "/app/alerts?kind=UNPROFITABLE"), params: {}, context: {} });
    expect(alertsScreen.alerts).toEqual([
      expect.objectContaining({ id: alerts[0].id, kind: "UNPROFITABLE", title: alerts[0].title, channel: setUp.rig.channels.ebay.name }),
    ]);
    // The price itself is Shopify's on eBay, as before: the floor flags, it never moves a price.
    expect(setUp.rig.priceOn("ebay", variant)).toBe(priceCents);

    const listed = await margins("?underFloor=1");
    expect(listed.total).toBe(1);
    expect(listed.rows).toEqual([
      expect.objectContaining({
        listingId: ebayListing.id,
        sku: variant.sku,
        channelName: setUp.rig.channels.ebay.name,
        underFloor: true,
        cause: `cost rose from ${money(costCents)} to ${money(risen)} in Shopify`,
      }),
    ]);
    expect(listed.summary.find((s) => s.channelId === setUp.rig.channels.ebay.id)).toMatchObject({ listings: 1, underFloor: 1 });
    // Its "Why?" (the Inventory screen's explanation the row links to) says the same.
    const why = await inventoryLoader({ request: await adminRequest(setUp.rig.domain, listed.rows[0].why), params: {}, context: {} });
    expect(why.explanation?.notices).toContain(`Price ${money(priceCents)} is under the fee-inclusive floor of ${money(floor)}`);
    await eventually(() => slackMessages.some((m) => m.includes(variant.sku) && m.includes("under its floor")), 30_000, "the alert on Slack");

    // The cost drops back: the alert resolves itself and Margins lists nothing under floor.
    store.updateInventoryItem(setUp.rig.domain, variant.itemShopifyId, { cost: money(costCents) });
    await eventually(async () => (await unprofitableAlerts()).every((a) => a.state === "RESOLVED"), 60_000, "the alert resolved");
    expect(await unprofitableAlerts()).toHaveLength(1);
    expect((await margins("?underFloor=1")).total).toBe(0);
  }, 180_000);
});
