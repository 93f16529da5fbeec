import type { AlertKind } from "@prisma/client";
import { z } from "zod";
import { localDate } from "~/lib/zoned-time";

// When an alert may reach a route: quiet hours, urgency and the daily digest. Pure functions of
// the clock, so the rules are tested without waiting.

/** Kinds that never cost money within hours: a digest route collects them into one daily message. */
export const MINOR_KINDS: ReadonlySet<AlertKind> = new Set<AlertKind>(["DRIFT", "SYNC_LATENCY", "PROMOTION_RESERVE"]);

/** The local hour (in the route's time zone) from which the day's digest goes out. */
export const DIGEST_LOCAL_HOUR = 8;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const QuietHoursSchema = z.object({
  start: z.string().regex(HHMM, "start must be HH:MM").optional(),
  end: z.string().regex(HHMM, "end must be HH:MM").optional(),
  timeZone: z.string().refine(isTimeZone, "timeZone must be an IANA time zone such as Europe/Berlin").default("UTC"),
});

export type QuietHours = z.infer<typeof QuietHoursSchema>;

/** The route's quietHours column; a malformed value means no quiet hours (alerts are never lost to a typo). */
export function parseQuietHours(value: unknown): QuietHours {
  const parsed = QuietHoursSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : { timeZone: "UTC" };
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h! * 60 + m!;
}

/** Minutes since local midnight in `timeZone`. */
export function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get("hour") * 60 + get("minute");
}

/** When the quiet window `at` falls in ends, or null when `at` is outside it (or there is none). */
export function quietWindowEnd(at: Date, quiet: QuietHours): Date | null {
  if (!quiet.start || !quiet.end || quiet.start === quiet.end) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const now = localMinutes(at, quiet.timeZone);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return null;
  const minutesLeft = (end - now + 1440) % 1440;
  const startOfMinute = Math.floor(at.getTime() / 60_000) * 60_000;
  // Offsets around a daylight-saving change can shift this by an hour on two nights a year: the
  // alert then arrives an hour early or late, which is acceptable for a non-urgent alert.
  return new Date(startOfMinute + minutesLeft * 60_000);
}

/**
 * Whether an alert pages through a quiet window ending at `windowEnd`. An oversell always does:
 * the marketplace's defect clock runs at night too, and a merchant would rather be woken than
 * see a cancelled order count against the account. Any other alert does when holding it would
 * miss its respond-by (a parity violation raised at 23:00 under a 22:00–07:00 window).
 */
export function breaksThroughQuietHours(alert: { kind: AlertKind; respondBy: Date | null }, windowEnd: Date): boolean {
  if (alert.kind === "OVERSELL") return true;
  return alert.respondBy !== null && alert.respondBy.getTime() < windowEnd.getTime();
}

/**
 * A digest route's daily run is due once per local day, from DIGEST_LOCAL_HOUR on, outside quiet
 * hours. `lastDigestAt` is when it last ran, sent or empty.
 */
export function digestDue(at: Date, quiet: QuietHours, lastDigestAt: Date | null): boolean {
  if (localMinutes(at, quiet.timeZone) < DIGEST_LOCAL_HOUR * 60) return false;
  if (quietWindowEnd(at, quiet)) return false;
  return lastDigestAt === null || localDate(lastDigestAt, quiet.timeZone) < localDate(at, quiet.timeZone);
}
