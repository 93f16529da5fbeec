import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ShopifySimulator } from "./server";
import { adminClient, raw, SECRET, SHOP, simulatorWith } from "./test-helpers";
import { CONTRACTS_WEBHOOKS } from "./webhooks";

interface Received {
  headers: Record<string, string>;
  body: string;
}
let received: Received[] = [];
let receiver: Server;
let sim: ShopifySimulator;
let variantGid: string;
let itemId: string;
let popUp: string, main: string, berlin: string;

const SCOPES = "read_products,read_inventory,write_inventory,read_locations,write_orders";
const verify = (r: Received) => {
  const expected = createHmac("sha256", SECRET).update(r.body, "utf8").digest();
  const given = Buffer.from(r.headers["x-shopify-hmac-sha256"], "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
};
const required = (topic: string) =>
  (JSON.parse(readFileSync(`${CONTRACTS_WEBHOOKS}/schemas/2026-04/${topic}.json`, "utf8")) as { required: string[] }).required;
const example = (topic: string) =>
  (
    JSON.parse(readFileSync(`${CONTRACTS_WEBHOOKS}/metadatas/2026-04/${topic}.json`, "utf8")) as {
      response: Record<string, unknown> & { line_items: object[] };
    }
  ).response;
const topics = () => received.map((r) => r.headers["x-shopify-topic"]);
const body = (topic: string) => JSON.parse(received.find((r) => r.headers["x-shopify-topic"] === topic)!.body);
const level = (location: string) => sim.store.getLevel(SHOP, itemId, location)!;

const CREATE = (directive = "") => `mutation($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) ${directive} {
    order { id name tags sourceIdentifier displayFulfillmentStatus cancelledAt lineItems(first: 10) { nodes { id quantity sku unfulfilledQuantity variant { id } } } }
    userErrors { field message code }
  }
}`;
const READ = `query($id: ID!) { order(id: $id) { id name tags displayFulfillmentStatus cancelledAt closed
  lineItems(first: 10) { nodes { quantity unfulfilledQuantity currentQuantity } }
  fulfillments { name trackingInfo { company number url } } } }`;

interface UserErrorView {
  field: string[] | null;
  message: string;
  code: string | null;
}
interface OrderView {
  id: string;
  name: string;
  tags: string[];
  sourceIdentifier: string | null;
  displayFulfillmentStatus: string;
  cancelledAt: string | null;
  lineItems: { nodes: { id: string; quantity: number; sku: string; unfulfilledQuantity: number; variant: { id: string } | null }[] };
}
type CreateResult = { orderCreate: { order: OrderView | null; userErrors: UserErrorView[] } | null };

const lineFor = (quantity: number, extra: Record<string, unknown> = {}) => ({
  variantId: variantGid,
  quantity,
  priceSet: { shopMoney: { amount: "19.90", currencyCode: "EUR" } },
  ...extra,
});
const marketplaceOrder = (sourceIdentifier: string, quantity = 1) => ({
  lineItems: [lineFor(quantity)],
  tags: ["anchorline", "amazon"],
  sourceName: "channel:amazon-de",
  sourceIdentifier,
  email: "buyer@example.com",
  shippingAddress: { firstName: "Erika", lastName: "Muster", address1: "Hauptstr. 1", city: "Berlin", zip: "10115", countryCode: "DE" },
  taxLines: [{ title: "MwSt", rate: "0.19", priceSet: { shopMoney: { amount: "3.18", currencyCode: "EUR" } } }],
  // Paid in full: 19.90 a unit plus the 3.18 of tax.
  transactions: [
    {
      kind: "SALE",
      status: "SUCCESS",
      gateway: "amazon",
      amountSet: { shopMoney: { amount: ((1990 * quantity + 318) / 100).toFixed(2), currencyCode: "EUR" } },
    },
  ],
});
const create = (order: object, options?: object, directive?: string) => raw<CreateResult>(adminClient(sim), CREATE(directive), { order, options });
const orderCount = () => sim.store.shop(SHOP).orders.length;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString("utf8") });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
  sim = await simulatorWith(
    { products: 2, variantsPerProduct: 2, locations: 3, seed: 21, stockedRatio: 1, locationNames: ["Munich Pop-up", "Main Warehouse", "Berlin Store"] },
    { webhookUrl: url, scopes: SCOPES },
  );
  // These stories read orders back by search at once; the index's lag has its own story below.
  sim.store.orderSearchLagMs = 0;
  const shop = sim.store.shop(SHOP);
  variantGid = `gid://shopify/ProductVariant/${shop.variants[0].id}`;
  itemId = shop.variants[0].inventoryItem.id;
  [popUp, main, berlin] = shop.locations.map((l) => l.id);
});
afterAll(async () => {
  await sim.stop();
  await new Promise((r) => receiver.close(r));
});
beforeEach(async () => {
  // The pop-up (no online orders) holds the most, the first online location too few for 3 units.
  sim.store.setAvailable(SHOP, itemId, popUp, 10);
  sim.store.setAvailable(SHOP, itemId, main, 1);
  sim.store.setAvailable(SHOP, itemId, berlin, 5);
  await sim.deliveries.settled();
  received = [];
});

