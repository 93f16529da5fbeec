// orderCreate and the order reads (order, orders, Order, LineItem, Fulfillment) as API 2026-10 has them.
// - Access: orderCreate needs `write_orders`, order reads `read_orders` (write_orders implies it); a
//   missing scope is a top-level ACCESS_DENIED error with `data.<field>: null`, as Shopify answers.
// - Idempotency: orderCreate's description in 2026-10 documents no idempotency support, and the
//   @idempotent directive is "Only supported on mutations that explicitly document idempotency support
//   in their description" (its own description). A key given anyway protects nothing here: every call
//   creates an order. A client must deduplicate itself (e.g. orders(query: "source_identifier:...")).
// - Inventory (OrderCreateOptionsInput.inventoryBehaviour, default BYPASS): BYPASS claims nothing;
//   DECREMENT_IGNORING_POLICY claims each tracked variant's units (available -> committed) at the
//   location order routing picks, even below zero; DECREMENT_OBEYING_POLICY follows the variant's
//   inventory policy (every simulated variant is DENY) and refuses the order with
//   INVENTORY_CLAIM_FAILED when no location has the units. The input has no location: routing takes the
//   first active location that fulfils online orders and stocks the item with enough available (in the
//   shop's location order), else (ignoring policy) the first one stocking it.
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { gid, idOf, parseGid } from "../ids";
import { searchFilter, type SearchFields } from "../search";
import type { ShopState } from "../store";
import type { AddressRec, FulfillmentRec, LocationRec, OrderLineRec, OrderRec, TaxLineRec, TransactionRec, VariantRec } from "../types";
import { connection, pathOf, type ConnectionArgs } from "./connection";
import { isoTime, type ResolverContext, type ResolverMap, type UserError } from "./context";

/** Throws Shopify's ACCESS_DENIED unless the app holds one of `scopes` on the shop. */
export function requireScope(shop: ShopState, info: GraphQLResolveInfo, scope: string): void {
  if (shop.scopes.has(scope)) return;
  const requiredAccess = `\`${scope}\` access scope.`;
  throw new GraphQLError(`Access denied for ${info.fieldName} field. Required access: ${requiredAccess}`, {
    nodes: info.fieldNodes,
    path: pathOf(info),
    extensions: { code: "ACCESS_DENIED", documentation: "https://shopify.dev/api/usage/access-scopes", requiredAccess },
  });
}

interface MoneyInput {
  amount: string;
  currencyCode: string;
}
interface MoneyBagInput {
  shopMoney: MoneyInput;
  presentmentMoney?: MoneyInput | null;
}
interface TaxLineInput {
  title: string;
  rate: string;
  priceSet?: MoneyBagInput | null;
  channelLiable?: boolean | null;
}
interface LineItemInput {
  variantId?: string | null;
  productId?: string | null;
  quantity: number;
  priceSet?: MoneyBagInput | null;
  title?: string | null;
  variantTitle?: string | null;
  sku?: string | null;
  vendor?: string | null;
  requiresShipping?: boolean | null;
  taxable?: boolean | null;
  taxLines?: TaxLineInput[] | null;
  giftCard?: boolean | null;
  fulfillmentService?: string | null;
}
interface AddressInput {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  provinceCode?: string | null;
  countryCode?: string | null;
  zip?: string | null;
  phone?: string | null;
}
interface TransactionInput {
  amountSet: MoneyBagInput;
  kind?: string | null;
  status?: string | null;
  gateway?: string | null;
  test?: boolean | null;
  processedAt?: string | null;
}
export interface OrderCreateOrderInput {
  lineItems?: LineItemInput[] | null;
  tags?: string[] | null;
  sourceName?: string | null;
  sourceIdentifier?: string | null;
  email?: string | null;
  phone?: string | null;
  note?: string | null;
  currency?: string | null;
  presentmentCurrency?: string | null;
  processedAt?: string | null;
  shippingAddress?: AddressInput | null;
  taxLines?: TaxLineInput[] | null;
  taxesIncluded?: boolean | null;
  test?: boolean | null;
  transactions?: TransactionInput[] | null;
  financialStatus?: string | null;
  customer?: unknown;
  customerId?: string | null;
  [other: string]: unknown;
}
export interface OrderCreateOptionsInput {
  inventoryBehaviour?: "BYPASS" | "DECREMENT_IGNORING_POLICY" | "DECREMENT_OBEYING_POLICY" | null;
  sendReceipt?: boolean | null;
  sendFulfillmentReceipt?: boolean | null;
}

