import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { NotFoundForShop } from "~/lib/errors";
import { checkVariantHold, saveVariantHolds } from "~/rules/variant-holds.server";
import { releaseJobId } from "~/sync/releases.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { useOwnQueues } from "../../test/own-queues";
import { exportVariantHolds, importVariantHolds } from "./variant-holds.server";

// The merchant's holds (discontinued, release date) by CSV and by the one writer both ways in use,
// on real PostgreSQL and Redis under a queue prefix of this file's own.
const { queues } = useOwnQueues("holds");

const NOW = new Date("2026-12-06T12:00:00Z");

async function shop(timeZone?: string) {
  const seeded = await seedShopWithEveryModel(prisma);
  if (timeZone) await prisma.shop.update({ where: { id: seeded.shop.id }, data: { settings: { timeZone } } });
  await prisma.listing.updateMany({ where: { shopId: seeded.shop.id }, data: { staleSince: null } });
  return seeded;
}
const variantOf = (id: string) => prisma.variant.findUniqueOrThrow({ where: { id } });
const stale = (shopId: string) => prisma.listing.count({ where: { shopId, staleSince: { not: null } } });

describe("checking a variant's holds", () => {
  it("given yes/no words and a date in the shop's zone, then the hold; given a bad date or word, then a message naming the field", () => {
    expect(checkVariantHold({ discontinued: "Yes", releaseAt: "2027-01-15" }, "America/New_York")).toEqual({
      ok: true,
      hold: { discontinued: true, releaseAt: new Date("2027-01-15T05:00:00Z") },
    });
    expect(checkVariantHold({ discontinued: "on", releaseAt: "" }, "UTC")).toEqual({ ok: true, hold: { discontinued: true, releaseAt: null } });
    expect(checkVariantHold({}, "UTC")).toEqual({ ok: true, hold: { discontinued: false, releaseAt: null } });
    const refused = checkVariantHold({ discontinued: "maybe", releaseAt: "15/01/2027" }, "UTC");
    expect(refused).toEqual({
      ok: false,
      errors: { discontinued: expect.stringContaining('"maybe"'), releaseAt: expect.stringContaining('Release date "15/01/2027" is not a date') },
    });
  });
});

describe("the holds CSV", () => {
  it("given a file setting a release date and discontinued, when imported, then both are saved, the listings marked and the release scheduled at its moment", async () => {
    const { shop: s, variant } = await shop("Europe/Berlin");
    const result = await importVariantHolds(s.domain, "sku,discontinued,release_at\r\nKET-RED,yes,2027-01-15T09:00\r\n", "merchant:test", {
      prisma,
      queues,
      now: NOW,
    });
    expect(result).toEqual({ ok: true, created: 0, updated: 1 });
    const saved = await variantOf(variant.id);
    expect([saved.discontinued, saved.releaseAt?.toISOString(), saved.releaseNotedAt]).toEqual([true, "2027-01-15T08:00:00.000Z", null]);
    expect(await stale(s.id)).toBe(1);
    const job = await queues.recompute.getJob(releaseJobId(s.id, saved.releaseAt!));
    expect(job!.timestamp + job!.delay).toBe(saved.releaseAt!.getTime());
    expect(await prisma.auditEvent.count({ where: { shopId: s.id, action: "variant.holds_set" } })).toBe(1);

    // Exported as typed, in the shop's zone: imports back with nothing changed.
    const csv = await exportVariantHolds(s.domain, prisma);
    expect(csv).toContain("KET-RED,yes,2027-01-15T09:00\r\n");
    expect(csv).toContain("KET-2,no,\r\n");
    await prisma.listing.updateMany({ where: { shopId: s.id }, data: { staleSince: null } });
    expect(await importVariantHolds(s.domain, csv, "merchant:test", { prisma, queues, now: NOW })).toEqual({ ok: true, created: 0, updated: 0 });
    expect(await stale(s.id)).toBe(0);
  });

  it("given one unparseable date among good rows, when imported, then it is refused naming its line and column, and nothing is saved", async () => {
    const { shop: s, variant } = await shop();
    const csv = "sku,discontinued,release_at\r\nKET-2,yes,2027-02-01\r\nKET-RED,no,next tuesday\r\nNOPE,no,\r\n";
    const result = await importVariantHolds(s.domain, csv, "merchant:test", { prisma, queues, now: NOW });
    expect(result).toEqual({
      ok: false,
      problems: [
        { line: 3, field: "release_at", message: expect.stringContaining('"next tuesday" is not a date') },
        { line: 4, field: "sku", message: "No variant with SKU NOPE in this shop" },
      ],
    });
    const untouched = await prisma.variant.findMany({ where: { shopId: s.id }, select: { discontinued: true, releaseAt: true } });
    expect(untouched.every((v) => !v.discontinued && v.releaseAt === null)).toBe(true);
    expect(await stale(s.id)).toBe(0);
    expect((await variantOf(variant.id)).discontinued).toBe(false);
  });

  it("given a file with only the discontinued column, when imported, then release dates are left as they are", async () => {
    const { shop: s, variant } = await shop();
    const release = new Date("2027-03-01T00:00:00Z");
    await prisma.variant.update({ where: { id: variant.id }, data: { releaseAt: release } });
    expect(await importVariantHolds(s.domain, "sku,discontinued\nKET-RED,yes\n", "merchant:test", { prisma, queues, now: NOW })).toMatchObject({
      ok: true,
      updated: 1,
    });
    expect(await variantOf(variant.id)).toMatchObject({ discontinued: true, releaseAt: release });
  });
});

describe("saving holds", () => {
  it("given a release date already past, when saved, then it is noted at once (the save's recompute is its release) and no job is left", async () => {
    const { shop: s, variant } = await shop();
    const past = new Date("2026-12-01T00:00:00Z");
    await saveVariantHolds(s.id, new Map([[variant.id, { discontinued: false, releaseAt: past }]]), "merchant:test", { prisma, queues, now: NOW });
    expect((await variantOf(variant.id)).releaseNotedAt).toEqual(NOW);
    expect(await queues.recompute.getJob(releaseJobId(s.id, past))).toBeUndefined();
    expect(await stale(s.id)).toBe(1);
  });

  it("given another shop's variant, then NotFoundForShop and nothing saved", async () => {
    const mine = await shop();
    const theirs = await shop();
    await expect(
      saveVariantHolds(mine.shop.id, new Map([[theirs.variant.id, { discontinued: true, releaseAt: null }]]), "merchant:test", { prisma, queues, now: NOW }),
    ).rejects.toBeInstanceOf(NotFoundForShop);
    expect((await variantOf(theirs.variant.id)).discontinued).toBe(false);
  });
});
