// Content through the inventory item: read it, merge the fields in (content.ts), and write it back
// with createOrReplaceInventoryItem only when eBay does not already show exactly this. One SKU at a time.
import type { ContentUpdate, PushOutcome } from "../connector";
import { contentProblem, itemWithContent } from "./content";
import type { EbayConnectorContext } from "./context";
import { capMessage, failureOutcome, isNotFound, refusedWhole } from "./outcomes";

async function pushOneContent(context: EbayConnectorContext, update: ContentUpdate): Promise<PushOutcome> {
  const { client, revisions, now } = context;
  const sku = update.channelSku;
  const problem = contentProblem(update.fields);
  if (problem) return { channelSku: sku, status: "rejected", message: problem, code: "invalid_content" };
  let current: Record<string, unknown>;
  try {
    current = (await client.call("getInventoryItem", (api) => api.sell.inventory.getInventoryItem(sku))) as Record<string, unknown>;
  } catch (error) {
    if (isNotFound(error)) return { channelSku: sku, status: "rejected", message: "eBay has no inventory item with this SKU", code: "not_found" };
    return failureOutcome(sku, error);
  }
  const item = itemWithContent(current, update.fields);
  if (!item) return { channelSku: sku, status: "accepted" }; // eBay already shows exactly this
  const { allowed, retryAfterMs } = await revisions().reserve([sku], now());
  if (!allowed.has(sku)) return { channelSku: sku, status: "retry", message: capMessage, retryAfterMs };
  try {
    // The library types Product.aspects as a string, copying a slip in eBay's definition; the API takes an object.
    await client.call("createOrReplaceInventoryItem", (api) =>
      api.sell.inventory.createOrReplaceInventoryItem(sku, item as unknown as Parameters<typeof api.sell.inventory.createOrReplaceInventoryItem>[1]),
    );
    return { channelSku: sku, status: "accepted" };
  } catch (error) {
    if (refusedWhole(error)) await revisions().release([sku], now());
    return failureOutcome(sku, error);
  }
}

export async function pushContent(context: EbayConnectorContext, updates: ContentUpdate[]): Promise<PushOutcome[]> {
  const outcomes: PushOutcome[] = [];
  for (const update of updates) outcomes.push(await pushOneContent(context, update));
  return outcomes;
}
