// Item content to Walmart: an item maintenance feed (POST /v3/feeds?feedType=MP_MAINTENANCE) that
// names only the attributes to change, as Walmart's "Update my existing items" guide asks ("If you
// leave an attribute blank, there will be no change to the content"), submitted and polled like
// the inventory and price feeds (feeds.ts).
//
// The feed is not among the copied contracts: its operation (itemBulkUploads, Bulk Item Setup)
// lives in Walmart's Item Management definition, and the feeds definition in
// simulators/contracts/walmart-marketplace knows item feeds only as feedType "item" in its status
// examples. The file follows item spec 5.0 (4.x was sunset on 31 January 2026, "Item Management
// API overview"): MPItemFeedHeader { businessUnit, locale, version }, and per item Orderable { sku,
// productIdentifiers } plus Visible.<product type> with the content attributes.
//
// Maintenance "requires only the SKU and GTIN attributes" and the Visible section is keyed by the
// item's product type; both are read from Walmart itself (getAnItem, GET /v3/items/{sku}?productIdType=SKU),
// so the identifier sent is the one Walmart holds and a content push can never re-key an item.
import type { ContentUpdate, PushOutcome } from "../connector";
import { runFeed } from "./feeds";
import { FEED_MAX_ITEMS } from "./limits";
import { answerOrFailure, chunks, sequential, type PushContext } from "./pushes";

export const ITEM_MAINTENANCE_FEED = "MP_MAINTENANCE";
/** The item spec version of the 5.0 MP_ITEM example in Walmart's "Item setup" guides. */
export const ITEM_SPEC_VERSION = "5.0.20240517-04_08_27-api";

/** What pushContent takes (content-rules.ts names them so) and where each goes in Visible. */
const VISIBLE_TEXT_FIELDS = ["productName", "shortDescription", "keyFeatures", "brand"] as const;

interface ItemAnswer {
  ItemResponse?: Array<{ sku?: string; gtin?: string; productType?: string }>;
}

export interface WalmartItemKey {
  gtin: string;
  productType: string;
}

export type ItemKeys = Map<string, WalmartItemKey>;

async function itemKey(context: PushContext, known: ItemKeys, channelSku: string): Promise<WalmartItemKey | PushOutcome> {
  const cached = known.get(channelSku);
  if (cached) return cached;
  const result = await answerOrFailure(
    channelSku,
    () => context.client.request<ItemAnswer>({ method: "GET", path: `/v3/items/${encodeURIComponent(channelSku)}`, query: { productIdType: "SKU" } }),
    context.retry,
  );
  if ("failure" in result) return result.failure;
  const item = result.answer.ItemResponse?.find((i) => i.sku === channelSku) ?? result.answer.ItemResponse?.[0];
  if (!item?.gtin || !item.productType) {
    return {
      channelSku,
      status: "rejected",
      message: "Walmart's item record has no GTIN or product type to address a maintenance feed with",
      code: "NO_ITEM_KEY",
    };
  }
  const key = { gtin: item.gtin, productType: item.productType };
  known.set(channelSku, key);
  return key;
}

/** The item's Visible attributes: the text fields as named, the image list as main + secondary. */
export function visibleAttributes(fields: Record<string, unknown>): Record<string, unknown> {
  const visible: Record<string, unknown> = {};
  for (const name of VISIBLE_TEXT_FIELDS) if (fields[name] !== undefined) visible[name] = fields[name];
  const images = Array.isArray(fields.images) ? (fields.images as string[]) : [];
  if (images.length > 0) visible.mainImageUrl = images[0];
  // Fewer images than Walmart holds leaves its extra secondaries in place: a maintenance feed
  // changes what it names and clears nothing.
  if (images.length > 1) visible.productSecondaryImageURL = images.slice(1);
  return visible;
}

export function maintenanceFeed(items: Array<{ channelSku: string; key: WalmartItemKey; fields: Record<string, unknown> }>) {
  return {
    MPItemFeedHeader: { businessUnit: "WALMART_US", locale: "en", version: ITEM_SPEC_VERSION },
    MPItem: items.map(({ channelSku, key, fields }) => ({
      Orderable: { sku: channelSku, productIdentifiers: { productIdType: "GTIN", productId: key.gtin } },
      Visible: { [key.productType]: visibleAttributes(fields) },
    })),
  };
}

export async function pushContent(context: PushContext, known: ItemKeys, updates: ContentUpdate[]): Promise<PushOutcome[]> {
  const outcomes = new Map<string, PushOutcome>();
  const ready: Array<{ channelSku: string; key: WalmartItemKey; fields: Record<string, unknown> }> = [];
  for (const update of updates) {
    const key = await itemKey(context, known, update.channelSku);
    if ("status" in key) outcomes.set(update.channelSku, key);
    else if (Object.keys(visibleAttributes(update.fields)).length === 0) {
      outcomes.set(update.channelSku, {
        channelSku: update.channelSku,
        status: "rejected",
        message: `no field Walmart's item feed carries among ${Object.keys(update.fields).join(", ")}`,
        code: "NO_CONTENT",
      });
    } else ready.push({ channelSku: update.channelSku, key, fields: update.fields });
  }
  const fed = await sequential(chunks(ready, FEED_MAX_ITEMS), (batch) =>
    runFeed(
      context.client,
      ITEM_MAINTENANCE_FEED,
      maintenanceFeed(batch),
      batch.map((i) => i.channelSku),
      context.polling,
      context.retry,
    ),
  );
  for (const outcome of fed) outcomes.set(outcome.channelSku, outcome);
  return updates.map((u) => outcomes.get(u.channelSku) ?? { channelSku: u.channelSku, status: "retry", message: "no answer for this SKU" });
}
