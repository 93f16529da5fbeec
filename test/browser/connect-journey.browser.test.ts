// A merchant's whole way onto a marketplace, in a real browser, for each marketplace connected
// through its consent page (Amazon, eBay, TikTok Shop, on their simulators): Channels → the
// marketplace → Continue → the marketplace's consent page → consent → back into the admin (asserted
// by URL) → the Channels screen lists the account, not live yet → its listings are read (the story
// runs the discovery job, as the order-import worker would) → the review shows one listing linked by
// SKU and one by barcode → the recompute's first push (run by the story) on the go-live review, both
// quantities changing → Go live, confirmed in the modal → the account is live, and after the flush
// (run by the story, as the channel-sync worker would) the marketplace shows the pushed quantities.
// One served app for the three; the deployment holds each marketplace's app. Screenshots go to
// test-artifacts/connect-journey-<marketplace>-*.png.
import type { ChannelKind } from "@prisma/client";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createRedisConnection } from "~/queues.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { flushChannelAccount } from "~/sync/flush.server";
import { discoverChannelListings } from "~/sync/listing-discovery.server";
import { SharedRateLimiter } from "~/sync/rate-limiter.server";
import { tiktokShopId } from "../../simulators/tiktok/authorization";
import {
  AMAZON,
  answerConsent,
  continueToConsent,
  deploymentSettings,
  EBAY,
  installedShop,
  marketplaceEndpoints,
  startAmazonForConsent,
  startEbayForConsent,
  startTikTokForConsent,
  TIKTOK,
  type ConsentStart,
} from "./consent-flow";
import { expectScreen, screenshot, useServedApp } from "./served-app";

/** The store's barcode of the blue mug (a UPC); each marketplace's mug listing carries it under the seller's own SKU there. */
const MUG_UPC = "036000291452";
/** What each marketplace shows before Anchorline: the kettle at 3, the mug at 9, at the store's own prices. */
const SHOWN = { kettle: 3, mug: 9 };
/** What the store holds at its one location: the first push sets each marketplace to these. */
const IN_STORE = { kettle: 7, mug: 4 };
const TIKTOK_SKU = { kettle: "1729500000000000011", mug: "1729500000000000012" };

const app = useServedApp();
const amazon = await startAmazonForConsent(app.base, [
  { sku: "KET-RED", quantity: SHOWN.kettle, priceCents: 4999, title: "Red kettle" },
  { sku: "AMZ-MUG-77", quantity: SHOWN.mug, priceCents: 1250, title: "Blue mug", gtin: MUG_UPC },
]);
const ebay = await startEbayForConsent(app.base, [
  { sku: "KET-RED", offerId: "5000000001", quantity: SHOWN.kettle, priceCents: 4999, title: "Red kettle" },
  { sku: "EB-MUG-77", offerId: "5000000002", quantity: SHOWN.mug, priceCents: 1250, title: "Blue mug", upc: [MUG_UPC] },
]);
const tiktok = await startTikTokForConsent(app.base, [
  { productId: "1729500000000000001", skuId: TIKTOK_SKU.kettle, sellerSku: "KET-RED", quantity: SHOWN.kettle, priceCents: 4999, title: "Red kettle" },
  {
    productId: "1729500000000000002",
    skuId: TIKTOK_SKU.mug,
    sellerSku: "TT-MUG-77",
    quantity: SHOWN.mug,
    priceCents: 1250,
    title: "Blue mug",
    identifierCode: { code: MUG_UPC, type: "UPC" },
  },
]);
deploymentSettings({
  ...amazon.settings,
  ...ebay.settings,
  ...tiktok.settings,
  ANCHORLINE_MARKETPLACE_ENDPOINTS: marketplaceEndpoints({ AMAZON: amazon.sim.url, EBAY: ebay.sim.url, TIKTOK: tiktok.sim.url }),
});
const redis = createRedisConnection();

afterAll(async () => {
  redis.disconnect();
  await Promise.all([amazon.sim.stop(), ebay.sim.stop(), tiktok.sim.stop()]);
});

interface Journey {
  kind: ChannelKind;
  start: ConsentStart;
  /** The button on the marketplace's page that gives consent. */
  consent: string;
  /** The account as the Channels screen names it (`<kind> · <account id>`). */
  accountId: string;
  /** The linked listings as the review's table shows them: the marketplace's SKU (TikTok's SKU id after the seller's). */
  shownSku: { kettle: string; mug: string };
  /** The quantity the marketplace shows buyers for a listing, by the SKU Anchorline keys it by. */
  quantityOn(channelSku: string): number | undefined;
}