/**
 * Inputs that would change the order in ways the simulator does not model: refused with an explicit
 * NOT_SIMULATED error rather than silently ignored.
 */
const NOT_SIMULATED_INPUTS = ["customer", "customerId", "companyLocationId", "discountCode", "fulfillment", "fulfillmentStatus", "shippingLines"];

const invalid = (field: string[], message: string): UserError => ({ field, message, code: "INVALID" });

/** Decimal strings to cents without a float in between. */
function cents(amount: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,2})\d*)?$/.exec(amount.trim());
  if (!m) return NaN;
  return (m[1] ? -1 : 1) * (Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0")));
}
export const money = (c: number): string => (c / 100).toFixed(2);

function checkMoney(bag: MoneyBagInput, path: string[], currency: string, presentment: string, errors: UserError[]): void {
  if (bag.shopMoney.currencyCode !== currency)
    errors.push(invalid([...path, "shopMoney", "currencyCode"], `Currency ${bag.shopMoney.currencyCode} does not match the order's currency ${currency}.`));
  if (bag.presentmentMoney && bag.presentmentMoney.currencyCode !== presentment) {
    errors.push(
      invalid(
        [...path, "presentmentMoney", "currencyCode"],
        `Currency ${bag.presentmentMoney.currencyCode} does not match the order's presentment currency ${presentment}.`,
      ),
    );
  }
  if (!(cents(bag.shopMoney.amount) >= 0)) errors.push(invalid([...path, "shopMoney", "amount"], "Amount must be a non-negative decimal."));
}

function taxLines(input: TaxLineInput[] | null | undefined): TaxLineRec[] {
  return (input ?? []).map((t) => ({
    title: t.title,
    rate: String(t.rate),
    amount: t.priceSet ? money(cents(t.priceSet.shopMoney.amount)) : null,
    // Left out, the schema's default (false); a null given is kept: "A value of `null` indicates
    // unknown liability for the tax line."
    channelLiable: t.channelLiable ?? null,
  }));
}

/**
 * A tax line as OrderCreateTaxLineInput takes it: its priceSet in the order's currencies, and its
 * required `rate` ("The proportion of the item price that the tax represents as a decimal"), a
 * Decimal the introspected schema cannot check (its custom scalars take any value): a non-negative
 * decimal, else INVALID on the field (our reading of how Shopify refuses it).
 */
function checkTaxLine(t: TaxLineInput, path: string[], currency: string, presentment: string, errors: UserError[]): void {
  if (t.priceSet) checkMoney(t.priceSet, [...path, "priceSet"], currency, presentment, errors);
  if (!/^\d+(\.\d+)?$/.test(String(t.rate).trim())) errors.push(invalid([...path, "rate"], "Rate must be a non-negative decimal."));
}

/** The location order routing assigns a line to, given what earlier lines of the order already claimed. */
function route(shop: ShopState, variant: VariantRec, quantity: number, claimed: Map<string, number>, obeyPolicy: boolean): LocationRec | null {
  const item = variant.inventoryItem;
  const stocking = shop.locations.filter((l) => l.isActive && l.fulfillsOnlineOrders && item.levels[l.slot] && !item.levels[l.slot]!.inactive);
  const free = (l: LocationRec) => item.levels[l.slot]!.available - (claimed.get(`${item.id}:${l.id}`) ?? 0);
  return stocking.find((l) => free(l) >= quantity) ?? (obeyPolicy ? null : (stocking[0] ?? null));
}

