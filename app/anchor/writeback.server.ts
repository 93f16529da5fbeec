import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { logger } from "~/lib/logger.server";
import type { AdjustAvailableMutation, AdjustAvailableMutationVariables, AvailableAtQuery, AvailableAtQueryVariables } from "~/types/admin.generated";
import { ShopifyAdminError, type AdminClient } from "./admin-client.server";
import { gid } from "./gid";

// Writing quantities back to the anchor: a marketplace sale lowers Shopify's quantity, a
// cancellation raises it. Two guarantees, both from Shopify's inventory API (2026-04 and later):
// - compare-and-swap: `changeFromQuantity` says what we believe the quantity is; Shopify refuses
//   the change if it moved meanwhile, and we re-read and try again;
// - idempotency: the @idempotent key makes Shopify apply one request at most once.
// The request (expected quantity and key) is stored before it is sent, so a job retried after a
// crash re-sends the very same request, and a sale is never applied twice.
//
// What Shopify may answer instead (InventoryAdjustQuantitiesUserErrorCode, 2026-10), and what we do:
// - CHANGE_FROM_QUANTITY_STALE: the quantity moved; re-read, new expected quantity, new key;
// - IDEMPOTENCY_CONCURRENT_REQUEST: the same request is still running at Shopify (our first try's
//   answer was lost and the client retried it); wait, then send the same key again: it answers the
//   first request's result. A new key here would sell the units twice;
// - IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED: that key failed for good; re-read and use a new key;
// - SERVICE_UNAVAILABLE / ADJUST_QUANTITIES_FAILED: nothing applied and the key is spent; back
//   off, re-read, new key. Throttling is waited out by the Admin client itself.

const ADJUST = `#graphql
mutation AdjustAvailable($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}`;

const LEVEL = `#graphql
query AvailableAt($item: ID!, $location: ID!) {
  inventoryItem(id: $item) {
    inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } }
  }
}`;

const MAX_ATTEMPTS = 5;
/** Answers that say "not now" rather than "not this": retried with backoff, at most this often. */
const MAX_TRANSIENT_RETRIES = 6;
const TRANSIENT_CODES = new Set(["IDEMPOTENCY_CONCURRENT_REQUEST", "SERVICE_UNAVAILABLE", "ADJUST_QUANTITIES_FAILED"]);
/** 250 ms, 0.5 s, 1 s … 8 s: about 16 s in all before the write-back is recorded as failed. */
const transientBackoffMs = (retry: number) => Math.min(8_000, 250 * 2 ** retry);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface AdjustmentRequest {
  shopId: string;
  /** One adjustment per cause, e.g. `channel-order-line:<id>`. */
  sourceKey: string;
  variantId: string;
  locationId: string;
  /** Negative for a sale, positive for a cancellation. */
  delta: number;
  reason?: string;
}

export interface AdjustmentResult {
  state: "APPLIED" | "FAILED";
  quantityAfter: number | null;
  /** How many requests it took (1 unless the quantity moved under us). */
  attempts: number;
  message?: string;
}

