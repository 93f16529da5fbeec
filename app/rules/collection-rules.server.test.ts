import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { BufferRuleRow } from "~/recompute/inputs";
import { seedShopWithEveryModel } from "../../test/factories";
import { previewRuleChange, withRule } from "./preview.server";
import { resolveScopeValue } from "./scopes.server";

// A collection-scoped rule's preview: the listings of the collection's products, as the mirror
// holds Shopify's membership, through the engine before and after.
describe("the preview of a collection-scoped rule", () => {
  it("given the listed kettle in the collection kitchen-essentials, when an Amazon buffer of 5 on that collection is previewed, then the kettle's listing is the one affected and shows 5 fewer; a collection it is not in affects none", async () => {
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    // No other buffer: what the preview shows is this rule's alone.
    await prisma.bufferRule.deleteMany({ where: { shopId: shop.id } });
    const rule = (handle: string): BufferRuleRow => ({
      id: "new",
      channelId: listing.channelId,
      scope: "COLLECTION",
      scopeValue: handle,
      kind: "FIXED",
      units: 5,
      percentBps: null,
      leadTimeDays: null,
      safetyStock: null,
      riskMultiplier: null,
      lowStockThreshold: null,
    });
    const preview = (handle: string) =>
      previewRuleChange(shop.id, { channelId: listing.channelId, scope: "COLLECTION", scopeValue: handle }, { bufferRules: withRule(rule(handle)) }, prisma);

    const kitchen = await preview("kitchen-essentials");
    expect(kitchen.affected).toBe(1);
    expect(kitchen.rows.map((r) => r.listingId)).toEqual([listing.id]);
    const [row] = kitchen.rows;
    expect(row.before! - row.after!).toBe(5);

    expect((await preview("garden")).affected).toBe(0);
  });
});

describe("naming a collection in a rule", () => {
  it("given the mirror holds the collection kitchen-essentials, when a merchant types its handle (in any case), then the rule is stored with the handle; a handle Shopify does not have names nothing, so the form refuses it", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    expect(await resolveScopeValue(prisma, shop.id, "collection", " Kitchen-Essentials ", null)).toBe("kitchen-essentials");
    expect(await resolveScopeValue(prisma, shop.id, "collection", "kitchen-essentials ", null)).toBe("kitchen-essentials");
    expect(await resolveScopeValue(prisma, shop.id, "collection", "kitchen-essentials-2", null)).toBeNull();
  });
});