function financialStatus(requested: string | null | undefined, transactions: TransactionRec[], total: number): string {
  if (requested) return requested;
  const ok = transactions.filter((t) => t.status === "SUCCESS");
  const paid = ok.filter((t) => t.kind === "SALE" || t.kind === "CAPTURE").reduce((s, t) => s + cents(t.amount), 0);
  if (paid > 0) return paid >= total ? "PAID" : "PARTIALLY_PAID";
  if (ok.some((t) => t.kind === "AUTHORIZATION")) return "AUTHORIZED";
  return total === 0 ? "PAID" : "PENDING";
}

function address(shop: ShopState, a: AddressInput | null | undefined): AddressRec | null {
  if (!a) return null;
  return {
    id: shop.nextId(),
    firstName: a.firstName ?? null,
    lastName: a.lastName ?? null,
    company: a.company ?? null,
    address1: a.address1 ?? null,
    address2: a.address2 ?? null,
    city: a.city ?? null,
    provinceCode: a.provinceCode ?? null,
    countryCode: a.countryCode ?? null,
    zip: a.zip ?? null,
    phone: a.phone ?? null,
  };
}

function orderCreate(ctx: ResolverContext, info: GraphQLResolveInfo, input: OrderCreateOrderInput, options: OrderCreateOptionsInput | null | undefined) {
  const { shop, store } = ctx;
  const failed = (errors: UserError[]) => ({ order: null, userErrors: errors });
  if (input.customer != null && input.customerId != null)
    return failed([{ field: ["order", "customerId"], message: "Cannot specify both customer and customerId.", code: "REDUNDANT_CUSTOMER_FIELDS" }]);
  const unsupported = NOT_SIMULATED_INPUTS.filter((name) => input[name] != null);
  if (unsupported.length) {
    throw new GraphQLError(`OrderCreateOrderInput.${unsupported.join(", ")} is not simulated by the Shopify simulator`, {
      nodes: info.fieldNodes,
      path: pathOf(info),
      extensions: { code: "NOT_SIMULATED" },
    });
  }
  const errors: UserError[] = [];
  const currency = input.currency ?? shop.currencyCode;
  const presentment = input.presentmentCurrency ?? currency;
  const behaviour = options?.inventoryBehaviour ?? "BYPASS";
  const lineInputs = input.lineItems ?? [];
  if (lineInputs.length === 0) errors.push(invalid(["order", "lineItems"], "Line items must have at least one line item."));
  if (input.taxLines?.length && lineInputs.some((l) => l.taxLines?.length))
    errors.push(invalid(["order", "taxLines"], "Tax lines can be specified on the order or on the line items, but not both."));
  input.taxLines?.forEach((t, i) => checkTaxLine(t, ["order", "taxLines", String(i)], currency, presentment, errors));
  const claimed = new Map<string, number>();
  const lines: OrderLineRec[] = [];
  lineInputs.forEach((l, i) => {
    const path = ["order", "lineItems", String(i)];
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) errors.push(invalid([...path, "quantity"], "Quantity must be greater than or equal to 1."));
    if (l.priceSet) checkMoney(l.priceSet, [...path, "priceSet"], currency, presentment, errors);
    l.taxLines?.forEach((t, j) => checkTaxLine(t, [...path, "taxLines", String(j)], currency, presentment, errors));
    let variant: VariantRec | null = null;
    if (l.variantId != null) {
      const parsed = parseGid(l.variantId);
      const found = parsed?.type === "ProductVariant" ? shop.byId.get(parsed.id) : undefined;
      if (found?.__typename !== "ProductVariant") {
        errors.push(invalid([...path, "variantId"], `Product variant ${l.variantId} does not exist.`));
        return;
      }
      variant = found;
    } else if (l.productId != null) {
      const found = shop.byId.get(idOf(l.productId, "Product") ?? "");
      if (found?.__typename !== "Product") errors.push(invalid([...path, "productId"], `Product ${l.productId} does not exist.`));
    }
    if (!variant && !l.title) errors.push(invalid([...path, "title"], "Title can't be blank for a line item without a variant."));
    const price = l.priceSet ? money(cents(l.priceSet.shopMoney.amount)) : (variant?.price ?? "0.00");
    let location: LocationRec | null = null;
    if (variant && behaviour !== "BYPASS" && variant.inventoryItem.tracked && l.quantity > 0) {
      location = route(shop, variant, l.quantity, claimed, behaviour === "DECREMENT_OBEYING_POLICY");
      if (!location) {
        errors.push({
          field: path,
          message: `Unable to claim ${l.quantity} unit(s) of ${variant.sku || variant.id}: not enough inventory available.`,
          code: "INVENTORY_CLAIM_FAILED",
        });
        return;
      }
      const key = `${variant.inventoryItem.id}:${location.id}`;
      claimed.set(key, (claimed.get(key) ?? 0) + l.quantity);
    }
    const line: OrderLineRec = variant
      ? store.orderLine(shop, variant, l.quantity, price, location)
      : {
          id: shop.nextId(),
          variant: null,
          title: l.title ?? "",
          variantTitle: l.variantTitle ?? null,
          sku: l.sku ?? null,
          vendor: l.vendor ?? null,
          price,
          quantity: l.quantity,
          location: null,
          fulfilledQuantity: 0,
          requiresShipping: l.requiresShipping ?? false,
          taxable: l.taxable ?? true,
          taxLines: [],
        };
    if (variant) {
      if (l.title) line.title = l.title;
      if (l.variantTitle) line.variantTitle = l.variantTitle;
      if (l.sku) line.sku = l.sku;
      if (l.vendor) line.vendor = l.vendor;
      if (l.requiresShipping != null) line.requiresShipping = l.requiresShipping;
      if (l.taxable != null) line.taxable = l.taxable;
    }
    line.taxLines = taxLines(l.taxLines);
    lines.push(line);
  });
  const now = store.now();
  const transactions: TransactionRec[] = (input.transactions ?? []).map((t, i) => {
    checkMoney(t.amountSet, ["order", "transactions", String(i), "amountSet"], currency, presentment, errors);
    return {
      id: shop.nextId(),
      kind: t.kind ?? "SALE",
      status: t.status ?? "SUCCESS",
      gateway: t.gateway ?? null,
      amount: money(cents(t.amountSet.shopMoney.amount)),
      test: t.test ?? false,
      processedAt: t.processedAt ? Math.min(Date.parse(t.processedAt), now) : now,
    };
  });
  if (errors.length) return failed(errors);
  // "As of API version 2026-07, values in the future are clamped to the current time."
  const processedAt = input.processedAt ? Math.min(Date.parse(input.processedAt), now) : now;
  const orderTaxLines = taxLines(input.taxLines);
  const subtotal = lines.reduce((s, l) => s + cents(l.price) * l.quantity, 0);
  const tax = [...orderTaxLines, ...lines.flatMap((l) => l.taxLines)].reduce((s, t) => s + (t.amount ? cents(t.amount) : 0), 0);
  const total = subtotal + (input.taxesIncluded ? 0 : tax);
  const order = store.newOrder(shop, now, {
    currency,
    test: input.test ?? false,
    financialStatus: financialStatus(input.financialStatus, transactions, total),
    processedAt,
    tags: [...new Set((input.tags ?? []).flatMap((t) => t.split(",")).map((t) => t.trim()))].filter(Boolean),
    sourceName: input.sourceName ?? null,
    sourceIdentifier: input.sourceIdentifier ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    note: input.note ?? null,
    shippingAddress: address(shop, input.shippingAddress),
    taxLines: orderTaxLines,
    taxesIncluded: input.taxesIncluded ?? false,
    transactions,
  });
  order.lines = lines;
  store.placeOrder(shop, order);
  return { order, userErrors: [] };
}

