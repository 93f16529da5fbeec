import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { recordAudit } from "~/lib/audit.server";
import { NotFoundForShop } from "~/lib/errors";
import { formatShopDateTime, parseShopDateTime, shopTimeZone } from "~/lib/zoned-time";
import { noteChange } from "~/recompute/index.server";
import type { Queues } from "~/queues.server";
import { scheduleReleases } from "~/sync/releases.server";

// A variant's holds, as the merchant sets them (the Inventory screen's holds form, the holds CSV):
// discontinued (no buffer, the first channel is not throttled: the last units sell, engine/buffer.ts)
// and a release date (every channel lists 0 before it, engine/ats.ts hold.release). One check for
// both ways in, one writer: the changes go through noteChange, and a release date ahead gets its
// release job (sync/releases.server.ts) so the listings follow when it passes.

/** The time zone release dates are typed and shown in: the shop's (lib/zoned-time.ts, shared with the velocity schedule). */
export { shopTimeZone };

export interface VariantHold {
  discontinued: boolean;
  releaseAt: Date | null;
}

const YES = new Set(["true", "yes", "y", "1", "on"]);
const NO = new Set(["", "false", "no", "n", "0", "off"]);

/**
 * The merchant's words for one variant's holds, checked: `discontinued` is yes/no (a checkbox's
 * "on", or blank for no), `releaseAt` a date or a date and time in the shop's time zone, blank for
 * none. Refused with a message per field.
 */
export function checkVariantHold(
  values: { discontinued?: string | null; releaseAt?: string | null },
  timeZone: string,
): { ok: true; hold: VariantHold } | { ok: false; errors: Record<"discontinued" | "releaseAt", string | undefined> } {
  const errors: Record<"discontinued" | "releaseAt", string | undefined> = { discontinued: undefined, releaseAt: undefined };
  const word = (values.discontinued ?? "").trim().toLowerCase();
  if (!YES.has(word) && !NO.has(word)) errors.discontinued = `Discontinued is yes or no, not "${values.discontinued}"`;
  const text = (values.releaseAt ?? "").trim();
  const releaseAt = text === "" ? null : parseShopDateTime(text, timeZone);
  if (text !== "" && releaseAt === null)
    errors.releaseAt = `Release date "${text}" is not a date: write 2027-01-15, or 2027-01-15T09:00 for a time (${timeZone}), or leave it blank`;
  if (errors.discontinued || errors.releaseAt) return { ok: false, errors };
  return { ok: true, hold: { discontinued: YES.has(word), releaseAt } };
}

/** A release date as the merchant types it back, in the shop's time zone. */
export const releaseText = (releaseAt: Date | null, timeZone: string) => (releaseAt ? formatShopDateTime(releaseAt, timeZone) : "");

export interface HoldsDeps {
  prisma?: PrismaClient;
  queues?: Queues;
  now?: Date;
}

/**
 * Saves the holds of the shop's variants (by id), all or none, in one transaction: the variants
 * whose holds changed have their listings recomputed, and each release date ahead is scheduled.
 * A release date already past is noted at once, the save's own recompute being its release.
 * Returns how many variants changed. A variant not of the shop is NotFoundForShop.
 */
export async function saveVariantHolds(
  shopId: string,
  holds: ReadonlyMap<string, VariantHold>,
  actor: string,
  deps: HoldsDeps = {},
): Promise<{ changed: number; listings: number }> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = deps.now ?? new Date();
  const ids = [...holds.keys()];
  const before = await prisma.variant.findMany({ where: { shopId, id: { in: ids } }, select: { id: true, sku: true, discontinued: true, releaseAt: true } });
  if (before.length !== ids.length) throw new NotFoundForShop("Variant");
  const changed = before.filter((v) => {
    const next = holds.get(v.id)!;
    return next.discontinued !== v.discontinued || next.releaseAt?.getTime() !== v.releaseAt?.getTime();
  });
  if (changed.length === 0) return { changed: 0, listings: 0 };

  await prisma.$transaction(
    changed.map((v) => {
      const { discontinued, releaseAt } = holds.get(v.id)!;
      const sameRelease = releaseAt?.getTime() === v.releaseAt?.getTime();
      return prisma.variant.update({
        where: { id: v.id },
        data: {
          discontinued,
          releaseAt,
          ...(sameRelease ? {} : { releaseNotedAt: releaseAt !== null && releaseAt <= now ? now : null }),
        },
      });
    }),
  );
  const listings = await noteChange(shopId, { kind: "catalog", variantIds: changed.map((v) => v.id) }, { prisma, queues: deps.queues });
  const ahead = changed.map((v) => holds.get(v.id)!.releaseAt).filter((at): at is Date => at !== null && at > now);
  await scheduleReleases(shopId, ahead, { queues: deps.queues, now });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "variant.holds_set",
    subjectType: changed.length === 1 ? "variant" : "shop",
    subjectId: changed.length === 1 ? changed[0].id : shopId,
    details: {
      variants: changed.length,
      // The first few, as the merchant knows them; the count says how many more.
      changes: changed.slice(0, 20).map((v) => ({
        sku: v.sku,
        discontinued: holds.get(v.id)!.discontinued,
        releaseAt: holds.get(v.id)!.releaseAt?.toISOString() ?? null,
      })),
    },
  });
  return { changed: changed.length, listings };
}
