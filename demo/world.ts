// The demo's world: a seeded Shopify store (simulated) and one account on each marketplace
// (simulated), connected to Anchorline as real Channel rows. The ideas follow test/marketplaces.ts
// (the e2e rig), without importing from test/. On a second start the shop, its mirror, channels
// and listings are reused from PostgreSQL: the simulators, which keep state in memory, are brought
// back to where the last run left them instead of Anchorline being re-seeded.
import type { Channel, ChannelKind, PrismaClient } from "@prisma/client";
import { adminClientForShop } from "~/anchor/admin-client.server";
import { apiVersionForAdmin } from "~/anchor/api-version";
import { importCatalog } from "~/anchor/bulk-import.server";
import { DEFAULT_SCOPES } from "~/lib/env.server";
import { sealCredentials } from "~/lib/secrets.server";
import { sealedTokenColumns } from "~/sessions.server";
import { linkListings } from "~/csv/listing-links.server";
import { startAmazonSimulator, type AmazonSimulator } from "../simulators/amazon/server";
import { startEbaySimulator, type EbaySimulator } from "../simulators/ebay/server";
import { startShopifySimulator, type ShopifySimulator } from "../simulators/shopify/server";
import { startTikTokSimulator, type TikTokSimulator } from "../simulators/tiktok/server";
import { startWalmartSimulator, type WalmartSimulator } from "../simulators/walmart/server";

/** The simulators finish a feed in 50 ms; the marketplaces' own pace (minutes) would idle the demo. */
const SIMULATOR_FEED_POLL_MS = 200;

export type Marketplace = "amazon" | "ebay" | "walmart" | "tiktok";
export const MARKETPLACES: readonly Marketplace[] = ["amazon", "ebay", "walmart", "tiktok"];
export const NAMES: Record<Marketplace, string> = { amazon: "Amazon US", ebay: "eBay US", walmart: "Walmart", tiktok: "TikTok Shop" };
const KIND: Record<Marketplace, ChannelKind> = { amazon: "AMAZON", ebay: "EBAY", walmart: "WALMART", tiktok: "TIKTOK" };

export const DEMO_DOMAIN = "anchorline-demo.myshopify.com";
const ACCESS_TOKEN = "shpat_anchorline_demo";
/** Fixed, so a second start finds the same accounts (and can open their sealed credentials). */
const ACCOUNTS: Record<Marketplace, string> = { amazon: "ADEMOSELLER1", ebay: "demo-seller", walmart: "wm-demo", tiktok: "ROW_DEMO" };
const CREDENTIALS = {
  amazon: { clientId: "amzn1.application-oa2-client.demo", clientSecret: "lwa-secret", refreshToken: "Atzr|demo" },
  ebay: { appId: "anchorline-demo", certId: "cert-secret", refreshToken: "v^1.1#demo" },
  walmart: { clientId: ACCOUNTS.walmart, clientSecret: "walmart-secret" },
  tiktok: { appKey: "app-demo", appSecret: "tiktok-secret", shopCipher: ACCOUNTS.tiktok, accessToken: "TTP_demo", refreshToken: "TTR_demo" },
} satisfies Record<Marketplace, Record<string, string>>;

export interface DemoVariant {
  index: number;
  sku: string;
  title: string;
  itemShopifyId: string;
  channelSku: Record<Marketplace, string>;
  externalId: Partial<Record<Marketplace, string>>;
}

export interface WorldOptions {
  prisma: PrismaClient;
  catalog: { products: number; variantsPerProduct: number; locations: number };
  webhookUrl: string;
  apiSecret: string;
  log: (line: string) => void;
}

export interface World {
  domain: string;
  shopId: string;
  reused: boolean;
  shopify: ShopifySimulator;
  amazon: AmazonSimulator;
  ebay: EbaySimulator;
  walmart: WalmartSimulator;
  tiktok: TikTokSimulator;
  channels: Record<Marketplace, Channel>;
  variants: DemoVariant[];
  variantByItem: Map<string, DemoVariant>;
  /** Shopify's available units of a variant over every location (what the anchor has). */
  anchorQuantity(v: DemoVariant): number;
  quantityOn(m: Marketplace, v: DemoVariant): number | null;
  priceOn(m: Marketplace, v: DemoVariant): number | null;
  /** A simulated buyer checks out `quantity` units on a marketplace; the marketplace's order id. */
  buy(m: Marketplace, v: DemoVariant, quantity: number): string;
  /** Every HTTP request each marketplace simulator answered. */
  calls(m: Marketplace): { method: string; path: string; status: number }[];
  stop(): Promise<void>;
}

