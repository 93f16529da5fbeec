// Checks the merchant's rules before they are saved. Input is whatever the form sent (unknown);
// the answer is either the typed rule or a list of {field, message} a screen can put beside each
// field. Messages name the thing in the merchant's words, since they are shown as they are.

import { z } from "zod";
import { BOUNDS, bounded } from "./bounds";
import { DEFAULT_PROMOTION_UPLIFT_BPS } from "./defaults";
import type { ParityEdge } from "./parity";
import { PRICE_ROUNDINGS, type PriceRule } from "./price";
import { type AllocationRule, type AutoPause, type BufferRule, CHANNEL_KINDS, type Channel, type Location } from "./types";

export interface FieldError {
  field: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

// Every number's range is bounds.ts's, so the form, the CSV import and the database agree on it.
const units = (label: string) => bounded(label, "units");
const percentBps = (label: string) => bounded(label, "percentBps");
const cents = (label: string) => bounded(label, "moneyCents");
const id = (label: string) => z.string({ error: `${label} is required` }).min(1, { error: `${label} is required` });

const scoped = {
  id: z.string().default(""),
  channelId: z.string().nullable().default(null),
  scope: z.enum(["channel", "collection", "tag", "product", "variant", "listing"], {
    error: "Applies to must be the channel, a collection, a tag, a product, a variant or a listing",
  }),
  scopeValue: z.string().nullable().default(null),
};

function requireScopeValue(rule: { scope: string; scopeValue: string | null }, ctx: z.RefinementCtx): void {
  if (rule.scope !== "channel" && !rule.scopeValue) {
    ctx.addIssue({ code: "custom", path: ["scopeValue"], message: `Choose which ${rule.scope} the rule applies to` });
  }
}

const bufferRuleSchema = z
  .discriminatedUnion(
    "kind",
    [
      z.object({ ...scoped, kind: z.literal("fixed"), units: units("Buffer units") }),
      z.object({ ...scoped, kind: z.literal("percent"), percentBps: percentBps("Buffer percent") }),
      z.object({
        ...scoped,
        kind: z.literal("velocity"),
        leadTimeDays: bounded("Lead time (days)", "leadTimeDays"),
        safetyStock: units("Safety stock"),
        riskMultiplier: bounded("Risk multiplier", "riskMultiplier").nullable().default(null),
      }),
    ],
    { error: "Buffer type must be fixed units, a percent of the pool, or computed from velocity" },
  )
  .superRefine(requireScopeValue);

const allocationRuleSchema = z
  .discriminatedUnion(
    "kind",
    [
      z.object({ ...scoped, kind: z.literal("cap"), units: units("Cap") }),
      z.object({ ...scoped, kind: z.literal("poolShare"), percentBps: percentBps("Share of pool") }),
      z.object({ ...scoped, kind: z.literal("fixed"), units: units("Fixed count") }),
      z.object({
        ...scoped,
        kind: z.literal("vendorShare"),
        percentBps: percentBps("Share of vendor"),
        locationId: id("Vendor location"),
      }),
    ],
    { error: "Count type must be a cap, a share of the pool, a fixed number or a share of a vendor" },
  )
  .superRefine(requireScopeValue);

const priceRuleSchema = z
  .object({
    ...scoped,
    differentialBps: bounded("Price differential", "differentialBps").default(0),
    differentialCents: bounded("Price adjustment", "adjustmentCents").default(0),
    rounding: z.enum(PRICE_ROUNDINGS, { error: "Rounding must be none, .99, .95 or whole" }).default("none"),
    mapIsAnchor: z.boolean().default(false),
    feeBps: percentBps("Channel fee").default(0),
    fixedFeeCents: cents("Fixed fee").default(0),
    shippingCents: cents("Shipping").default(0),
    minMarginBps: percentBps("Minimum margin").default(0),
    maxPriceCents: cents("Price cap").positive({ error: "Price cap must be above 0" }).nullable().default(null),
  })
  .superRefine((rule, ctx) => {
    requireScopeValue(rule, ctx);
    if (rule.feeBps + rule.minMarginBps >= 10_000) {
      ctx.addIssue({ code: "custom", path: ["minMarginBps"], message: "Channel fee and minimum margin together must be under 100%" });
    }
  });

const channelSchema = z.object({
  id: id("Channel"),
  kind: z.enum(CHANNEL_KINDS, { error: "Unknown marketplace" }),
  name: id("Channel name"),
  priority: bounded("Priority", "priority"),
  riskMultiplier: bounded("Risk multiplier", "riskMultiplier").nullable().default(null),
  lowStockThreshold: units("Low-stock threshold").default(0),
  untrackedQuantity: units("Untracked quantity").default(0),
  promotionNoticeHours: bounded("Promotion notice (hours)", "noticeHours").optional(),
});

const locationSchema = z.object({
  id: id("Location"),
  name: id("Location name"),
  saleable: z.boolean().default(true),
  isDropShip: z.boolean().default(false),
  vendorShareBps: percentBps("Vendor share").default(10_000),
  notCountedBecause: z.string().nullable().default(null),
  eligibleChannelIds: z.array(z.string()).nullable().default(null),
});

const parityEdgeSchema = z
  .object({
    watcherId: id("Watching channel"),
    watchedId: id("Watched channel"),
    toleranceBps: percentBps("Tolerance percent").default(0),
    toleranceCents: cents("Tolerance amount").default(0),
    includeShipping: z.boolean().default(true),
    includeCoupons: z.boolean().default(true),
    allowViolations: z.boolean().default(false),
  })
  .superRefine((edge, ctx) => {
    if (edge.watcherId === edge.watchedId) {
      ctx.addIssue({ code: "custom", path: ["watchedId"], message: "A channel cannot watch itself" });
    }
  });

// A promotion's auto-pause rule (types.ts AutoPause): what the channels it does not promote list
// while it runs. Stored in Promotion.autoPause as this shape; the recompute reads it with
// readAutoPause, so a row saved before the rule had this shape reads as "none".
export const AUTO_PAUSE_NONE: AutoPause = { mode: "none", throttleUnits: null, channelIds: [] };
const autoPauseSchema = z
  .object({
    mode: z.enum(["none", "pause", "throttle"], { error: "Auto-pause must be none, pause or throttle" }),
    throttleUnits: units("Throttle").nullable().default(null),
    channelIds: z.array(z.string()).default([]),
  })
  .superRefine((rule, ctx) => {
    if (rule.mode === "throttle" && rule.throttleUnits === null) {
      ctx.addIssue({ code: "custom", path: ["throttleUnits"], message: "Give the most units the other channels may list while the promotion runs" });
    }
  });

/** A stored auto-pause rule, or "none" for anything that is not one. */
export function readAutoPause(stored: unknown): AutoPause {
  const parsed = autoPauseSchema.safeParse(stored);
  return parsed.success ? parsed.data : AUTO_PAUSE_NONE;
}

const promotionSchema = z
  .object({
    name: id("Promotion name"),
    startsAt: z.date({ error: "Start must be a date" }),
    endsAt: z.date({ error: "End must be a date" }),
    channelIds: z.array(z.string()).min(1, { error: "Choose at least one channel" }),
    discountKind: z.enum(["percent", "amount", "fixedPrice", "couponPercent", "couponAmount"], { error: "Unknown discount type" }),
    // Basis points or cents by kind: its bound is checked with the kind, below.
    discountValue: z.number({ error: "Discount must be a number" }),
    upliftBps: bounded("Expected uplift", "upliftBps").default(DEFAULT_PROMOTION_UPLIFT_BPS),
    reserveUnits: units("Reserve").default(0),
    autoPause: autoPauseSchema.default({ mode: "none", throttleUnits: null, channelIds: [] }),
  })
  .superRefine((promotion, ctx) => {
    const promoted = promotion.autoPause.channelIds.filter((channelId) => promotion.channelIds.includes(channelId));
    if (promotion.autoPause.mode !== "none" && promoted.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["autoPause", "channelIds"],
        message: "A channel of the promotion cannot be paused by it: choose only other channels",
      });
    }
    if (promotion.endsAt.getTime() <= promotion.startsAt.getTime()) {
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "End must be after the start" });
    }
    const isPercent = promotion.discountKind === "percent" || promotion.discountKind === "couponPercent";
    const discount = bounded("Discount", isPercent ? BOUNDS.percentBps : BOUNDS.moneyCents).safeParse(promotion.discountValue);
    if (!discount.success) ctx.addIssue({ code: "custom", path: ["discountValue"], message: discount.error.issues[0].message });
  });

