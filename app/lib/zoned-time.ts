// Dates a merchant types, read in their shop's time zone: "2027-01-15" is midnight there, and
// "2027-01-15T09:30" (or with a space) 09:30 there; a date-time with its own offset ("Z",
// "+01:00") is taken as it says. Pure, so the rules are tested without a clock or a database.

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of `at` in `timeZone`, as if they were UTC (milliseconds). */
function wallClockMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
}

/**
 * The instant a merchant meant by `text` in `timeZone`, or null when it is not a date (or not a
 * day of the calendar: 2027-02-30). A local time a clock change skips is read at the offset
 * before the change.
 */
export function parseShopDateTime(text: string, timeZone: string): Date | null {
  const value = text.trim();
  if (WITH_OFFSET.test(value)) {
    const at = new Date(value.replace(" ", "T"));
    return Number.isNaN(at.getTime()) ? null : at;
  }
  const m = LOCAL.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? "0", m[5] ?? "0", m[6] ?? "0"].map(Number);
  if (hour > 23 || minute > 59 || second > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  // The zone's offset at the guess, then once more at the corrected instant (a clock change between).
  let at = wall - (wallClockMs(wall, timeZone) - wall);
  at = wall - (wallClockMs(at, timeZone) - at);
  return new Date(at);
}

/** `at` as the merchant types it back: "2027-01-15" at local midnight, else "2027-01-15T09:30". */
export function formatShopDateTime(at: Date, timeZone: string): string {
  const iso = new Date(wallClockMs(at.getTime(), timeZone)).toISOString();
  const [date, time] = [iso.slice(0, 10), iso.slice(11, 19)];
  if (time === "00:00:00") return date;
  return `${date}T${time.endsWith(":00") ? time.slice(0, 5) : time}`;
}

/** The local calendar date of `at` in `timeZone`, as YYYY-MM-DD. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** The calendar day `days` after `day` (YYYY-MM-DD; negative: before). */
export function addDays(day: string, days: number): string {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

/** The shop's time zone (Shop.settings.timeZone, Shopify's ianaTimezone): the dates it types and its days are read in it; UTC until known. */
export function shopTimeZone(settings: unknown): string {
  const value = settings !== null && typeof settings === "object" ? (settings as Record<string, unknown>).timeZone : undefined;
  return typeof value === "string" && isTimeZone(value) ? value : "UTC";
}
