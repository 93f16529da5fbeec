// Listing content to TikTok Shop: Partial Edit Product
// (POST /product/202309/products/{product_id}/partial_edit), signed like every other call. TikTok
// "handles updates per top-level property" and leaves omitted ones unchanged, so the body names
// only the fields that changed. Title and description belong to the product, not to one SKU: the
// SKUs of one product in a batch make one call, and must agree on what they send.
//
// An edit sends the product back to TikTok's audit; until it passes, the live version stays as it
// was (data.audit.status AUDITING). The call's success is the acknowledgement recorded here.
import type { ContentUpdate, PushOutcome } from "../connector";
import { withRetry } from "../retry";
import { PATHS } from "./limits";
import { byProduct, failureOutcomes, withoutProductId, type PushContext } from "./pushes";

/** The Partial Edit Product properties pushContent takes (content-rules.ts names them so). */
const EDITABLE = ["title", "description"] as const;

interface ProductContent {
  channelSku: string;
  productId: string;
  fields: Record<string, unknown>;
}

/** One product's body, or why its SKUs cannot go: fields TikTok does not take, or SKUs that disagree. */
function productBody(skus: ProductContent[]): { body: Record<string, unknown> } | { refusal: string } {
  const body: Record<string, unknown> = {};
  for (const { channelSku, fields } of skus) {
    for (const [name, value] of Object.entries(fields)) {
      if (!(EDITABLE as readonly string[]).includes(name)) return { refusal: `TikTok's product edit does not carry ${name}` };
      if (name in body && body[name] !== value)
        return { refusal: `the SKUs of product ${skus[0].productId} want different ${name}s (${channelSku} differs); TikTok keeps one per product` };
      body[name] = value;
    }
  }
  return { body };
}

async function editProduct(context: PushContext, productId: string, skus: ProductContent[]): Promise<PushOutcome[]> {
  const prepared = productBody(skus);
  if ("refusal" in prepared) return skus.map((s) => ({ channelSku: s.channelSku, status: "rejected", message: prepared.refusal, code: "CONTENT_CONFLICT" }));
  try {
    await withRetry(() => context.client.request({ method: "POST", path: PATHS.partialEdit(productId), body: prepared.body }), context.retry);
    return skus.map((s) => ({ channelSku: s.channelSku, status: "accepted" }));
  } catch (error) {
    // One edit for the whole product: a refusal is the product's, so its SKUs are not tried alone.
    return failureOutcomes(
      error,
      skus.map((s) => s.channelSku),
    );
  }
}

export async function pushContent(context: PushContext, updates: ContentUpdate[]): Promise<PushOutcome[]> {
  const outcomes = new Map<string, PushOutcome>();
  const routable: ProductContent[] = [];
  for (const u of updates) {
    if (!u.externalId) outcomes.set(u.channelSku, withoutProductId(u.channelSku));
    else routable.push({ channelSku: u.channelSku, productId: u.externalId, fields: u.fields });
  }
  for (const [productId, skus] of byProduct(routable)) {
    for (const outcome of await editProduct(context, productId, skus)) outcomes.set(outcome.channelSku, outcome);
  }
  return updates.map((u) => outcomes.get(u.channelSku)!);
}