/** Cents of the order's lines, its tax and its total. */
export function orderTotals(o: OrderRec): { subtotal: number; tax: number; total: number } {
  const live = o.cancelledAt === null;
  const subtotal = live ? o.lines.reduce((s, l) => s + cents(l.price) * l.quantity, 0) : 0;
  const tax = live ? [...o.taxLines, ...o.lines.flatMap((l) => l.taxLines)].reduce((s, t) => s + (t.amount ? cents(t.amount) : 0), 0) : 0;
  return { subtotal, tax, total: subtotal + (o.taxesIncluded ? 0 : tax) };
}

export function displayFulfillmentStatus(o: OrderRec): string {
  const fulfilled = o.lines.reduce((s, l) => s + l.fulfilledQuantity, 0);
  if (fulfilled === 0) return "UNFULFILLED";
  return o.lines.every((l) => l.fulfilledQuantity === l.quantity) ? "FULFILLED" : "PARTIALLY_FULFILLED";
}

/** Units of a line still to ship: none once the order is cancelled. */
export const unfulfilled = (o: OrderRec, l: OrderLineRec): number => (o.cancelledAt === null ? l.quantity - l.fulfilledQuantity : 0);

/** Tracking URL Shopify builds for a known carrier; only the contract example's (UPS) is known here. */
export function trackingUrl(company: string | null, number: string): string | null {
  return company?.toUpperCase() === "UPS" ? `https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=${encodeURIComponent(number)}` : null;
}

