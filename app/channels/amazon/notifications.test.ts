import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONTRACTS_DIR } from "../../../simulators/common/openapi";
import { listingChangesInNotification, ordersInNotification } from "./notifications";

// Amazon's own example notification, from the schema it publishes (OrderChangeNotification.json).
const exampleOf = (file: string) =>
  (JSON.parse(readFileSync(path.join(CONTRACTS_DIR, "amazon-sp-api", file), "utf8")) as { examples: Array<Record<string, unknown>> }).examples[0];
const contractExample = () => exampleOf("OrderChangeNotification.json");
const account = { sellerId: "A3TH9S8BH6GOGM", marketplaceId: "ATVPDKIKX0DER" };
const asEventBridgeEvent = (detail: unknown) => ({ version: "0", "detail-type": "ORDER_CHANGE", source: "aws.partner/sellingpartnerapi.amazon/app", detail });

describe("Amazon ORDER_CHANGE notifications", () => {
  it("given Amazon's example notification, bare or inside an EventBridge event, when read, then it is one order with its SKU and quantity", () => {
    const expected = [
      {
        externalOrderId: "903-8868176-2219830",
        status: "Unshipped",
        orderedAt: new Date("2022-07-13T19:42:04.284Z"),
        lines: [{ channelSku: "SellerSKUID1", quantity: 10 }],
        cancelled: false,
        fulfilledByMarketplace: false,
      },
    ];
    expect(ordersInNotification(contractExample(), account)).toEqual(expected);
    expect(ordersInNotification(asEventBridgeEvent(contractExample()), account)).toEqual(expected);
  });

  it("given a cancelled order's notification, when read, then the order comes back marked cancelled", () => {
    const example = contractExample() as { Payload: { OrderChangeNotification: { Summary: { OrderStatus: string } } } };
    example.Payload.OrderChangeNotification.Summary.OrderStatus = "Canceled";
    expect(ordersInNotification(example, account)).toEqual([expect.objectContaining({ cancelled: true, status: "Canceled" })]);
  });

  it("given the notification of an order Amazon fulfils (AFN), when read, then it is marked fulfilled by the marketplace, so Shopify's stock is left alone", () => {
    const example = contractExample() as { Payload: { OrderChangeNotification: { Summary: { FulfillmentType: string } } } };
    example.Payload.OrderChangeNotification.Summary.FulfillmentType = "AFN";
    expect(ordersInNotification(example, account)).toEqual([expect.objectContaining({ fulfilledByMarketplace: true })]);
  });

  it("given another seller's or another marketplace's notification, when read, then nothing is this account's to import", () => {
    expect(ordersInNotification(contractExample(), { ...account, sellerId: "AOTHERSELLER" })).toEqual([]);
    expect(ordersInNotification(contractExample(), { ...account, marketplaceId: "A1F83G8C2ARO7P" })).toEqual([]);
  });

  it("given another notification type, or an order without its items, when read, then it is not an order notification (null)", () => {
    expect(ordersInNotification({ ...contractExample(), NotificationType: "ANY_OFFER_CHANGED" }, account)).toBeNull();
    const example = contractExample() as { Payload: { OrderChangeNotification: { Summary: Record<string, unknown> } } };
    delete example.Payload.OrderChangeNotification.Summary.OrderItems;
    expect(ordersInNotification(example, account)).toBeNull();
    expect(ordersInNotification("not json", account)).toBeNull();
  });
});

describe("Amazon listing change notifications", () => {
  // The schemas' own examples: an MFN quantity change of seller AXXXXXXXXXXXXX, a status change of A3AYAZLIQ7AX77.
  const quantityExample = () => exampleOf("ListingsItemMfnQuantityChange.json") as { Payload: Record<string, unknown> };
  const statusExample = () => exampleOf("ListingsItemStatusChangeNotification.json") as { Payload: Record<string, unknown> };

  it("given Amazon's example MFN quantity change, bare or in an EventBridge event, when read, then it is the SKU's quantity with when Amazon saw it", () => {
    const account = { sellerId: "AXXXXXXXXXXXXX", marketplaceId: "ATVPDKIKX0DER" };
    const expected = [{ channelSku: "NLS-SHOES-03", seenAt: new Date("2021-02-03T18:59:30.194Z"), quantity: 99 }];
    expect(listingChangesInNotification(quantityExample(), account)).toEqual(expected);
    expect(listingChangesInNotification(asEventBridgeEvent(quantityExample()), account)).toEqual(expected);
  });

  it("given Amazon's example status change (BUYABLE, DISCOVERABLE), when read, then it sells; without BUYABLE it does not, and DELETED says so itself", () => {
    const account = { sellerId: "A3AYAZLIQ7AX77", marketplaceId: "ATVPDKIKX0DER" };
    expect(listingChangesInNotification(statusExample(), account)).toEqual([
      { channelSku: "NLS-SHOES-03", seenAt: new Date("2021-02-03T18:59:30.194Z"), status: "BUYABLE, DISCOVERABLE", selling: true },
    ]);
    const hidden = statusExample();
    hidden.Payload.Status = ["DISCOVERABLE"];
    expect(listingChangesInNotification(hidden, account)).toEqual([expect.objectContaining({ status: "DISCOVERABLE", selling: false })]);
    const deleted = statusExample();
    deleted.Payload.Status = ["DELETED"];
    expect(listingChangesInNotification(deleted, account)).toEqual([
      expect.objectContaining({ selling: false, suspension: expect.stringContaining("DELETED") }),
    ]);
  });

  it("given another seller's, another marketplace's or another MFN channel's notification, when read, then nothing of this account; an order notification is not a listing change", () => {
    const quantity = quantityExample();
    expect(listingChangesInNotification(quantity, { sellerId: "ANOTHER", marketplaceId: "ATVPDKIKX0DER" })).toEqual([]);
    quantity.Payload.FulfillmentChannelCode = "SOME_OTHER_MFN_NETWORK";
    expect(listingChangesInNotification(quantity, { sellerId: "AXXXXXXXXXXXXX", marketplaceId: "ATVPDKIKX0DER" })).toEqual([]);
    expect(listingChangesInNotification(statusExample(), { sellerId: "A3AYAZLIQ7AX77", marketplaceId: "A1F83G8C2ARO7P" })).toEqual([]);
    expect(listingChangesInNotification(contractExample(), account)).toBeNull();
  });
});