describe("orderCreate (2026-10)", () => {
  it("given write_orders and no inventoryBehaviour (BYPASS), when a marketplace order is created, then it reads back by order(id) and orders(query: source_identifier) unfulfilled, orders/create is sent and no stock moves", async () => {
    const before = [level(popUp), level(main), level(berlin)];
    const res = await create(marketplaceOrder("AMZ-100", 2));
    expect(res.errors).toBeUndefined();
    const created = res.data!.orderCreate!;
    expect(created.userErrors).toEqual([]);
    expect(created.order!.tags.toSorted()).toEqual(["amazon", "anchorline"]);
    expect(created.order).toMatchObject({
      sourceIdentifier: "AMZ-100",
      displayFulfillmentStatus: "UNFULFILLED",
      cancelledAt: null,
    });
    expect(created.order!.lineItems.nodes).toEqual([
      {
        id: expect.stringMatching(/^gid:\/\/shopify\/LineItem\/\d+$/),
        quantity: 2,
        sku: sim.store.shop(SHOP).variants[0].sku,
        unfulfilledQuantity: 2,
        variant: { id: variantGid },
      },
    ]);
    const read = await raw<{ order: { id: string; name: string; tags: string[] } }>(adminClient(sim), READ, { id: created.order!.id });
    expect(read.data!.order).toMatchObject({ id: created.order!.id, name: created.order!.name, tags: expect.arrayContaining(["anchorline", "amazon"]) });
    const found = await raw<{ orders: { nodes: { id: string }[] } }>(
      adminClient(sim),
      `{ orders(first: 5, query: "source_identifier:AMZ-100 tag:amazon") { nodes { id } } }`,
    );
    expect(found.data!.orders.nodes).toEqual([{ id: created.order!.id }]);
    const none = await raw<{ orders: { nodes: { id: string }[] } }>(
      adminClient(sim),
      `{ orders(first: 5, query: "source_identifier:AMZ-100 tag_not:amazon") { nodes { id } } }`,
    );
    expect(none.data!.orders.nodes).toEqual([]);
    expect([level(popUp), level(main), level(berlin)]).toEqual(before);
    await sim.deliveries.settled();
    expect(topics()).toEqual(["orders/create"]);
    const payload = body("orders/create");
    for (const key of required("orders/create")) expect(payload).toHaveProperty(key);
    expect(payload).toMatchObject({
      source_identifier: "AMZ-100",
      email: "buyer@example.com",
      customer: null,
      total_price: "42.98",
      total_tax: "3.18",
      financial_status: "paid",
    });
    expect(payload.shipping_address).toMatchObject({ city: "Berlin", country_code: "DE", name: "Erika Muster" });
  });

  it("given line items with tax lines (the channel liable, the merchant liable, liability unknown, liability left out), when orderCreate is sent, then each line reads back its tax lines with title, rate, priceSet and channelLiable true, false, null or the schema's default false, totalTaxSet adds them, and orders/create carries them as tax_lines; a rate that is no decimal is INVALID on its field and creates nothing", async () => {
    const tax = (title: string, rate: string, amount: string, channelLiable?: boolean | null) => ({
      title,
      rate,
      priceSet: { shopMoney: { amount, currencyCode: "EUR" } },
      ...(channelLiable === undefined ? {} : { channelLiable }),
    });
    const lines = [
      lineFor(2, { taxLines: [tax("Sales tax (collected and remitted by Amazon)", "0.0725", "2.89", true)] }),
      lineFor(1, { taxLines: [tax("Sales tax", "0.06", "1.19", false), tax("County tax", "0.01", "0.20", null), tax("City tax", "0.005", "0.10")] }),
    ];
    const res = await create({ ...marketplaceOrder("AMZ-TAX"), taxLines: undefined, transactions: undefined, lineItems: lines });
    expect(res.data!.orderCreate!.userErrors).toEqual([]);
    const read = await raw<{
      order: { totalTaxSet: { shopMoney: { amount: string } }; lineItems: { nodes: Array<{ taxLines: unknown[] }> } };
    }>(
      adminClient(sim),
      `query($id: ID!) { order(id: $id) { totalTaxSet { shopMoney { amount } }
        lineItems(first: 5) { nodes { taxLines { title rate ratePercentage channelLiable priceSet { shopMoney { amount currencyCode } } } } } } }`,
      { id: res.data!.orderCreate!.order!.id },
    );
    const shown = (title: string, rate: number, amount: string, channelLiable: boolean | null) => ({
      title,
      rate,
      ratePercentage: expect.closeTo(rate * 100, 6),
      channelLiable,
      priceSet: { shopMoney: { amount, currencyCode: "EUR" } },
    });
    expect(read.data!.order.lineItems.nodes.map((l) => l.taxLines)).toEqual([
      [shown("Sales tax (collected and remitted by Amazon)", 0.0725, "2.89", true)],
      [shown("Sales tax", 0.06, "1.19", false), shown("County tax", 0.01, "0.20", null), shown("City tax", 0.005, "0.10", false)],
    ]);
    expect(read.data!.order.totalTaxSet.shopMoney.amount).toBe("4.38");
    await sim.deliveries.settled();
    const payload = body("orders/create") as { total_tax: string; line_items: Array<{ tax_lines: unknown[] }> };
    expect(payload.total_tax).toBe("4.38");
    expect(payload.line_items[0].tax_lines).toEqual([
      {
        title: "Sales tax (collected and remitted by Amazon)",
        rate: 0.0725,
        price: "2.89",
        price_set: { shop_money: { amount: "2.89", currency_code: "EUR" }, presentment_money: { amount: "2.89", currency_code: "EUR" } },
        channel_liable: true,
      },
    ]);

    const count = orderCount();
    const bad = await create({ lineItems: [lineFor(1, { taxLines: [tax("Sales tax", "7.25%", "1.44", true)] })] });
    expect(bad.data!.orderCreate).toEqual({
      order: null,
      userErrors: [{ field: ["order", "lineItems", "0", "taxLines", "0", "rate"], message: expect.any(String), code: "INVALID" }],
    });
    expect(orderCount()).toBe(count);
  });

  it("given DECREMENT_IGNORING_POLICY, when 3 units are ordered, then they are claimed (available -> committed) at the first online location with 3 available, skipping the pop-up and a location with 1, and inventory_levels/update follows; 50 units go below zero at the first online location stocking it", async () => {
    const res = await create(marketplaceOrder("AMZ-200", 3), { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" });
    expect(res.data!.orderCreate!.userErrors).toEqual([]);
    expect(level(berlin)).toMatchObject({ available: 2, committed: expect.any(Number) });
    expect(level(popUp).available).toBe(10);
    expect(level(main).available).toBe(1);
    await sim.deliveries.settled();
    expect(topics()).toEqual(["orders/create", "inventory_levels/update"]);
    expect(body("inventory_levels/update")).toMatchObject({ available: 2 });
    expect(received[1].body).toContain(`"location_id":${berlin},`);

    const committedBefore = level(main).committed;
    const big = await create(marketplaceOrder("AMZ-201", 50), { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" });
    expect(big.data!.orderCreate!.userErrors).toEqual([]);
    expect(level(main)).toMatchObject({ available: -49, committed: committedBefore + 50 });
  });

  it("given DECREMENT_OBEYING_POLICY (variants DENY), when more units are ordered than any online location has, then INVENTORY_CLAIM_FAILED, no order and no stock change; with enough it claims", async () => {
    const count = orderCount();
    const res = await create(marketplaceOrder("AMZ-300", 6), { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" });
    expect(res.data!.orderCreate!.order).toBeNull();
    expect(res.data!.orderCreate!.userErrors).toEqual([{ field: ["order", "lineItems", "0"], message: expect.any(String), code: "INVENTORY_CLAIM_FAILED" }]);
    expect(orderCount()).toBe(count);
    expect([level(main).available, level(berlin).available, level(popUp).available]).toEqual([1, 5, 10]);

    const ok = await create(marketplaceOrder("AMZ-301", 5), { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" });
    expect(ok.data!.orderCreate!.userErrors).toEqual([]);
    expect(level(berlin).available).toBe(0);
  });

  it("given an order just created, when searched at once, then the search does not find it yet (Shopify's index lags), while order(id) reads it; a few seconds later the search finds it", async () => {
    sim.store.orderSearchLagMs = 3_000;
    const clock = sim.store.now;
    try {
      const created = (await create(marketplaceOrder("AMZ-LAG", 1))).data!.orderCreate!.order!;
      const search = () =>
        raw<{ orders: { nodes: { id: string }[] } }>(adminClient(sim), `{ orders(first: 5, query: "source_identifier:AMZ-LAG") { nodes { id } } }`);
      expect((await search()).data!.orders.nodes).toEqual([]);
      expect((await raw<{ order: { id: string } }>(adminClient(sim), READ, { id: created.id })).data!.order.id).toBe(created.id);
      sim.store.now = () => clock() + 5_000;
      expect((await search()).data!.orders.nodes).toEqual([{ id: created.id }]);
    } finally {
      sim.store.now = clock;
      sim.store.orderSearchLagMs = 0;
    }
  });

  it("given one @idempotent key sent twice, when orderCreate is retried, then two orders exist: 2026-10 documents no idempotency for orderCreate, so the client must find its order by source_identifier before retrying", async () => {
    const count = orderCount();
    const first = await create(marketplaceOrder("AMZ-400"), undefined, '@idempotent(key: "same-key")');
    const second = await create(marketplaceOrder("AMZ-400"), undefined, '@idempotent(key: "same-key")');
    expect(first.data!.orderCreate!.order!.id).not.toBe(second.data!.orderCreate!.order!.id);
    expect(orderCount()).toBe(count + 2);
    const found = await raw<{ orders: { nodes: { id: string }[] } }>(
      adminClient(sim),
      `{ orders(first: 5, query: "source_identifier:AMZ-400") { nodes { id } } }`,
    );
    expect(found.data!.orders.nodes).toHaveLength(2);
  });

  it("given an unknown variant, no line items or a zero quantity, when orderCreate is sent, then userErrors INVALID name the input field, order is null and nothing is created", async () => {
    const count = orderCount();
    const unknown = await create({ lineItems: [{ ...lineFor(1), variantId: "gid://shopify/ProductVariant/1" }] });
    expect(unknown.data!.orderCreate).toEqual({
      order: null,
      userErrors: [{ field: ["order", "lineItems", "0", "variantId"], message: expect.any(String), code: "INVALID" }],
    });
    for (const order of [{ tags: ["x"] }, { lineItems: [] }]) {
      const missing = await create(order);
      expect(missing.data!.orderCreate!.userErrors).toEqual([{ field: ["order", "lineItems"], message: expect.any(String), code: "INVALID" }]);
    }
    const zero = await create({ lineItems: [lineFor(0)] });
    expect(zero.data!.orderCreate!.userErrors).toEqual([{ field: ["order", "lineItems", "0", "quantity"], message: expect.any(String), code: "INVALID" }]);
    const noQuantity = await create({ lineItems: [{ variantId: variantGid }] });
    expect(noQuantity.errors?.[0].message).toMatch(/quantity/);
    expect(orderCount()).toBe(count);
  });

  it("given a token without write_orders, when orderCreate is sent, then ACCESS_DENIED with data.orderCreate null and no order; orders cannot be read without read_orders either", async () => {
    const bare = await simulatorWith({ products: 1, variantsPerProduct: 1, locations: 1, seed: 3, stockedRatio: 1 });
    try {
      const variant = `gid://shopify/ProductVariant/${bare.store.shop(SHOP).variants[0].id}`;
      const res = await raw<CreateResult>(adminClient(bare), CREATE(), { order: { lineItems: [{ variantId: variant, quantity: 1 }] } });
      expect(res.data).toEqual({ orderCreate: null });
      expect(res.errors?.[0]).toMatchObject({
        message: "Access denied for orderCreate field. Required access: `write_orders` access scope.",
        extensions: { code: "ACCESS_DENIED", requiredAccess: "`write_orders` access scope." },
        path: ["orderCreate"],
      });
      expect(bare.store.shop(SHOP).orders).toHaveLength(0);
      const read = await raw(adminClient(bare), `{ orders(first: 1) { nodes { id } } }`);
      expect(read.errors?.[0].extensions).toMatchObject({ code: "ACCESS_DENIED" });
    } finally {
      await bare.stop();
    }
  });
});

describe("the merchant fulfils and cancels in the admin", () => {
  const claimedOrder = async (sourceIdentifier: string, quantity: number, lines?: object[]) => {
    const res = await create(
      { ...marketplaceOrder(sourceIdentifier, quantity), ...(lines ? { lineItems: lines } : {}) },
      { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" },
    );
    expect(res.data!.orderCreate!.userErrors).toEqual([]);
    await sim.deliveries.settled();
    received = [];
    return res.data!.orderCreate!.order!;
  };

  it("given a claimed order, when the merchant fulfils it with UPS tracking, then fulfillments/create has the example's keys with tracking_company/number/numbers/url and the line, orders/fulfilled and orders/updated follow, and committed units leave", async () => {
    const order = await claimedOrder("AMZ-500", 2);
    const before = level(berlin);
    sim.store.fulfillOrder(SHOP, order.id, { trackingCompany: "UPS", trackingNumber: "1Z999AA10123456784" });
    await sim.deliveries.settled();
    expect(topics()).toEqual(["fulfillments/create", "orders/fulfilled", "orders/updated", "inventory_levels/update"]);
    expect(received.every(verify)).toBe(true);

    const f = body("fulfillments/create");
    const shape = example("fulfillments/create");
    expect(Object.keys(f).sort()).toEqual(Object.keys(shape).sort());
    for (const key of required("fulfillments/create")) expect(f).toHaveProperty(key);
    expect(Object.keys(f.line_items[0]).sort()).toEqual(Object.keys(shape.line_items[0]).sort());
    expect(f).toMatchObject({
      status: "success",
      tracking_company: "UPS",
      tracking_number: "1Z999AA10123456784",
      tracking_numbers: ["1Z999AA10123456784"],
      tracking_url: "https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1Z999AA10123456784",
      tracking_urls: ["https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1Z999AA10123456784"],
      name: `${order.name}.1`,
      email: "buyer@example.com",
    });
    const orderDigits = order.id.split("/").pop()!;
    const lineDigits = order.lineItems.nodes[0].id.split("/").pop()!;
    expect(received[0].body).toContain(`"order_id":${orderDigits},`);
    expect(received[0].body).toContain(`"location_id":${berlin},`);
    expect(received[0].body).toContain(`"id":${lineDigits},`);
    expect(f.line_items[0]).toMatchObject({ quantity: 2, sku: order.lineItems.nodes[0].sku, fulfillment_status: "fulfilled" });

    for (const topic of ["orders/fulfilled", "orders/updated"]) {
      const o = body(topic);
      expect(Object.keys(o).sort()).toEqual(Object.keys(example(topic)).sort());
      for (const key of required(topic)) expect(o).toHaveProperty(key);
      expect(o).toMatchObject({ fulfillment_status: "fulfilled", fulfillments: [{ tracking_number: "1Z999AA10123456784" }] });
    }
    expect(level(berlin)).toEqual({ ...before, committed: before.committed - 2, on_hand: before.on_hand - 2 });

    const read = await raw<{ order: { displayFulfillmentStatus: string; closed: boolean; fulfillments: unknown[] } }>(adminClient(sim), READ, { id: order.id });
    expect(read.data!.order).toMatchObject({
      displayFulfillmentStatus: "FULFILLED",
      closed: true,
      fulfillments: [{ name: `${order.name}.1`, trackingInfo: [{ company: "UPS", number: "1Z999AA10123456784", url: expect.stringContaining("ups.com") }] }],
    });
  });

  it("given an order of two lines, when the merchant fulfils one unit of one line, then orders/partially_fulfilled is sent and the order reads PARTIALLY_FULFILLED", async () => {
    const other = `gid://shopify/ProductVariant/${sim.store.shop(SHOP).variants[1].id}`;
    const order = await claimedOrder("AMZ-600", 2, [lineFor(2), lineFor(1, { variantId: other })]);
    sim.store.fulfillOrder(SHOP, order.id, { trackingCompany: "DHL", trackingNumber: "JD0001", lineItems: [{ id: order.lineItems.nodes[0].id, quantity: 1 }] });
    await sim.deliveries.settled();
    expect(topics().slice(0, 3)).toEqual(["fulfillments/create", "orders/partially_fulfilled", "orders/updated"]);
    const f = body("fulfillments/create");
    expect(f).toMatchObject({ tracking_company: "DHL", tracking_number: "JD0001", tracking_url: null, tracking_urls: [] });
    expect(f.line_items).toHaveLength(1);
    expect(f.line_items[0]).toMatchObject({ quantity: 1, fulfillment_status: "partial" });
    expect(body("orders/partially_fulfilled").fulfillment_status).toBe("partial");
    const read = await raw<{ order: { displayFulfillmentStatus: string; lineItems: { nodes: { unfulfilledQuantity: number }[] } } }>(adminClient(sim), READ, {
      id: order.id,
    });
    expect(read.data!.order.displayFulfillmentStatus).toBe("PARTIALLY_FULFILLED");
    expect(read.data!.order.lineItems.nodes.map((l) => l.unfulfilledQuantity)).toEqual([1, 1]);
    expect(() => sim.store.fulfillOrder(SHOP, order.id, { lineItems: [{ id: order.lineItems.nodes[0].id, quantity: 2 }] })).toThrow(/1 unit\(s\) left/);
  });

  it("given a claimed order, when the merchant cancels it with restock, then orders/cancelled (the example's keys, cancelled_at, cancel_reason) and orders/updated are sent, the units are available again, and a fulfilled order cannot be cancelled", async () => {
    const order = await claimedOrder("AMZ-700", 3);
    expect(level(berlin).available).toBe(2);
    sim.store.cancelOrder(SHOP, order.id, { reason: "CUSTOMER" });
    await sim.deliveries.settled();
    expect(topics()).toEqual(["orders/cancelled", "orders/updated", "inventory_levels/update"]);
    const c = body("orders/cancelled");
    expect(Object.keys(c).sort()).toEqual(Object.keys(example("orders/cancelled")).sort());
    for (const key of required("orders/cancelled")) expect(c).toHaveProperty(key);
    expect(c).toMatchObject({ cancel_reason: "customer", cancelled_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), source_identifier: "AMZ-700" });
    expect(c.line_items[0]).toMatchObject({ quantity: 3, current_quantity: 0, fulfillable_quantity: 0 });
    expect(level(berlin).available).toBe(5);
    expect(body("inventory_levels/update")).toMatchObject({ available: 5 });
    const read = await raw<{ order: { cancelledAt: string | null } }>(adminClient(sim), READ, { id: order.id });
    expect(read.data!.order.cancelledAt).not.toBeNull();
    const cancelled = await raw<{ orders: { nodes: { id: string }[] } }>(
      adminClient(sim),
      `{ orders(first: 5, query: "status:cancelled source_identifier:AMZ-700") { nodes { id } } }`,
    );
    expect(cancelled.data!.orders.nodes).toEqual([{ id: order.id }]);
    expect(() => sim.store.cancelOrder(SHOP, order.id)).toThrow(/already cancelled/);

    const shipped = await claimedOrder("AMZ-701", 1);
    sim.store.fulfillOrder(SHOP, shipped.id, { trackingCompany: "UPS", trackingNumber: "1Z1" });
    expect(() => sim.store.cancelOrder(SHOP, shipped.id)).toThrow(/fulfillments/);
  });
});