export async function adjustAnchorInventory(client: AdminClient, request: AdjustmentRequest, prisma: PrismaClient = defaultPrisma): Promise<AdjustmentResult> {
  const [variant, location] = await Promise.all([
    prisma.variant.findFirstOrThrow({
      where: { id: request.variantId, shopId: request.shopId },
      select: { inventoryItem: { select: { id: true, shopifyId: true } } },
    }),
    prisma.location.findFirstOrThrow({ where: { id: request.locationId, shopId: request.shopId }, select: { id: true, shopifyId: true } }),
  ]);
  if (!variant.inventoryItem) throw new Error(`Variant ${request.variantId} has no inventory item to adjust`);
  const itemGid = gid("InventoryItem", variant.inventoryItem.shopifyId);
  const locationGid = gid("Location", location.shopifyId);

  // Insert-if-absent rather than upsert: concurrent runs of one job would race on the unique key.
  await prisma.inventoryAdjustment.createMany({
    data: [{ shopId: request.shopId, sourceKey: request.sourceKey, variantId: request.variantId, locationId: request.locationId, delta: request.delta }],
    skipDuplicates: true,
  });
  let adjustment = await prisma.inventoryAdjustment.findUniqueOrThrow({
    where: { shopId_sourceKey: { shopId: request.shopId, sourceKey: request.sourceKey } },
  });
  if (adjustment.state === "APPLIED") return { state: "APPLIED", quantityAfter: adjustment.quantityAfter, attempts: adjustment.attempt };
  if (adjustment.state === "FAILED") {
    // A retry of a write-back that failed: the stored request (if any) is sent again first, since
    // Shopify may have applied it after all; the attempts budget starts again from here.
    await prisma.inventoryAdjustment.updateMany({ where: { id: adjustment.id, state: "FAILED" }, data: { state: "PENDING" } });
    adjustment = await prisma.inventoryAdjustment.findUniqueOrThrow({ where: { id: adjustment.id } });
  }
  const firstAttempt = adjustment.attempt;

  const log = logger.child({ shopId: request.shopId, sourceKey: request.sourceKey });
  /** Records a failure unless another run of the same job applied it meanwhile: APPLIED is final. */
  const fail = async (message: string): Promise<AdjustmentResult> => {
    const { count } = await prisma.inventoryAdjustment.updateMany({
      where: { id: adjustment.id, state: { not: "APPLIED" } },
      data: { state: "FAILED", message },
    });
    if (count === 0) {
      const applied = await prisma.inventoryAdjustment.findUniqueOrThrow({ where: { id: adjustment.id } });
      return { state: "APPLIED", quantityAfter: applied.quantityAfter, attempts: applied.attempt };
    }
    return { state: "FAILED", quantityAfter: null, attempts: adjustment.attempt, message };
  };
  /** Drops the stored request so the next turn re-reads Shopify and sends a new key. */
  const retireKey = async () => {
    await prisma.inventoryAdjustment.updateMany({
      where: { id: adjustment.id, idempotencyKey: adjustment.idempotencyKey },
      data: { expectedQuantity: null, idempotencyKey: null },
    });
    adjustment = await prisma.inventoryAdjustment.findUniqueOrThrow({ where: { id: adjustment.id } });
  };
  let transientRetries = 0;
  for (;;) {
    if (adjustment.idempotencyKey === null || adjustment.expectedQuantity === null) {
      // A new attempt: read what Shopify holds now and store the exact request before sending it.
      // Keys spent on Shopify's bad moments do not count against the quantity moving under us.
      if (adjustment.attempt - firstAttempt >= MAX_ATTEMPTS + transientRetries)
        return fail(`Shopify's quantity kept moving; gave up after ${adjustment.attempt - firstAttempt} attempts`);
      const current = await client.request<AvailableAtQuery, AvailableAtQueryVariables>(LEVEL, { item: itemGid, location: locationGid });
      // No active level here (never stocked, or deactivated): Shopify counts the quantity as 0, and
      // from 2026-10 adjusts it anyway on an inactive level, where the units sell nowhere.
      const expected = current.inventoryItem?.inventoryLevel?.quantities[0]?.quantity ?? 0;
      const attempt = adjustment.attempt + 1;
      // Compare-and-set on the attempt: when two runs of the same job race here, one request is
      // stored and both send it, so Shopify sees one key with one set of parameters.
      await prisma.inventoryAdjustment.updateMany({
        where: { id: adjustment.id, attempt: adjustment.attempt, idempotencyKey: null },
        data: { attempt, expectedQuantity: expected, idempotencyKey: `anchorline:${request.shopId}:${request.sourceKey}:${attempt}` },
      });
      adjustment = await prisma.inventoryAdjustment.findUniqueOrThrow({ where: { id: adjustment.id } });
      if (adjustment.state === "APPLIED") return { state: "APPLIED", quantityAfter: adjustment.quantityAfter, attempts: adjustment.attempt };
      if (adjustment.idempotencyKey === null) continue;
    }

    const response = await client.request<AdjustAvailableMutation, AdjustAvailableMutationVariables>(ADJUST, {
      key: adjustment.idempotencyKey,
      input: {
        name: "available",
        reason: request.reason ?? "correction",
        referenceDocumentUri: `anchorline://${request.sourceKey}`,
        changes: [{ inventoryItemId: itemGid, locationId: locationGid, delta: request.delta, changeFromQuantity: adjustment.expectedQuantity }],
      },
    });
    // The payload is null only beside errors, which the client throws; if not, the job retries the stored request.
    if (!response.inventoryAdjustQuantities) throw new ShopifyAdminError("Shopify answered inventoryAdjustQuantities without a payload", { retryable: true });
    const { inventoryAdjustmentGroup, userErrors } = response.inventoryAdjustQuantities;
    if (inventoryAdjustmentGroup) {
      const after = inventoryAdjustmentGroup.changes.find((c) => c.name === "available")?.quantityAfterChange ?? adjustment.expectedQuantity! + request.delta;
      await prisma.inventoryAdjustment.update({
        where: { id: adjustment.id },
        data: { state: "APPLIED", appliedAt: new Date(), quantityAfter: after, message: null },
      });
      // The mirror follows at once; Shopify's inventory_levels/update webhook confirms it later.
      await prisma.inventoryLevel.updateMany({ where: { inventoryItemId: variant.inventoryItem.id, locationId: location.id }, data: { available: after } });
      return { state: "APPLIED", quantityAfter: after, attempts: adjustment.attempt };
    }
    const codes = new Set(userErrors.map((e) => e.code ?? ""));
    const message = userErrors.map((e) => `${e.code ?? "ERROR"}: ${e.message}`).join("; ");
    if (codes.has("CHANGE_FROM_QUANTITY_STALE") || codes.has("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED")) {
      log.info({ attempt: adjustment.attempt, errors: userErrors }, "quantity moved, or the key failed before; re-reading");
      // Nothing was applied: the next attempt gets a fresh expected quantity and a new key.
      await retireKey();
      continue;
    }
    if ([...codes].some((code) => TRANSIENT_CODES.has(code))) {
      if (transientRetries >= MAX_TRANSIENT_RETRIES) return fail(`Shopify kept answering ${message}; gave up after ${transientRetries + 1} tries`);
      log.warn({ attempt: adjustment.attempt, errors: userErrors, retry: transientRetries }, "Shopify could not take the change now; retrying");
      await sleep(transientBackoffMs(transientRetries++));
      // Still running at Shopify: the same key will answer its result. Otherwise the key is spent.
      if (!codes.has("IDEMPOTENCY_CONCURRENT_REQUEST")) await retireKey();
      continue;
    }
    return fail(message);
  }
}

/**
 * The location a marketplace sale ships from: a saleable location the channel may use, with the
 * most units of the item (so the sale does not push a thin location negative).
 */
export async function shippingLocationFor(prisma: PrismaClient, shopId: string, variantId: string, channelId: string): Promise<string | null> {
  const levels = await prisma.inventoryLevel.findMany({
    where: {
      shopId,
      inventoryItem: { variantId },
      // Not a vendor made in Anchorline (decision 0026): Shopify has no such location to adjust.
      location: { saleable: true, isActive: true, channels: { none: { channelId, eligible: false } }, vendor: { is: null } },
    },
    orderBy: [{ available: "desc" }, { location: { isDropShip: "asc" } }],
    select: { locationId: true },
    take: 1,
  });
  return levels[0]?.locationId ?? null;
}
