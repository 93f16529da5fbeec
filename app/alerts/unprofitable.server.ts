import { Prisma, type PrismaClient } from "@prisma/client";
import { money } from "~/engine/explain";
import { raiseAlert, type RaiseOptions } from "./raise.server";
import { resolveAlert } from "./events.server";

// The unprofitable alert: a listing whose desired price fell under its fee-inclusive floor
// (ListingMargin, written by the recompute: app/recompute/margins.server.ts). Raised on the turn,
// once per listing; when more than UNPROFITABLE_GROUP_AT listings of one channel turn at once (a
// fee rule raised, a cost import), one alert for the channel instead, so a rule that touches
// 10,000 listings pages once. Resolved by itself when the listing is profitable again (a
// channel's alert when none of its listings is under its floor any more).
//
// What is due is read from the rows, not from the write that changed them: ListingMargin.alerted
// says whether the merchant was told, so a row whose `unprofitable` differs from it is due,
// whichever run wrote it and whether or not the last run finished (decision 0020).

/** More than this many listings of one channel turning at once are one alert for the channel. */
export const UNPROFITABLE_GROUP_AT = 5;
/** Listings a channel's alert names (the Margins screen lists them all). */
const NAMED_IN_GROUP = 10;
/** Rows settled per call; the rest on the next recompute. */
const SETTLE_LIMIT = 5_000;

export function unprofitableListingKey(listingId: string): string {
  return `unprofitable:${listingId}`;
}

export function unprofitableChannelKey(channelId: string): string {
  return `unprofitable-channel:${channelId}`;
}

interface DueRow {
  listingId: string;
  channelId: string;
  channelName: string;
  sku: string;
  unprofitable: boolean;
  priceCents: number;
  floorCents: number | null;
  cause: string | null;
  currencyCode: string;
}

function listingLine(row: DueRow): string {
  const floor = row.floorCents === null ? "no price is profitable" : `floor ${money(row.floorCents)}`;
  return `${row.sku} at ${money(row.priceCents)} (${floor})${row.cause ? `: ${row.cause}` : ""}`;
}

export interface SettleResult {
  raised: number;
  resolved: number;
}

/** Raises and resolves every unprofitable alert the shop's margins say is due. */
export async function settleUnprofitableAlerts(prisma: PrismaClient, shopId: string, options: RaiseOptions = {}): Promise<SettleResult> {
  const now = options.now ?? new Date();
  // Matches the partial index ListingMargin_alert_due_idx: nothing is read when nothing turned.
  const due = await prisma.$queryRaw<DueRow[]>(Prisma.sql`
    SELECT m."listingId", m."channelId", c.name AS "channelName", COALESCE(v.sku, l."channelSku") AS sku, m.unprofitable,
           m."priceCents", m."floorCents", m.cause, s."currencyCode"
    FROM "ListingMargin" m
    JOIN "Listing" l ON l.id = m."listingId"
    JOIN "Variant" v ON v.id = l."variantId"
    JOIN "Channel" c ON c.id = m."channelId"
    JOIN "Shop" s ON s.id = m."shopId"
    WHERE m."shopId" = ${shopId} AND m.unprofitable <> m.alerted
    ORDER BY m."channelId", sku
    LIMIT ${SETTLE_LIMIT}`);
  if (due.length === 0) return { raised: 0, resolved: 0 };
  const result: SettleResult = { raised: 0, resolved: 0 };

  const turnedByChannel = new Map<string, DueRow[]>();
  for (const row of due) {
    if (!row.unprofitable) continue;
    const list = turnedByChannel.get(row.channelId);
    if (list) list.push(row);
    else turnedByChannel.set(row.channelId, [row]);
  }
  for (const [channelId, rows] of turnedByChannel) {
    if (rows.length > UNPROFITABLE_GROUP_AT) {
      result.raised += await raiseForChannel(prisma, shopId, channelId, rows, { ...options, now });
    } else {
      for (const row of rows) {
        const { created } = await raiseAlert(
          prisma,
          {
            shopId,
            kind: "UNPROFITABLE",
            dedupeKey: unprofitableListingKey(row.listingId),
            title:
              row.floorCents === null
                ? `${row.sku} on ${row.channelName} cannot be profitable: fees and minimum margin take the whole price`
                : `${row.sku} on ${row.channelName} is under its floor: ${money(row.priceCents)} against a floor of ${money(row.floorCents)}`,
            channelId,
            listingId: row.listingId,
            facts: {
              sku: row.sku,
              channel: row.channelName,
              price: `${money(row.priceCents)} ${row.currencyCode}`,
              floor: row.floorCents === null ? "none: fees and minimum margin take the whole price" : `${money(row.floorCents)} ${row.currencyCode}`,
              why: row.cause ?? "under its fee-inclusive floor",
            },
          },
          { ...options, now },
        );
        if (created) result.raised += 1;
      }
    }
    await prisma.listingMargin.updateMany({ where: { shopId, listingId: { in: rows.map((r) => r.listingId) }, unprofitable: true }, data: { alerted: true } });
  }

  const recovered = due.filter((row) => !row.unprofitable);
  if (recovered.length > 0) {
    const keys = recovered.map((row) => unprofitableListingKey(row.listingId));
    for (const channelId of new Set(recovered.map((row) => row.channelId))) {
      const stillUnder = await prisma.listingMargin.count({ where: { shopId, channelId, unprofitable: true } });
      if (stillUnder === 0) keys.push(unprofitableChannelKey(channelId));
    }
    const open = await prisma.alert.findMany({ where: { shopId, dedupeKey: { in: keys }, state: { not: "RESOLVED" } }, select: { id: true } });
    for (const alert of open) if (await resolveAlert(prisma, shopId, alert.id, "worker", now)) result.resolved += 1;
    await prisma.listingMargin.updateMany({
      where: { shopId, listingId: { in: recovered.map((r) => r.listingId) }, unprofitable: false },
      data: { alerted: false },
    });
  }
  return result;
}

/** One alert for a channel's many listings turning at once; an open one is brought up to date. */
async function raiseForChannel(prisma: PrismaClient, shopId: string, channelId: string, rows: DueRow[], options: RaiseOptions): Promise<number> {
  const channelName = rows[0].channelName;
  const underFloor = await prisma.listingMargin.count({ where: { shopId, channelId, unprofitable: true } });
  const title = `${underFloor} listings on ${channelName} are under their fee-inclusive floor`;
  const facts = {
    channel: channelName,
    listingsUnderFloor: underFloor,
    turnedNow: rows.length,
    examples: rows.slice(0, NAMED_IN_GROUP).map(listingLine),
    seeAll: "Margins, filtered to this channel and under floor only",
  };
  const { alert, created } = await raiseAlert(
    prisma,
    { shopId, kind: "UNPROFITABLE", dedupeKey: unprofitableChannelKey(channelId), title, channelId, facts },
    options,
  );
  if (!created && alert.state !== "RESOLVED") await prisma.alert.update({ where: { id: alert.id }, data: { title, facts } });
  return created ? 1 : 0;
}
