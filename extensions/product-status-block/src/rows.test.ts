import { describe, expect, it } from "vitest";
import type { ListingStatus, ProductStatus } from "./contract";
import { appHref, blockContent, formatMoney } from "./rows";

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
      { key: "l1", variant: "Red · KET-RED", channel: "Amazon US", quantity: "8", price: "$54.99", status: "In sync", tone: "success", detail: null, href: "app:/app/inventory?q=KET-RED&explain=l1" },
    ]);
    expect(content.summary).toBe("1 listing on 1 channel; none needs attention.");
    expect(content.empty).toBeNull();
  });

  it("shows what the channel still has while a push is pending, and a listing never pushed", () => {
    const [pending, unpushed] = blockContent(
      product([listing({ syncState: "PENDING", desiredQuantity: 5, pushedQuantity: 8, desiredPriceCents: 4999 }), listing({ listingId: "l2", channelName: "eBay US", pushedQuantity: null, pushedPriceCents: null, syncState: "PENDING" })]),
    ).rows;
    expect(pending).toMatchObject({ quantity: "5 (channel has 8)", price: "$49.99 (channel has $54.99)", status: "Pending", tone: "info" });
    expect(unpushed).toMatchObject({ quantity: "8 (not pushed yet)", price: "$54.99" });
  });

  it("warns of a push held for parity with the reason, and marks a failed push critical with the marketplace's error", () => {
    const content = blockContent(
      product([
        listing({ syncState: "HELD", syncMessage: "Amazon price 40.00 is below eBay's 49.99", problems: [{ kind: "PARITY_VIOLATION", title: "Amazon undercuts eBay" }] }),
        listing({ listingId: "l2", channelName: "eBay US", syncState: "FAILED", syncMessage: "Invalid SKU" }),
      ]),
    );
    expect(content.rows[0]).toMatchObject({ status: "Held: price parity", tone: "warning", detail: "Amazon price 40.00 is below eBay's 49.99 · Price parity: Amazon undercuts eBay" });
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

  it("formats money in the shop's currency and still shows an amount for a malformed code", () => {
    expect(formatMoney(123456, "EUR", "de-DE")).toBe("1.234,56\u00a0€");
    expect(formatMoney(500, "dollars")).toBe("5.00 dollars");
    expect(formatMoney(null, "USD")).toBe("–");
    expect(appHref("app/alerts")).toBe("app:/app/alerts");
  });
});
