import { z } from "zod";
import { addDays, localDate, parseShopDateTime } from "~/lib/zoned-time";

// A vendor feed's shape, pure: the column mapping the merchant sets once, the schedule, and how
// one row of the file becomes a quantity (or a refusal naming the row and why). Decision 0026.

/** The columns a feed maps, by the header names in the vendor's file. */
export const FeedMapping = z.object({
  /** The column holding the shop's own SKU (a variant's SKU in Shopify). */
  sku: z.string().trim().min(1, "The SKU column is required"),
  quantity: z.string().trim().min(1, "The quantity column is required"),
  cost: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined),
  leadTime: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined),
});
export type FeedMapping = z.infer<typeof FeedMapping>;

export const FEED_DELIMITERS = { comma: ",", tab: "\t", semicolon: ";" } as const;

/** "HH:MM", 24-hour. */
export const DailyAt = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Daily at must be a time like 06:30");

export type Schedule = { schedule: "HOURLY" } | { schedule: "DAILY"; dailyAt: string };

/** A stored feed's schedule (a daily feed without its time runs at midnight, which saving never allows). */
export function scheduleOf(feed: { schedule: "HOURLY" | "DAILY"; dailyAt: string | null }): Schedule {
  return feed.schedule === "HOURLY" ? { schedule: "HOURLY" } : { schedule: "DAILY", dailyAt: feed.dailyAt ?? "00:00" };
}

const HOUR_MS = 3_600_000;

/** The slot due at or before `now` and the next one, for a feed's schedule in the shop's time zone. */
export function feedSlots(schedule: Schedule, now: Date, timeZone: string): { due: Date; next: Date } {
  if (schedule.schedule === "HOURLY") {
    const due = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
    return { due, next: new Date(due.getTime() + HOUR_MS) };
  }
  const today = localDate(now, timeZone);
  const at = (day: string) => parseShopDateTime(`${day}T${schedule.dailyAt}`, timeZone)!;
  const todays = at(today);
  return todays <= now ? { due: todays, next: at(addDays(today, 1)) } : { due: at(addDays(today, -1)), next: todays };
}

/** How long after a slot its file may still arrive before the feed is late: a vendor's upload is rarely to the minute. */
export const ARRIVAL_GRACE_MS = 30 * 60_000;

/** The period between two slots: a feed with no import for this and the grace is late. */
export function feedPeriodMs(schedule: Schedule["schedule"]): number {
  return schedule === "HOURLY" ? HOUR_MS : 24 * HOUR_MS;
}

/** One data row of the file, as the import keeps it. */
export interface FeedRow {
  sku: string;
  quantity: number;
  costCents: number | null;
  leadTimeDays: number | null;
}

export interface HeaderColumns {
  sku: number;
  quantity: number;
  cost: number | null;
  leadTime: number | null;
}

/** Where the mapped columns are in the header, or the reason the file cannot be read with this mapping. */
export function resolveHeader(header: readonly string[], mapping: FeedMapping): HeaderColumns | string {
  const names = header.map((h) =>
    h
      .trim()
      .replace(/^\uFEFF/, "")
      .toLowerCase(),
  );
  const find = (name: string) => names.indexOf(name.trim().toLowerCase());
  const missing: string[] = [];
  const column = (name: string | undefined) => {
    if (name === undefined) return null;
    const at = find(name);
    if (at < 0) missing.push(name);
    return at;
  };
  const columns = { sku: column(mapping.sku)!, quantity: column(mapping.quantity)!, cost: column(mapping.cost), leadTime: column(mapping.leadTime) };
  if (missing.length > 0)
    return `the file's header has no column ${missing.map((m) => `"${m}"`).join(", ")} (it has ${header.map((h) => `"${h}"`).join(", ")})`;
  return columns;
}

const WHOLE = /^\d+$/;
const MONEY = /^\d+(\.\d{1,2})?$/;

/** One data row: its values, or the reason it is refused. */
export function readFeedRow(cells: readonly string[], columns: HeaderColumns): FeedRow | string {
  const sku = (cells[columns.sku] ?? "").trim();
  if (!sku) return "no SKU";
  const quantityText = (cells[columns.quantity] ?? "").trim();
  // A vendor's negative or fractional count is a mistake in their file, not stock to offer.
  if (!WHOLE.test(quantityText)) return `quantity "${quantityText}" is not a whole number of units`;
  const quantity = Number(quantityText);
  if (quantity > 2_147_483_647) return `quantity "${quantityText}" is too large`;
  let costCents: number | null = null;
  if (columns.cost !== null) {
    const text = (cells[columns.cost] ?? "").trim().replace(/^\$/, "");
    if (text) {
      if (!MONEY.test(text)) return `cost "${text}" is not an amount`;
      costCents = Math.round(Number(text) * 100);
    }
  }
  let leadTimeDays: number | null = null;
  if (columns.leadTime !== null) {
    const text = (cells[columns.leadTime] ?? "").trim();
    if (text) {
      if (!WHOLE.test(text)) return `lead time "${text}" is not a whole number of days`;
      leadTimeDays = Number(text);
    }
  }
  return { sku, quantity, costCents, leadTimeDays };
}