const journeys: Journey[] = [
  {
    kind: "AMAZON",
    start: {
      marketplace: "Amazon",
      name: "Amazon US",
      region: AMAZON.marketplaceId,
      consentUrl: `${amazon.sim.url}/apps/authorize/consent?`,
      heading: "Anchorline is requesting access to your selling account",
    },
    consent: "Confirm",
    accountId: AMAZON.seller,
    shownSku: { kettle: "KET-RED", mug: "AMZ-MUG-77" },
    quantityOn: (sku) => amazon.sim.state.listing(sku)?.quantity ?? undefined,
  },
  {
    kind: "EBAY",
    start: {
      marketplace: "eBay",
      name: "eBay US",
      region: "EBAY_US",
      consentUrl: `${ebay.sim.url}/oauth2/authorize?`,
      heading: "Grant application access: Anchorline",
    },
    consent: "Agree",
    accountId: EBAY.seller,
    shownSku: { kettle: "KET-RED", mug: "EB-MUG-77" },
    quantityOn: (sku) => ebay.sim.state.listing(sku, EBAY.seller)?.quantity,
  },
  {
    kind: "TIKTOK",
    start: { marketplace: "TikTok Shop", name: "TikTok Shop US", consentUrl: `${tiktok.sim.url}/open/authorize?`, heading: "Authorize Anchorline" },
    consent: "Authorize",
    accountId: tiktokShopId(TIKTOK.cipher),
    shownSku: { kettle: `KET-RED (${TIKTOK_SKU.kettle})`, mug: `TT-MUG-77 (${TIKTOK_SKU.mug})` },
    quantityOn: (sku) => tiktok.sim.shop(TIKTOK.cipher).skus.get(sku)?.quantity,
  },
];

/** A store with the app installed: a kettle (SKU KET-RED) and a mug (SKU MUG-BLU, barcode MUG_UPC) at one location, nothing connected. */
async function storeWithKettleAndMug(kind: ChannelKind) {
  const shop = await installedShop(`journey-${kind.toLowerCase()}`, "Kettles and Mugs");
  const location = await prisma.location.create({ data: { shopId: shop.id, shopifyId: "70001", name: "Warehouse" } });
  const product = await prisma.product.create({ data: { shopId: shop.id, shopifyId: "80001", title: "Kitchen" } });
  const variant = async (n: number, title: string, sku: string, barcode: string | null, priceCents: number, available: number) => {
    const v = await prisma.variant.create({ data: { shopId: shop.id, productId: product.id, shopifyId: `9000${n}`, title, sku, barcode, priceCents } });
    const item = await prisma.inventoryItem.create({ data: { shopId: shop.id, shopifyId: `9100${n}`, variantId: v.id, sku } });
    await prisma.inventoryLevel.create({ data: { shopId: shop.id, inventoryItemId: item.id, locationId: location.id, available, onHand: available } });
    return v;
  };
  const kettle = await variant(1, "Red kettle", "KET-RED", null, 4999, IN_STORE.kettle);
  const mug = await variant(2, "Blue mug", "MUG-BLU", MUG_UPC, 1250, IN_STORE.mug);
  return { shop, kettle, mug };
}

