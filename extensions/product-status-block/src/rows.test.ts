import { describe, expect, it } from "vitest";
import type { ListingStatus, ProductStatus } from "./contract";
import { appHref, blockContent, formatMoney, MAX_ROWS } from "./rows";

const listing = (change: Partial<ListingStatus> = {}): ListingStatus => ({
  listingId: "l1",
  channelName: "Amazon US",
  channelKind: "AMAZON",
  channelSku: "KET-RED",
  desiredQuantity: 8,
  desiredPriceCents: 5499,
  pushedQuantity: 8,
  pushedPriceCents: 5499,
  driftQuantity: null,
  syncState: "IN_SYNC",
  syncMessage: null,
  recomputing: false,
  problems: [],
  link: "/app/inventory?q=KET-RED&explain=l1",
  ...change,
});

const product = (listings: ListingStatus[]): ProductStatus => ({
  productId: "10",
  title: "Kettle",
  currencyCode: "USD",
  link: "/app/inventory?q=Kettle",
  variants: [{ variantId: "100", title: "Red", sku: "KET-RED", priceCents: 4999, listings }],
});

describe("the product status block's rows", () => {
  it("shows a listing in sync as one quantity and one price, linking into the app", () => {
    const content = blockContent(product([listing()]));
    expect(content.rows).toEqual([
      {
        key: "l1",
        variant: "Red · KET-RED",
        channel: "Amazon US",
        quantity: "8",
        price: "$54.99",
        status: "In sync",
        tone: "success",
        detail: null,
        href: "app:/app/inventory?q=KET-RED&explain=l1",
      },
    ]);
    expect(content.summary).toBe("1 listing on 1 channel; none needs attention.");
    expect(content.empty).toBeNull();
  });

  it("shows what the channel still has while a push is pending, and a listing never pushed", () => {
    const [pending, unpushed] = blockContent(
      product([
        listing({ syncState: "PENDING", desiredQuantity: 5, pushedQuantity: 8, desiredPriceCents: 4999 }),
        listing({ listingId: "l2", channelName: "eBay US", pushedQuantity: null, pushedPriceCents: null, syncState: "PENDING" }),
      ]),
    ).rows;
    expect(pending).toMatchObject({ quantity: "5 (channel has 8)", price: "$49.99 (channel has $54.99)", status: "Pending", tone: "info" });
    expect(unpushed).toMatchObject({ quantity: "8 (not pushed yet)", price: "$54.99" });
  });

  it("warns of a push held for parity with the reason, and marks a failed push critical with the marketplace's error", () => {
    const content = blockContent(
      product([
        listing({
          syncState: "HELD",
          syncMessage: "Amazon price 40.00 is below eBay's 49.99",
          problems: [{ kind: "PARITY_VIOLATION", title: "Amazon undercuts eBay" }],
        }),
        listing({ listingId: "l2", channelName: "eBay US", syncState: "FAILED", syncMessage: "Invalid SKU" }),
      ]),
    );
    expect(content.rows[0]).toMatchObject({
      status: "Held: price parity",
      tone: "warning",
      detail: "Amazon price 40.00 is below eBay's 49.99 · Price parity: Amazon undercuts eBay",
    });
    expect(content.rows[1]).toMatchObject({ status: "Failed", tone: "critical", detail: "Invalid SKU" });
    expect(content.summary).toBe("2 listings on 2 channels; 2 need attention.");
  });

  it("flags drift and an oversell on a listing that is otherwise in sync", () => {
    const [drift, oversold] = blockContent(
      product([listing({ driftQuantity: 3 }), listing({ listingId: "l2", problems: [{ kind: "OVERSELL", title: "Order 12-345 took 3, anchor had 1" }] })]),
    ).rows;
    expect(drift).toMatchObject({ status: "Needs attention", tone: "warning", detail: "Channel shows 3, Anchorline pushed 8" });
    expect(oversold).toMatchObject({ status: "Needs attention", tone: "critical", detail: "Oversold: Order 12-345 took 3, anchor had 1" });
  });

  it("says a recompute is under way rather than 'in sync' when a change waits for the engine", () => {
    expect(blockContent(product([listing({ recomputing: true })])).rows[0]).toMatchObject({ status: "Recomputing", tone: "info" });
  });

  it("offers the way into the app when the product is on no channel", () => {
    const content = blockContent(product([]));
    expect(content.rows).toEqual([]);
    expect(content.summary).toBe("Not on any marketplace yet.");
    expect(content.empty).toEqual({ text: "Link this product's variants to marketplace listings in Anchorline.", href: "app:/app/inventory?q=Kettle" });
  });

  it("given a product whose listings fit in the block, then it shows every row in variant order and no 'more' link", () => {
    const listings = Array.from({ length: MAX_ROWS }, (_, i) => listing({ listingId: `l${i}`, syncState: i === MAX_ROWS - 1 ? "FAILED" : "IN_SYNC" }));
    const content = blockContent(product(listings));
    expect(content.rows.map((r) => r.key)).toEqual(listings.map((l) => l.listingId));
    expect(content.more).toBeNull();
  });

  it("given a product of 100 variants on 4 channels, when two listings have problems, then it shows those two first, a few more, and links to the other 392", () => {
    const channels = ["Amazon US", "eBay US", "Walmart", "TikTok Shop"];
    const variants = Array.from({ length: 100 }, (_, v) => ({
      variantId: String(1000 + v),
      title: `Size ${v + 1}`,
      sku: `KET-${v + 1}`,
      priceCents: 4999,
      listings: channels.map((channelName, c) =>
        listing({
          listingId: `v${v + 1}-c${c}`,
          channelName,
          ...(v === 56 && c === 1 ? { syncState: "FAILED" as const, syncMessage: "Invalid SKU" } : {}),
          ...(v === 89 && c === 2 ? { driftQuantity: 3 } : {}),
        }),
      ),
    }));
    const content = blockContent({ ...product([]), variants });

    expect(MAX_ROWS).toBeLessThanOrEqual(10);
    expect(content.rows).toHaveLength(MAX_ROWS);
    expect(content.rows.slice(0, 2)).toMatchObject([
      { key: "v57-c1", variant: "Size 57 · KET-57", channel: "eBay US", status: "Failed", tone: "critical" },
      { key: "v90-c2", variant: "Size 90 · KET-90", channel: "Walmart", status: "Needs attention", tone: "warning" },
    ]);
    // Then the first listings in variant order fill the rest of the block.
    const inOrder = variants.flatMap((v) => v.listings.map((l) => l.listingId)).filter((key) => key !== "v57-c1" && key !== "v90-c2");
    expect(content.rows.slice(2).map((r) => r.key)).toEqual(inOrder.slice(0, MAX_ROWS - 2));
    expect(content.summary).toBe("400 listings on 4 channels; 2 need attention.");
    expect(content.more).toEqual({ text: `and ${400 - MAX_ROWS} more — open in Anchorline`, href: "app:/app/inventory?q=Kettle" });
  });

  it("given more listings with problems than the block shows, then it shows only those and says how many of the rest need attention", () => {
    const listings = Array.from({ length: 30 }, (_, i) => listing({ listingId: `l${i}`, syncState: i < MAX_ROWS + 2 ? "FAILED" : "IN_SYNC" }));
    const content = blockContent(product(listings));
    expect(content.rows.every((r) => r.tone === "critical")).toBe(true);
    expect(content.more?.text).toBe(`and ${30 - MAX_ROWS} more (2 need attention) — open in Anchorline`);
  });

  it("formats money in the shop's currency and still shows an amount for a malformed code", () => {
    expect(formatMoney(123456, "EUR", "de-DE")).toBe("1.234,56\u00a0€");
    expect(formatMoney(500, "dollars")).toBe("5.00 dollars");
    expect(formatMoney(null, "USD")).toBe("–");
    expect(appHref("app/alerts")).toBe("app:/app/alerts");
  });
});
