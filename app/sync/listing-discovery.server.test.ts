import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ChannelError, type Connector } from "~/channels/connector";
import { createWalmartConnector } from "~/channels/walmart";
import { sealCredentials } from "~/lib/secrets.server";
import { queues } from "~/queues.server";
import { startWalmartSimulator, type WalmartSimulator } from "../../simulators/walmart/server";
import { uniqueShopDomain } from "../../test/factories";
import { discoverChannelListings, linkDiscoveredListing, requestListingDiscovery } from "./listing-discovery.server";

// Discovery against a Walmart account on the simulator, the store in PostgreSQL: the connector
// reads the seller's catalog through the real API client, and the links land in Listing.
const WALMART = { clientId: "wm-discovery-svc", clientSecret: "s" };

let sim: WalmartSimulator;

afterAll(async () => {
  await queues().close();
});
beforeEach(async () => {
  sim = await startWalmartSimulator({
    accounts: [
      {
        ...WALMART,
        listings: [
          // Its SKU is a variant's: linked by SKU.
          { sku: "KET-RED", quantity: 5, priceCents: 2999, content: { productName: "Kettle" } },
          // A SKU of Walmart's own, and the mug's UPC as a GTIN-14: linked by barcode.
          { sku: "WM-MUG-77", quantity: 9, priceCents: 1250, gtin: "00036000291452", content: { productName: "Blue mug" } },
          // Two variants in Shopify have SKU LID: a conflict.
          { sku: "LID", quantity: 1, priceCents: 500 },
          // Nothing in the store: unmatched.
          { sku: "WM-MYSTERY", quantity: 2, priceCents: 700, content: { productName: "Mystery box" } },
          // Linked before by the merchant (to the two-pack): left as it is.
          { sku: "KET-OLD", quantity: 4, priceCents: 2000 },
        ],
      },
    ],
  });
});
afterEach(() => sim.stop());

async function givenAStoreWithAWalmartAccount() {
  const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("discovery") } });
  const product = await prisma.product.create({ data: { shopId: shop.id, shopifyId: "1", title: "Kitchen" } });
  const variant = (shopifyId: string, sku: string | null, barcode: string | null = null) =>
    prisma.variant.create({ data: { shopId: shop.id, productId: product.id, shopifyId, title: sku ?? "no SKU", sku, barcode, priceCents: 1000 } });
  const kettle = await variant("11", "KET-RED");
  const mug = await variant("12", "MUG-BLU", "036000291452");
  const lidA = await variant("13", "LID");
  const lidB = await variant("14", "LID");
  const twoPack = await variant("15", "KET-2");
  const channel = await prisma.channel.create({
    data: {
      shopId: shop.id,
      kind: "WALMART",
      accountId: "partner-1",
      name: "Walmart",
      credentialsCiphertext: sealCredentials(WALMART, shop.id),
      settings: { endpoints: { api: sim.url } },
    },
  });
  await prisma.listing.create({ data: { shopId: shop.id, channelId: channel.id, variantId: twoPack.id, channelSku: "KET-OLD" } });
  return { shop, channel, kettle, mug, lidA, lidB, twoPack };
}

const connectorFor = () =>
  createWalmartConnector({ accountId: "partner-1", credentials: WALMART, endpoints: { api: sim.url } }, { retry: { sleep: async () => {} } });