describe("a merchant connecting a marketplace and going live, in the browser", () => {
  it.each(journeys)(
    "given $start.marketplace holds listings of the store's products, when the merchant connects it through its consent page, reviews the listings and the first push and goes live, then the marketplace shows the store's quantities",
    async (journey) => {
      const { kind, start } = journey;
      const step = (n: number, what: string) => `connect-journey-${kind.toLowerCase()}-${n}-${what}`;
      const { shop, kettle, mug } = await storeWithKettleAndMug(kind);

      // Channels → the marketplace → its consent page → consent → back into the admin.
      const consentPage = await continueToConsent(app, shop.domain, start, step(1, "consent-page"));
      const attempt = await answerConsent(consentPage, shop.domain, journey.consent);
      const channel = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind } });
      expect(channel).toMatchObject({ accountId: journey.accountId, name: start.name, status: "CONNECTED", liveAt: null });

      // The Channels screen lists the account, not live yet, its listings not read.
      const channels = await app.embeddedPage(shop.domain, `/app/channels?consent=${attempt}`);
      await expectScreen(channels, "Channels");
      await channels.getByText(`${start.marketplace} connected`).waitFor();
      const card = channels.locator(".Polaris-ShadowBevel", { hasText: `${kind.toLowerCase()} · ${journey.accountId}` });
      await card.getByText("Not live yet — review the first push").waitFor();
      await screenshot(channels, step(2, "connected"));

      // Its row links to its listings, read since the connect asked for it: under way until the job runs.
      await card.getByRole("link", { name: "Listings (0)" }).click();
      const listingsPage = channels;
      await expectScreen(listingsPage, `Listings on ${start.name}`);
      expect(new URL(listingsPage.url()).pathname).toBe(`/app/channels/${channel.id}/listings`);
      await listingsPage.getByText(`Reading ${start.name}'s listings`, { exact: false }).first().waitFor();
      expect(await discoverChannelListings(channel.id)).toMatchObject({ status: "read", found: 2, linkedNow: 2, unmatched: 0, conflicts: 0 });
      // The page looks again while a read runs: the result shows without a reload.
      await listingsPage.getByText(`2 listings found on ${start.marketplace}`).waitFor({ timeout: 15_000 });
      const linked = listingsPage.getByRole("table");
      await linked.getByRole("row", { name: new RegExp(`${escape(journey.shownSku.kettle)}.*KET-RED · Kitchen – Red kettle.*By SKU`) }).waitFor();
      await linked.getByRole("row", { name: new RegExp(`${escape(journey.shownSku.mug)}.*MUG-BLU · Kitchen – Blue mug.*By barcode`) }).waitFor();
      await screenshot(listingsPage, step(3, "listings-linked"));
      // Linked with what the marketplace showed, nothing pushed.
      const linkedNow = await prisma.listing.findMany({ where: { channelId: channel.id } });
      expect(Object.fromEntries(linkedNow.map((l) => [l.variantId, [l.observedQuantity, l.pushedQuantity]]))).toEqual({
        [kettle.id]: [SHOWN.kettle, null],
        [mug.id]: [SHOWN.mug, null],
      });
      const skuOf = new Map(linkedNow.map((l) => [l.variantId, l.channelSku]));
      /** The kettle's and the mug's quantities as the marketplace shows them. */
      const onMarketplace = () => [journey.quantityOn(skuOf.get(kettle.id)!), journey.quantityOn(skuOf.get(mug.id)!)];

      // The recompute worker's job computes the first push; nothing goes out while not live.
      await recomputeStaleListings(shop.id);
      const limiter = new SharedRateLimiter(redis);
      expect(await flushChannelAccount(channel.id, { limiter })).toMatchObject({ status: "skipped", calls: 0 });
      expect(onMarketplace()).toEqual([SHOWN.kettle, SHOWN.mug]);

      // Back to Channels, whose banner on the account's row leads to the go-live review.
      await backToChannels(listingsPage);
      await card.getByRole("link", { name: "Listings (2)" }).waitFor();
      await card.getByRole("link", { name: "Review the first push" }).click();
      const review = channels;
      await expectScreen(review, `Go live on ${start.name}`);
      expect(new URL(review.url()).pathname).toBe(`/app/channels/${channel.id}/go-live`);
      await review.getByText("Not live yet: nothing has been sent").waitFor();
      await review.getByText("2 listings change quantity").waitFor();
      await review.getByText("0 listings go to 0").waitFor();
      await review.getByText("0 listings keep the quantity the marketplace shows").waitFor();
      await review.getByText("0 prices change, 2 prices stay the same").waitFor();
      await screenshot(review, step(4, "go-live-review"));

      // Go live asks first, then goes.
      await review.getByRole("button", { name: "Go live" }).click();
      const dialog = review.getByRole("dialog", { name: `Go live on ${start.name}?` });
      await dialog.getByText("Anchorline starts pushing to", { exact: false }).waitFor();
      expect(await dialog.getByText(`Anchorline starts pushing to ${start.name} now: 2 quantities set (0 to 0) and 0 prices.`).count()).toBe(1);
      await screenshot(review, step(5, "go-live-confirm"));
      await dialog.getByRole("button", { name: "Go live" }).click();
      await review.getByText(`${start.name} is live: its first push of 2 listings is under way`).waitFor();
      await review.getByText(/^Live since/).waitFor();
      await screenshot(review, step(6, "live"));
      expect((await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } })).liveAt).not.toBeNull();

      // The workers' jobs: the recompute the go-live asked for, then the account's flush.
      await recomputeStaleListings(shop.id);
      expect(await flushChannelAccount(channel.id, { limiter })).toMatchObject({ status: "flushed", accepted: 2, rejected: 0, retried: 0 });
      const pushed = await prisma.listing.findMany({ where: { channelId: channel.id } });
      const byVariant = new Map(pushed.map((l) => [l.variantId, l]));
      expect([byVariant.get(kettle.id), byVariant.get(mug.id)].map((l) => [l?.syncState, l?.pushedQuantity])).toEqual([
        ["IN_SYNC", IN_STORE.kettle],
        ["IN_SYNC", IN_STORE.mug],
      ]);
      expect(onMarketplace()).toEqual([IN_STORE.kettle, IN_STORE.mug]);

      // The Channels screen no longer says it waits.
      await backToChannels(review);
      await card.waitFor();
      expect(await card.getByText("Not live yet — review the first push").count()).toBe(0);
      await screenshot(channels, step(7, "channels-live"));
    },
  );
});

/** The page's back arrow (its backAction, "Channels"): the Channels screen, from a screen of one account. */
async function backToChannels(page: Page): Promise<void> {
  await page.locator(".Polaris-Page").getByRole("link", { name: "Channels" }).click();
  await expectScreen(page, "Channels");
}

/** `text` matched as it is inside a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