export type PromotionSettings = z.infer<typeof promotionSchema>;

// The sales-velocity window the merchant sets (velocity.ts). A year is the longest window that
// still says something about next week's demand; the half-life cannot outlast the window.
const velocitySettingsSchema = z
  .object({
    windowDays: bounded("Velocity window (days)", "windowDays"),
    halfLifeDays: z.number({ error: "Half-life must be a number" }).positive({ error: "Half-life must be above 0" }).optional(),
  })
  .superRefine((settings, ctx) => {
    if (settings.halfLifeDays !== undefined && settings.halfLifeDays > settings.windowDays) {
      ctx.addIssue({ code: "custom", path: ["halfLifeDays"], message: "Half-life cannot be longer than the velocity window" });
    }
  });

export type VelocitySettings = z.infer<typeof velocitySettingsSchema>;

function toValidation<T>(result: { success: true; data: T } | { success: false; error: z.ZodError }): Validation<T> {
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({ field: issue.path.map(String).join(".") || "(rule)", message: issue.message })),
  };
}

export function validateBufferRule(input: unknown): Validation<BufferRule> {
  return toValidation(bufferRuleSchema.safeParse(input));
}

export function validateAllocationRule(input: unknown): Validation<AllocationRule> {
  return toValidation(allocationRuleSchema.safeParse(input));
}

/** `mapCents` is the variant's MAP where the rule is scoped to one variant or listing. */
export function validatePriceRule(input: unknown, facts: { mapCents?: number | null } = {}): Validation<PriceRule> {
  const result = toValidation(priceRuleSchema.safeParse(input));
  if (!result.ok) return result;
  const { maxPriceCents } = result.value;
  const map = facts.mapCents ?? null;
  if (maxPriceCents !== null && map !== null && map > maxPriceCents) {
    // The MAP floor and the cap could never both hold; the merchant has to move one of them.
    return { ok: false, errors: [{ field: "maxPriceCents", message: "Price cap is below the minimum advertised price (MAP)" }] };
  }
  return result;
}

/** What the merchant sets on a channel; its kind's default multiplier is the marketplace's, not theirs. */
export function validateChannel(input: unknown): Validation<Omit<Channel, "defaultRiskMultiplier">> {
  return toValidation(channelSchema.safeParse(input));
}

export function validateLocation(input: unknown): Validation<Location> {
  return toValidation(locationSchema.safeParse(input));
}

export function validateParityEdge(input: unknown): Validation<ParityEdge> {
  return toValidation(parityEdgeSchema.safeParse(input));
}

export function validatePromotion(input: unknown): Validation<PromotionSettings> {
  return toValidation(promotionSchema.safeParse(input));
}

export function validateVelocitySettings(input: unknown): Validation<VelocitySettings> {
  return toValidation(velocitySettingsSchema.safeParse(input));
}