describe("listing discovery", () => {
  it("given a Walmart account with listings, when its listings are read, then it links by SKU and by barcode, keeps earlier links, and keeps the conflict and the unmatched one for the merchant", async () => {
    const { shop, channel, kettle, mug, lidA, lidB, twoPack } = await givenAStoreWithAWalmartAccount();

    const result = await discoverChannelListings(channel.id, { connectorFor });

    expect(result).toEqual({ status: "read", found: 5, linkedNow: 2, unmatched: 1, conflicts: 1 });
    const listings = await prisma.listing.findMany({ where: { channelId: channel.id }, orderBy: { channelSku: "asc" } });
    expect(listings.map((l) => [l.channelSku, l.variantId, l.observedQuantity, l.observedPriceCents, l.staleSince !== null])).toEqual([
      ["KET-OLD", twoPack.id, null, null, false], // left exactly as it was
      ["KET-RED", kettle.id, 5, 2999, true],
      ["WM-MUG-77", mug.id, 9, 1250, true],
    ]);
    expect(listings.find((l) => l.channelSku === "KET-RED")!.externalId).toMatch(/^\w+$/);
    const found = await prisma.discoveredListing.findMany({ where: { channelId: channel.id }, orderBy: { channelSku: "asc" } });
    expect(found.map((d) => [d.channelSku, d.outcome, d.linkedBy])).toEqual([
      ["KET-OLD", "LINKED", "EARLIER"],
      ["KET-RED", "LINKED", "SKU"],
      ["LID", "CONFLICT", null],
      ["WM-MUG-77", "LINKED", "BARCODE"],
      ["WM-MYSTERY", "UNMATCHED", null],
    ]);
    const lid = found.find((d) => d.channelSku === "LID")!;
    expect([lid.candidateVariantIds.sort(), lid.conflict]).toEqual([[lidA.id, lidB.id].sort(), "SKU LID is on 2 variants in Shopify"]);
    expect(found.find((d) => d.channelSku === "WM-MYSTERY")).toMatchObject({ title: "Mystery box", quantity: 2, priceCents: 700 });
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } })).listingsReadAt).not.toBeNull();
    // The new links wait for the recompute, which is asked for.
    const waiting = await queues().recompute.getJobs(["waiting", "delayed", "prioritized"]);
    expect(waiting.some((job) => job.data.shopId === shop.id)).toBe(true);
  });

  it("given a read already made, when the listings are read again, then nothing is linked twice and how each was linked is kept", async () => {
    const { channel } = await givenAStoreWithAWalmartAccount();
    await discoverChannelListings(channel.id, { connectorFor });

    const again = await discoverChannelListings(channel.id, { connectorFor });

    expect(again).toMatchObject({ status: "read", found: 5, linkedNow: 0 });
    expect(await prisma.listing.count({ where: { channelId: channel.id } })).toBe(3);
    const found = await prisma.discoveredListing.findMany({ where: { channelId: channel.id, outcome: "LINKED" }, orderBy: { channelSku: "asc" } });
    expect(found.map((d) => d.linkedBy)).toEqual(["EARLIER", "SKU", "BARCODE"]);
  });

  it("given the unmatched listing and the conflict, when the merchant links them by hand, then each becomes a listing of the chosen variant, and a SKU the store lacks is refused naming the field", async () => {
    const { shop, channel, twoPack, lidB, lidA } = await givenAStoreWithAWalmartAccount();
    await discoverChannelListings(channel.id, { connectorFor });
    const mystery = await prisma.discoveredListing.findFirstOrThrow({ where: { channelId: channel.id, channelSku: "WM-MYSTERY" } });
    const lid = await prisma.discoveredListing.findFirstOrThrow({ where: { channelId: channel.id, channelSku: "LID" } });

    expect(await linkDiscoveredListing(shop.id, channel.id, { discoveredId: mystery.id, sku: "KET" }, "merchant")).toEqual({
      ok: false,
      field: "sku",
      message: "No variant has SKU KET; did you mean KET-2, KET-RED?",
    });
    expect(await linkDiscoveredListing(shop.id, channel.id, { discoveredId: lid.id, variantId: twoPack.id }, "merchant")).toMatchObject({
      ok: false,
      field: "variantId",
    });
    expect(await linkDiscoveredListing(shop.id, channel.id, { discoveredId: mystery.id, sku: " ket-2 " }, "merchant")).toEqual({
      ok: true,
      message: "WM-MYSTERY is linked to KET-2.",
    });
    expect(await linkDiscoveredListing(shop.id, channel.id, { discoveredId: lid.id, variantId: lidB.id }, "merchant")).toMatchObject({ ok: true });

    const listings = await prisma.listing.findMany({
      where: { channelId: channel.id, channelSku: { in: ["WM-MYSTERY", "LID"] } },
      orderBy: { channelSku: "asc" },
    });
    expect(listings.map((l) => [l.channelSku, l.variantId, l.observedQuantity, l.staleSince !== null])).toEqual([
      ["LID", lidB.id, 1, true],
      ["WM-MYSTERY", twoPack.id, 2, true],
    ]);
    expect(lidA.id).not.toBe(lidB.id);
    const found = await prisma.discoveredListing.findMany({ where: { channelId: channel.id, channelSku: { in: ["WM-MYSTERY", "LID"] } } });
    expect(found.map((d) => [d.outcome, d.linkedBy])).toEqual([
      ["LINKED", "MANUAL"],
      ["LINKED", "MANUAL"],
    ]);
  });

  it("given another shop's found listing, when linked from this shop, then it is refused and nothing changes", async () => {
    const mine = await givenAStoreWithAWalmartAccount();
    const theirs = await givenAStoreWithAWalmartAccount();
    await discoverChannelListings(theirs.channel.id, { connectorFor });
    const their = await prisma.discoveredListing.findFirstOrThrow({ where: { channelId: theirs.channel.id, channelSku: "WM-MYSTERY" } });

    expect(await linkDiscoveredListing(mine.shop.id, theirs.channel.id, { discoveredId: their.id, sku: "KET-2" }, "merchant")).toMatchObject({
      ok: false,
      field: "discoveredId",
    });
    expect(await prisma.listing.count({ where: { channelId: theirs.channel.id, channelSku: "WM-MYSTERY" } })).toBe(0);
  });

  it("given Walmart refuses the account's credentials, when read, then nothing is linked and the channel says why in words", async () => {
    const { channel } = await givenAStoreWithAWalmartAccount();
    sim.revokeCredentials(WALMART.clientId);

    const result = await discoverChannelListings(channel.id, { connectorFor });

    expect(result).toEqual({ status: "failed", problem: "Walmart refused Anchorline's access: connect the account again." });
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } })).listingsReadProblem).toBe(result.status === "failed" ? result.problem : "");
    expect(await prisma.discoveredListing.count({ where: { channelId: channel.id } })).toBe(0);
  });

  it("given a connector that cannot be built or reads no listings, when read, then the channel says why in words and the read is over", async () => {
    const { channel } = await givenAStoreWithAWalmartAccount();
    const broken = () => {
      throw new ChannelError("Walmart credentials need clientId and clientSecret", { retryable: false, authFailed: true });
    };
    expect(await discoverChannelListings(channel.id, { connectorFor: broken })).toEqual({
      status: "failed",
      problem: "Walmart refused Anchorline's access: connect the account again.",
    });
    const { readListings: _, ...withoutRead } = connectorFor();
    expect(await discoverChannelListings(channel.id, { connectorFor: () => withoutRead as Connector })).toEqual({
      status: "failed",
      problem: "Anchorline cannot read Walmart's listings yet: link them with a CSV.",
    });
    const after = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } });
    expect([after.listingsReadAt !== null, after.listingsReadProblem]).toEqual([true, "Anchorline cannot read Walmart's listings yet: link them with a CSV."]);
  });

  it("given a paused account, when asked to read, then it is skipped; and asking twice while one read waits queues one job", async () => {
    const { shop, channel } = await givenAStoreWithAWalmartAccount();
    await prisma.channel.update({ where: { id: channel.id }, data: { status: "PAUSED" } });
    expect(await discoverChannelListings(channel.id, { connectorFor })).toEqual({ status: "skipped", reason: "not connected" });

    await requestListingDiscovery({ id: channel.id, shopId: shop.id });
    await requestListingDiscovery({ id: channel.id, shopId: shop.id });

    const jobs = (await queues()["order-import"].getJobs(["waiting", "delayed", "prioritized"])).filter(
      (j) => j.data.channelId === channel.id && j.data.discoverListings,
    );
    expect(jobs).toHaveLength(1);
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } })).listingsRequestedAt).not.toBeNull();
  });
});