const orderFields: SearchFields<OrderRec> = {
  id: { kind: "id", get: (o) => o.id },
  created_at: { kind: "date", get: (o) => o.createdAt },
  updated_at: { kind: "date", get: (o) => o.updatedAt },
  processed_at: { kind: "date", get: (o) => o.processedAt },
  name: { kind: "text", get: (o) => o.name },
  email: { kind: "text", get: (o) => o.email ?? null },
  source_name: { kind: "text", get: (o) => o.sourceName },
  source_identifier: { kind: "text", get: (o) => o.sourceIdentifier },
  tag: { kind: "list", get: (o) => o.tags },
  tag_not: { kind: "list", get: (o) => o.tags, not: true },
  sku: { kind: "list", get: (o) => o.lines.map((l) => l.sku ?? "") },
  test: { kind: "text", get: (o) => String(o.test) },
  status: {
    kind: "list",
    get: (o) => [o.cancelledAt !== null ? "cancelled" : "open", o.closedAt !== null ? "closed" : "not_closed"],
  },
  fulfillment_status: {
    kind: "list",
    get: (o) => {
      const s = displayFulfillmentStatus(o);
      return s === "FULFILLED" ? ["fulfilled", "shipped"] : s === "PARTIALLY_FULFILLED" ? ["partial", "unshipped"] : ["unfulfilled", "unshipped"];
    },
  },
};

const moneyBag = (amount: string, currencyCode: string) => ({
  shopMoney: { amount, currencyCode },
  presentmentMoney: { amount, currencyCode },
});

/** An Order GID of the shop, or null; the caller has checked read_orders. */
export function findOrder(shop: ShopState, id: string): OrderRec | null {
  const orderId = idOf(id, "Order");
  return (orderId && shop.orders.find((o) => o.id === orderId)) || null;
}

export function findFulfillment(shop: ShopState, id: string): FulfillmentRec | null {
  const fulfillmentId = idOf(id, "Fulfillment");
  if (!fulfillmentId) return null;
  for (const o of shop.orders) for (const f of o.fulfillments) if (f.id === fulfillmentId) return f;
  return null;
}

interface LineView {
  order: OrderRec;
  line: OrderLineRec;
}