/** Digits of a Shopify id, GID or not, so mirror rows and simulator records compare. */
const digits = (id: string) => id.replace(/^gid:\/\/shopify\/\w+\//, "").replace(/\?.*$/, "");

export async function startWorld(options: WorldOptions): Promise<World> {
  const { prisma, log } = options;
  let existing = await prisma.shop.findUnique({ where: { domain: DEMO_DOMAIN }, include: { channels: true } });
  const expectedListings = options.catalog.products * options.catalog.variantsPerProduct * MARKETPLACES.length;
  const reused =
    existing !== null &&
    existing.channels.length === MARKETPLACES.length &&
    (await prisma.listing.count({ where: { shopId: existing.id } })) === expectedListings;
  if (existing && !reused) {
    // A first start that stopped half-way (or another catalogue size): start the demo shop over.
    log(`the demo shop in the database is incomplete or of another size: setting it up again`);
    await prisma.shop.delete({ where: { id: existing.id } });
    existing = null;
  }

  const shopify = await startShopifySimulator({
    // What the app asks a merchant for (shopify.app.toml), as an install grants it.
    scopes: DEFAULT_SCOPES,
    apiKey: process.env.SHOPIFY_API_KEY,
    apiSecret: options.apiSecret,
    shops: [{ domain: DEMO_DOMAIN, accessToken: ACCESS_TOKEN, catalog: { ...options.catalog, seed: 42, stockedRatio: 1 } }],
    webhookUrl: options.webhookUrl,
    webhookApiVersion: apiVersionForAdmin,
  });
  // The app's Admin API client (workers in this process, the web app via its environment) goes here.
  process.env.SHOPIFY_ADMIN_API_ORIGIN = shopify.url;
  // The offline session as an install stores it: an expiring token (60 minutes) and its refresh
  // token, sealed. Written on every start: this simulator knows only the pair it started with, not
  // one a previous run refreshed to.
  const tokenPair = {
    ...sealedTokenColumns(DEMO_DOMAIN, { accessToken: ACCESS_TOKEN, refreshToken: `shprt_${ACCESS_TOKEN}` }),
    expires: new Date(shopify.store.now() + 3600_000),
    refreshTokenExpires: new Date(shopify.store.now() + 90 * 24 * 3600_000),
  };
  await prisma.session.upsert({
    where: { id: `offline_${DEMO_DOMAIN}` },
    create: { id: `offline_${DEMO_DOMAIN}`, shop: DEMO_DOMAIN, state: "installed", isOnline: false, scope: process.env.SCOPES ?? DEFAULT_SCOPES, ...tokenPair },
    update: tokenPair,
  });
  const state = shopify.store.shop(DEMO_DOMAIN);

  if (reused && existing) {
    // The mirror is what Anchorline last knew of the store: put the simulated store back there.
    // Written into the simulator's records directly, not through its API, so no webhook fires for
    // a change that is not one.
    const levels = await prisma.inventoryLevel.findMany({
      where: { shopId: existing.id },
      select: { available: true, inventoryItem: { select: { shopifyId: true } }, location: { select: { shopifyId: true } } },
    });
    for (const level of levels) {
      const record = shopify.store.item(state, digits(level.inventoryItem.shopifyId)).levels[
        shopify.store.location(state, digits(level.location.shopifyId)).slot
      ];
      if (record) record.available = level.available;
    }
  }

  const variants: DemoVariant[] = state.variants.map((variant, index) => ({
    index,
    sku: variant.sku,
    title: `${variant.product.title} – ${variant.title}`,
    itemShopifyId: variant.inventoryItem.id,
    channelSku: { amazon: variant.sku, ebay: `EB-${variant.sku}`, walmart: `WM-${variant.sku}`, tiktok: `17${String(index).padStart(8, "0")}` },
    externalId: { amazon: `B0${String(index).padStart(8, "0")}`, tiktok: `TTP-${state.products.findIndex((p) => p.id === variant.product.id)}` },
  }));
  const variantByItem = new Map(variants.map((v) => [digits(v.itemShopifyId), v]));
  const anchorQuantity = (v: DemoVariant) =>
    state.locations.reduce((sum, l) => sum + Math.max(0, shopify.store.getLevel(DEMO_DOMAIN, v.itemShopifyId, l.id)?.available ?? 0), 0);
  const anchorPrice = (v: DemoVariant) => Math.round(Number(state.variants[v.index].price) * 100);

  // What each marketplace shows at start: on first start, a stale catalogue (so the first sync is
  // visible); after that, what Anchorline last pushed there.
  const pushed = new Map<string, { quantity: number; priceCents: number }>();
  if (reused && existing) {
    const listings = await prisma.listing.findMany({
      where: { shopId: existing.id },
      select: { channelSku: true, pushedQuantity: true, pushedPriceCents: true, channel: { select: { kind: true } } },
    });
    for (const l of listings)
      if (l.pushedQuantity !== null && l.pushedPriceCents !== null)
        pushed.set(`${l.channel.kind}:${l.channelSku}`, { quantity: l.pushedQuantity, priceCents: l.pushedPriceCents });
  }
  const seeded = (m: Marketplace, v: DemoVariant) =>
    pushed.get(`${KIND[m]}:${v.channelSku[m]}`) ??
    (reused ? { quantity: anchorQuantity(v), priceCents: anchorPrice(v) } : { quantity: anchorQuantity(v) + 5, priceCents: anchorPrice(v) + 200 });

  const amazon = await startAmazonSimulator({
    feedDelayMs: 50,
    sellers: [
      {
        sellerId: ACCOUNTS.amazon,
        marketplaceId: "ATVPDKIKX0DER",
        ...CREDENTIALS.amazon,
        listings: variants.map((v) => ({ sku: v.channelSku.amazon, asin: v.externalId.amazon, ...seeded("amazon", v), productType: "PRODUCT" })),
      },
    ],
  });
  const ebay = await startEbaySimulator({
    accounts: [
      {
        userId: ACCOUNTS.ebay,
        marketplaceId: "EBAY_US",
        ...CREDENTIALS.ebay,
        listings: variants.map((v) => ({ sku: v.channelSku.ebay, offerId: String(7_000_000 + v.index), ...seeded("ebay", v) })),
      },
    ],
  });
  const walmart = await startWalmartSimulator({
    feedDelayMs: 50,
    accounts: [{ ...CREDENTIALS.walmart, listings: variants.map((v) => ({ sku: v.channelSku.walmart, ...seeded("walmart", v) })) }],
  });
  const tiktok = await startTikTokSimulator({
    shops: [
      {
        ...CREDENTIALS.tiktok,
        products: variants.map((v) => ({ productId: v.externalId.tiktok!, skuId: v.channelSku.tiktok, sellerSku: v.sku, ...seeded("tiktok", v) })),
      },
    ],
  });
  const apiUrl: Record<Marketplace, string> = { amazon: amazon.url, ebay: ebay.url, walmart: walmart.url, tiktok: tiktok.url };

  let shopId: string;
  const channels = {} as Record<Marketplace, Channel>;
  if (reused && existing) {
    shopId = existing.id;
    for (const m of MARKETPLACES) {
      const channel = existing.channels.find((c) => c.kind === KIND[m])!;
      // The simulators listen on new ports each start.
      const settings = {
        ...(channel.settings as Record<string, unknown>),
        endpoints: { api: apiUrl[m], auth: apiUrl[m] },
        feedPollIntervalMs: SIMULATOR_FEED_POLL_MS,
      };
      channels[m] = await prisma.channel.update({ where: { id: channel.id }, data: { settings } });
      // The simulators number orders from 1 each start; the imported ones keep their ids, so
      // new orders must not reuse them. The simulators have no option for it (yet): their order
      // counter is set directly, and only here.
      const imported = await prisma.channelOrder.count({ where: { channelId: channel.id } });
      const target = m === "ebay" ? ebay.state : m === "walmart" ? walmart.account(ACCOUNTS.walmart) : m === "tiktok" ? tiktok.shop(ACCOUNTS.tiktok) : null;
      if (target) Reflect.set(target, "orderSeq", imported + 1000);
    }
    log(`reusing the demo shop ${DEMO_DOMAIN} from the database (${variants.length} variants, 4 channels): not re-seeded`);
  } else {
    const shop = await prisma.shop.create({ data: { domain: DEMO_DOMAIN, currencyCode: "USD" } });
    shopId = shop.id;
    await initialImport(prisma, shop.id, log);
    for (const [priority, m] of MARKETPLACES.entries()) {
      channels[m] = await prisma.channel.create({
        data: {
          shopId: shop.id,
          kind: KIND[m],
          accountId: ACCOUNTS[m],
          region: m === "amazon" ? "ATVPDKIKX0DER" : m === "ebay" ? "EBAY_US" : null,
          name: NAMES[m],
          priority: priority + 1,
          credentialsCiphertext: sealCredentials(CREDENTIALS[m], shop.id),
          settings: { endpoints: { api: apiUrl[m], auth: apiUrl[m] }, feedPollIntervalMs: SIMULATOR_FEED_POLL_MS },
        },
      });
      const links = variants.map((v) => ({ sku: v.sku, channelSku: v.channelSku[m], externalId: v.externalId[m] }));
      // In slices: linking runs in one transaction per call, which Prisma ends after 5 s.
      let linked = 0;
      for (let i = 0; i < links.length; i += 100) {
        const result = await linkListings(DEMO_DOMAIN, channels[m].id, links.slice(i, i + 100), "demo", { prisma });
        if (!result.ok) throw new Error(`linking on ${m} refused: ${JSON.stringify(result.problems.slice(0, 3))}`);
        linked += result.linked;
      }
      log(`connected ${NAMES[m].padEnd(11)} (simulator ${apiUrl[m]}): ${linked} listings linked`);
    }
  }

  const quantityOn = (m: Marketplace, v: DemoVariant): number | null => {
    switch (m) {
      case "amazon":
        return amazon.state.listing(v.channelSku.amazon)?.quantity ?? null;
      case "ebay":
        return ebay.state.listing(v.channelSku.ebay)?.quantity ?? null;
      case "walmart":
        return walmart.account(ACCOUNTS.walmart).listings.get(v.channelSku.walmart)?.quantity ?? null;
      case "tiktok":
        return tiktok.shop(ACCOUNTS.tiktok).skus.get(v.channelSku.tiktok)?.quantity ?? null;
    }
  };
  const priceOn = (m: Marketplace, v: DemoVariant): number | null => {
    switch (m) {
      case "amazon":
        return amazon.state.listing(v.channelSku.amazon)?.priceCents ?? null;
      case "ebay":
        return ebay.state.listing(v.channelSku.ebay)?.priceCents ?? null;
      case "walmart":
        return walmart.account(ACCOUNTS.walmart).listings.get(v.channelSku.walmart)?.priceCents ?? null;
      case "tiktok":
        return tiktok.shop(ACCOUNTS.tiktok).skus.get(v.channelSku.tiktok)?.priceCents ?? null;
    }
  };
  const buy = (m: Marketplace, v: DemoVariant, quantity: number): string => {
    switch (m) {
      case "amazon":
        return amazon.state.placeOrder({ sellerId: ACCOUNTS.amazon, sku: v.channelSku.amazon, quantity }).order.orderId;
      case "ebay":
        return ebay.state.placeOrder({ userId: ACCOUNTS.ebay, sku: v.channelSku.ebay, quantity }).orderId;
      case "walmart":
        return walmart.placeOrder(ACCOUNTS.walmart, { sku: v.channelSku.walmart, quantity }).purchaseOrderId;
      case "tiktok":
        return tiktok.placeOrder(ACCOUNTS.tiktok, { skuId: v.channelSku.tiktok, quantity }).id;
    }
  };
  const requests = { amazon: () => amazon.requests, ebay: () => ebay.requests, walmart: () => walmart.requests, tiktok: () => tiktok.requests };

  return {
    domain: DEMO_DOMAIN,
    shopId,
    reused,
    shopify,
    amazon,
    ebay,
    walmart,
    tiktok,
    channels,
    variants,
    variantByItem,
    anchorQuantity,
    quantityOn,
    priceOn,
    buy,
    calls: (m) => requests[m](),
    async stop() {
      await Promise.all([shopify.stop(), amazon.stop(), ebay.stop(), walmart.stop(), tiktok.stop()]);
    },
  };
}

/** The merchant's first import (Shopify bulk operations into the mirror), with its progress. */
async function initialImport(prisma: PrismaClient, shopId: string, log: (line: string) => void): Promise<void> {
  log("initial import: Shopify bulk operations → the PostgreSQL mirror");
  let last = "";
  const progress = setInterval(() => {
    void prisma.importRun.findFirst({ where: { shopId }, orderBy: { startedAt: "desc" } }).then((run) => {
      const line = run
        ? `  import ${run.state.toLowerCase()}: ${run.done}${run.total ? ` / ${run.total}` : ""} rows${run.message ? ` (${run.message})` : ""}`
        : "";
      if (line && line !== last) log((last = line));
    });
  }, 250);
  try {
    const summary = await importCatalog(DEMO_DOMAIN, await adminClientForShop(DEMO_DOMAIN, prisma), { prisma, pollIntervalMs: 50 });
    log(
      `  import done in ${summary.seconds.toFixed(1)} s: ${summary.products} products, ${summary.variants} variants, ${summary.levels} inventory levels (Shopify bulk wait ${summary.phases.bulkWaitSeconds.toFixed(1)} s, stream ${summary.phases.streamSeconds.toFixed(1)} s)`,
    );
  } finally {
    clearInterval(progress);
  }
}
