-- Parity that watches the store (decision 0018).
-- Shipping and a visible coupon per channel, counted in the visible price parity compares.
ALTER TABLE "Channel" ADD COLUMN "visibleShippingCents" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Channel" ADD COLUMN "visibleCouponCents" INTEGER NOT NULL DEFAULT 0;

-- The group a push held for parity belongs to: one alert and one verdict per group.
ALTER TABLE "Listing" ADD COLUMN "holdGroup" TEXT;
CREATE INDEX "Listing_shopId_holdGroup_idx" ON "Listing"("shopId", "holdGroup");

-- Every shop's own store as a channel: the anchor, watched and never pushed to. Ranked after
-- every marketplace (priority 1000) so it takes no part in their low-stock order.
INSERT INTO "Channel" (id, "shopId", kind, "accountId", name, priority, "liveAt", "createdAt", "updatedAt")
SELECT 'store-' || s.id, s.id, 'SHOPIFY', s.domain, 'Shopify store', 1000, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM "Shop" s
WHERE NOT EXISTS (SELECT 1 FROM "Channel" c WHERE c."shopId" = s.id AND c.kind = 'SHOPIFY');

-- The playbook's default on the new channel: every channel that crawls other prices (Amazon and
-- Walmart, as their channel modules say) watches the store, no tolerance, shipping and coupons
-- counted. An edge the merchant already has on a pair is kept as it is.
INSERT INTO "ParityEdge" (id, "shopId", "watcherId", "watchedId", "toleranceBps", "toleranceCents", "includeShipping", "includeCoupons", "allowViolations", "createdAt", "updatedAt")
SELECT 'default-' || w.id || '-' || st.id, w."shopId", w.id, st.id, 0, 0, true, true, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM "Channel" w
JOIN "Channel" st ON st."shopId" = w."shopId" AND st.kind = 'SHOPIFY'
WHERE w.kind IN ('AMAZON', 'WALMART') AND w.status <> 'DISCONNECTED'
ON CONFLICT ("watcherId", "watchedId") DO NOTHING;