export const orderResolvers: ResolverMap = {
  Mutation: {
    orderCreate: (_s, args: { order: OrderCreateOrderInput; options?: OrderCreateOptionsInput | null }, ctx, info) => {
      requireScope(ctx.shop, info, "write_orders");
      return orderCreate(ctx, info, args.order, args.options);
    },
  },
  QueryRoot: {
    order: (_s, args: { id: string }, ctx, info) => {
      requireScope(ctx.shop, info, "read_orders");
      if (!parseGid(args.id)) throw new GraphQLError(`Invalid global id '${args.id}'`, { nodes: info.fieldNodes, path: pathOf(info) });
      return findOrder(ctx.shop, args.id);
    },
    orders: (_s, args: ConnectionArgs & { query?: string | null }, ctx, info) => {
      requireScope(ctx.shop, info, "read_orders");
      const search = searchFilter(args.query, orderFields, "name");
      // The search index lags behind writes (Store.orderSearchLagMs): a query finds only orders indexed by now.
      const indexedBefore = ctx.store.now() - ctx.store.orderSearchLagMs;
      const filter = search ? (o: OrderRec) => o.createdAt <= indexedBefore && search(o) : null;
      return connection(ctx.shop.orders, args, ctx, info, { key: (o) => o.id, filter });
    },
  },
  Order: {
    id: (o: OrderRec) => gid("Order", o.id),
    legacyResourceId: (o: OrderRec) => o.id,
    createdAt: (o: OrderRec) => isoTime(o.createdAt),
    updatedAt: (o: OrderRec) => isoTime(o.updatedAt),
    processedAt: (o: OrderRec) => isoTime(o.processedAt),
    cancelledAt: (o: OrderRec) => isoTime(o.cancelledAt),
    closed: (o: OrderRec) => o.closedAt !== null,
    closedAt: (o: OrderRec) => isoTime(o.closedAt),
    confirmed: () => true,
    email: (o: OrderRec) => o.email ?? null,
    phone: (o: OrderRec) => o.phone ?? null,
    shippingAddress: (o: OrderRec) => o.shippingAddress ?? null,
    currencyCode: (o: OrderRec) => o.currency,
    presentmentCurrencyCode: (o: OrderRec) => o.currency,
    displayFulfillmentStatus,
    displayFinancialStatus: (o: OrderRec) => o.financialStatus,
    fulfillable: (o: OrderRec) => o.lines.some((l) => unfulfilled(o, l) > 0),
    currentSubtotalLineItemsQuantity: (o: OrderRec) => o.lines.reduce((s, l) => s + (o.cancelledAt === null ? l.quantity : 0), 0),
    subtotalLineItemsQuantity: (o: OrderRec) => o.lines.reduce((s, l) => s + l.quantity, 0),
    subtotalPriceSet: (o: OrderRec) => moneyBag(money(orderTotals(o).subtotal), o.currency),
    currentSubtotalPriceSet: (o: OrderRec) => moneyBag(money(orderTotals(o).subtotal), o.currency),
    totalPriceSet: (o: OrderRec) => moneyBag(money(orderTotals(o).total), o.currency),
    currentTotalPriceSet: (o: OrderRec) => moneyBag(money(orderTotals(o).total), o.currency),
    totalTaxSet: (o: OrderRec) => moneyBag(money(orderTotals(o).tax), o.currency),
    currentTotalTaxSet: (o: OrderRec) => moneyBag(money(orderTotals(o).tax), o.currency),
    taxLines: (o: OrderRec) => o.taxLines,
    taxesIncluded: (o: OrderRec) => o.taxesIncluded,
    statusPageUrl: (o: OrderRec, _a, ctx) => `https://${ctx.shop.domain}/orders/${o.id}/authenticate`,
    lineItems: (o: OrderRec, args: ConnectionArgs, ctx, info) =>
      connection(o.lines, args, ctx, info, { key: (l) => l.id, map: (line): LineView => ({ order: o, line }) }),
    fulfillments: (o: OrderRec, args: { first?: number | null }) => (args.first == null ? o.fulfillments : o.fulfillments.slice(0, args.first)),
    transactions: (o: OrderRec, args: { first?: number | null }) => (args.first == null ? o.transactions : o.transactions.slice(0, args.first)),
  },
  LineItem: {
    id: (v: LineView) => gid("LineItem", v.line.id),
    quantity: (v: LineView) => v.line.quantity,
    currentQuantity: (v: LineView) => (v.order.cancelledAt === null ? v.line.quantity : 0),
    unfulfilledQuantity: (v: LineView) => unfulfilled(v.order, v.line),
    fulfillableQuantity: (v: LineView) => unfulfilled(v.order, v.line),
    nonFulfillableQuantity: (v: LineView) => v.line.quantity - v.line.fulfilledQuantity - unfulfilled(v.order, v.line),
    refundableQuantity: (v: LineView) => (v.order.cancelledAt === null ? v.line.quantity : 0),
    variant: (v: LineView) => v.line.variant,
    product: (v: LineView) => v.line.variant?.product ?? null,
    sku: (v: LineView) => v.line.sku,
    title: (v: LineView) => v.line.title,
    variantTitle: (v: LineView) => v.line.variantTitle,
    name: (v: LineView) => (v.line.variantTitle ? `${v.line.title} - ${v.line.variantTitle}` : v.line.title),
    vendor: (v: LineView) => v.line.vendor,
    requiresShipping: (v: LineView) => v.line.requiresShipping,
    taxable: (v: LineView) => v.line.taxable,
    isGiftCard: () => false,
    originalUnitPriceSet: (v: LineView) => moneyBag(v.line.price, v.order.currency),
    taxLines: (v: LineView, args: { first?: number | null }) => (args.first == null ? v.line.taxLines : v.line.taxLines.slice(0, args.first)),
  },
  TaxLine: {
    rate: (t: TaxLineRec) => Number(t.rate),
    ratePercentage: (t: TaxLineRec) => Number(t.rate) * 100,
    priceSet: (t: TaxLineRec, _a, ctx) => moneyBag(t.amount ?? "0.00", ctx.shop.currencyCode),
  },
  OrderTransaction: {
    id: (t: TransactionRec) => gid("OrderTransaction", t.id),
    amountSet: (t: TransactionRec, _a, ctx) => moneyBag(t.amount, ctx.shop.currencyCode),
    processedAt: (t: TransactionRec) => isoTime(t.processedAt),
    createdAt: (t: TransactionRec) => isoTime(t.processedAt),
  },
  MailingAddress: {
    id: (a: AddressRec) => gid("MailingAddress", a.id, "model_name=Address"),
    countryCodeV2: (a: AddressRec) => a.countryCode,
    name: (a: AddressRec) => [a.firstName, a.lastName].filter(Boolean).join(" ") || null,
  },
  Fulfillment: {
    id: (f: FulfillmentRec) => gid("Fulfillment", f.id),
    createdAt: (f: FulfillmentRec) => isoTime(f.createdAt),
    updatedAt: (f: FulfillmentRec) => isoTime(f.updatedAt),
    status: () => "SUCCESS",
    displayStatus: () => "FULFILLED",
    totalQuantity: (f: FulfillmentRec) => f.lines.reduce((s, l) => s + l.quantity, 0),
    trackingInfo: (f: FulfillmentRec, args: { first?: number | null }) => {
      const info = f.trackingNumbers.map((number) => ({ company: f.trackingCompany, number, url: trackingUrl(f.trackingCompany, number) }));
      return args.first == null ? info : info.slice(0, args.first);
    },
    fulfillmentLineItems: (f: FulfillmentRec, args: ConnectionArgs, ctx, info) =>
      connection(f.lines, args, ctx, info, {
        key: (l) => l.id,
        map: (l) => ({ id: gid("FulfillmentLineItem", l.id), quantity: l.quantity, lineItem: { order: f.order, line: l.line } }),
      }),
  },
};
