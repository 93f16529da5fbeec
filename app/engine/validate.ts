// Checks the merchant's rules before they are saved. Input is whatever the form sent (unknown);
// the answer is either the typed rule or a list of {field, message} a screen can put beside each
// field. Messages name the thing in the merchant's words, since they are shown as they are.

import { z } from "zod";
import type { ParityEdge } from "./parity";
import { PRICE_ROUNDINGS, type PriceRule } from "./price";
import { type AllocationRule, type BufferRule, CHANNEL_KINDS, type Channel, type Location } from "./types";

export interface FieldError {
  field: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const number = (label: string) => z.number({ error: `${label} must be a number` });
const wholeCount = (label: string) =>
  z
    .number({ error: `${label} must be a number` })
    .int({ error: `${label} must be a whole number` })
    .min(0, { error: `${label} cannot be negative` });
const percentBps = (label: string) => wholeCount(label).max(10_000, { error: `${label} cannot be above 100%` });
const cents = (label: string) => wholeCount(label);
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
      z.object({ ...scoped, kind: z.literal("fixed"), units: wholeCount("Buffer units") }),
      z.object({ ...scoped, kind: z.literal("percent"), percentBps: percentBps("Buffer percent") }),
      z.object({
        ...scoped,
        kind: z.literal("velocity"),
        leadTimeDays: number("Lead time").min(0, { error: "Lead time cannot be negative" }),
        safetyStock: number("Safety stock").min(0, { error: "Safety stock cannot be negative" }),
        riskMultiplier: number("Risk multiplier").positive({ error: "Risk multiplier must be above 0" }).nullable().default(null),
      }),
    ],
    { error: "Buffer type must be fixed units, a percent of the pool, or computed from velocity" },
  )
  .superRefine(requireScopeValue);

const allocationRuleSchema = z
  .discriminatedUnion(
    "kind",
    [
      z.object({ ...scoped, kind: z.literal("cap"), units: wholeCount("Cap") }),
      z.object({ ...scoped, kind: z.literal("poolShare"), percentBps: percentBps("Share of pool") }),
      z.object({ ...scoped, kind: z.literal("fixed"), units: wholeCount("Fixed count") }),
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
    differentialBps: z
      .number({ error: "Price differential must be a number" })
      .int({ error: "Price differential must be whole basis points" })
      .min(-9_999, { error: "Price differential must be above -100%" })
      .default(0),
    differentialCents: z.number({ error: "Price adjustment must be a number" }).int({ error: "Price adjustment must be in whole cents" }).default(0),
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
  priority: z.number({ error: "Priority must be a number" }).int({ error: "Priority must be a whole number" }),
  riskMultiplier: number("Risk multiplier").positive({ error: "Risk multiplier must be above 0" }).nullable().default(null),
  lowStockThreshold: wholeCount("Low-stock threshold").default(0),
  untrackedQuantity: wholeCount("Untracked quantity").default(0),
  promotionNoticeHours: wholeCount("Promotion notice").optional(),
});

const locationSchema = z.object({
  id: id("Location"),
  name: id("Location name"),
  saleable: z.boolean().default(true),
  isDropShip: z.boolean().default(false),
  vendorShareBps: percentBps("Vendor share").default(10_000),
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

const promotionSchema = z
  .object({
    name: id("Promotion name"),
    startsAt: z.date({ error: "Start must be a date" }),
    endsAt: z.date({ error: "End must be a date" }),
    channelIds: z.array(z.string()).min(1, { error: "Choose at least one channel" }),
    discountKind: z.enum(["percent", "amount", "fixedPrice", "couponPercent", "couponAmount"], { error: "Unknown discount type" }),
    discountValue: wholeCount("Discount"),
    upliftBps: wholeCount("Expected uplift").min(1, { error: "Expected uplift must be above 0" }).default(20_000),
    reserveUnits: wholeCount("Reserve").default(0),
  })
  .superRefine((promotion, ctx) => {
    if (promotion.endsAt.getTime() <= promotion.startsAt.getTime()) {
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "End must be after the start" });
    }
    const isPercent = promotion.discountKind === "percent" || promotion.discountKind === "couponPercent";
    if (isPercent && promotion.discountValue > 10_000) {
      ctx.addIssue({ code: "custom", path: ["discountValue"], message: "Discount cannot be above 100%" });
    }
  });

export type PromotionSettings = z.infer<typeof promotionSchema>;

// The sales-velocity window the merchant sets (velocity.ts). A year is the longest window that
// still says something about next week's demand; the half-life cannot outlast the window.
const velocitySettingsSchema = z
  .object({
    windowDays: wholeCount("Velocity window")
      .min(1, { error: "Velocity window must be at least 1 day" })
      .max(365, { error: "Velocity window cannot be longer than 365 days" }),
    halfLifeDays: number("Half-life").positive({ error: "Half-life must be above 0" }).optional(),
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
