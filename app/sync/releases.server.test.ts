import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { Sql } from "~/lib/sql.server";
import { markChanged } from "~/recompute/index.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { landingAtListingsRead } from "../../test/landing-mid-batch";
import { useOwnQueues } from "../../test/own-queues";
import { ensureWorkDue } from "./due-work.server";
import { noteReleasesDue, RELEASE_JOB, releaseJobId, scheduleReleases, sweepReleases } from "./releases.server";

// Release moments on real PostgreSQL and Redis, under a queue prefix of this file's own: the clock
// is an argument (`now`), so a moment passes without waiting for it.
const { redis, queues } = useOwnQueues("release");

const RELEASE = new Date("2031-03-01T09:00:00Z");
const BEFORE = new Date(RELEASE.getTime() - 3_600_000);
const AFTER = new Date(RELEASE.getTime() + 1_000);

/** A shop whose kettle is held until RELEASE, its Amazon listing computed (not stale). */
async function heldShop() {
  const seeded = await seedShopWithEveryModel(prisma);
  await prisma.variant.update({ where: { id: seeded.variant.id }, data: { releaseAt: RELEASE, releaseNotedAt: null } });
  await prisma.listing.updateMany({ where: { shopId: seeded.shop.id }, data: { staleSince: null } });
  return seeded;
}

const releaseJob = (shopId: string, at = RELEASE) => queues.recompute.getJob(releaseJobId(shopId, at));
const stale = (shopId: string) => prisma.listing.count({ where: { shopId, staleSince: { not: null } } });

describe("release moments", () => {
  it("given a release ahead, when it is scheduled twice, then one delayed job waits until that very moment", async () => {
    const { shop } = await heldShop();
    expect(await scheduleReleases(shop.id, [RELEASE, RELEASE], { queues, now: BEFORE })).toBe(1);
    await scheduleReleases(shop.id, [RELEASE], { queues, now: new Date(BEFORE.getTime() + 60_000) });
    const job = await releaseJob(shop.id);
    expect(job?.name).toBe(RELEASE_JOB);
    expect(await job?.getState()).toBe("delayed");
    expect(job!.timestamp + job!.delay).toBe(RELEASE.getTime());
    const mine = (await queues.recompute.getDelayed()).filter((j) => j.data.shopId === shop.id);
    expect(mine).toHaveLength(1);
    // A moment already past has no job: the sweep or the save notes it.
    expect(await scheduleReleases(shop.id, [BEFORE], { queues, now: AFTER })).toBe(0);
  });

  it("given a held variant, when its job runs before the moment, then nothing moves; after it, its listings are marked once and the moment noted", async () => {
    const { shop, variant } = await heldShop();
    expect(await noteReleasesDue(shop.id, { queues, now: BEFORE })).toBe(0);
    expect(await stale(shop.id)).toBe(0);

    expect(await noteReleasesDue(shop.id, { queues, now: AFTER })).toBe(1);
    expect(await stale(shop.id)).toBe(1);
    expect((await prisma.variant.findUniqueOrThrow({ where: { id: variant.id } })).releaseNotedAt).toEqual(AFTER);

    // The same moment again (a retried job, the sweep): nothing is marked twice.
    await prisma.listing.updateMany({ where: { shopId: shop.id }, data: { staleSince: null } });
    expect(await noteReleasesDue(shop.id, { queues, now: new Date(AFTER.getTime() + 60_000) })).toBe(0);
    expect(await stale(shop.id)).toBe(0);
  });

  it("given workers down while a release passed and Redis emptied, when the workers come back, then the missed moment runs once and the one ahead is scheduled again", async () => {
    const { shop, variant } = await heldShop();
    const later = new Date(RELEASE.getTime() + 86_400_000);
    const product = await prisma.product.findFirstOrThrow({ where: { shopId: shop.id } });
    const second = await prisma.variant.create({
      data: { shopId: shop.id, productId: product.id, shopifyId: "102", title: "Blue", sku: "KET-BLUE", priceCents: 4999, releaseAt: later },
    });

    expect(await sweepReleases([shop.id], { prisma, queues, now: AFTER })).toBe(1);
    expect((await prisma.variant.findUniqueOrThrow({ where: { id: variant.id } })).releaseNotedAt).toEqual(AFTER);
    expect(await stale(shop.id)).toBe(1);
    const ahead = await releaseJob(shop.id, later);
    expect(ahead!.timestamp + ahead!.delay).toBe(later.getTime());
    expect((await prisma.variant.findUniqueOrThrow({ where: { id: second.id } })).releaseNotedAt).toBeNull();

    // Again, as every minute: the missed moment is not run twice, the job ahead stays one.
    await prisma.listing.updateMany({ where: { shopId: shop.id }, data: { staleSince: null } });
    await sweepReleases([shop.id], { prisma, queues, now: new Date(AFTER.getTime() + 60_000) });
    expect(await stale(shop.id)).toBe(0);
    expect((await queues.recompute.getDelayed()).filter((j) => j.data.shopId === shop.id)).toHaveLength(1);
  });

  it("given a release not noted, when the workers' due work runs, then the sweep is part of it", async () => {
    const { shop } = await heldShop();
    const done = await ensureWorkDue({ redis, prisma, queues, now: AFTER });
    expect(done["release dates: the missed ones noted, the ones ahead scheduled"]).toBeGreaterThanOrEqual(1);
    expect(await stale(shop.id)).toBe(1);
  });

  it("given a shop uninstalled before its release, when the job runs, then nothing is marked; once reinstalled, the sweep notes it", async () => {
    const { shop, variant } = await heldShop();
    await prisma.shop.update({ where: { id: shop.id }, data: { uninstalledAt: BEFORE } });
    expect(await noteReleasesDue(shop.id, { queues, now: AFTER })).toBe(0);
    expect(await stale(shop.id)).toBe(0);
    await prisma.shop.update({ where: { id: shop.id }, data: { uninstalledAt: null } });
    await sweepReleases([shop.id], { prisma, queues, now: AFTER });
    expect((await prisma.variant.findUniqueOrThrow({ where: { id: variant.id } })).releaseNotedAt).toEqual(AFTER);
  });

  it("given a product tagged in Shopify with a release day ahead, when the sweep runs, then that day gets a job; when it runs, the product's variants are marked", async () => {
    const { shop } = await heldShop();
    const day = new Date("2031-04-01T00:00:00Z");
    const product = await prisma.product.findFirstOrThrow({ where: { shopId: shop.id } });
    await prisma.product.update({ where: { id: product.id }, data: { tags: ["kitchen", "Anchorline:Release:2031-04-01"] } });
    await sweepReleases([shop.id], { prisma, queues, now: BEFORE });
    const job = await releaseJob(shop.id, day);
    expect(job!.data).toEqual({ shopId: shop.id, releaseAt: day.getTime() });
    expect(job!.timestamp + job!.delay).toBe(day.getTime());

    await prisma.variant.updateMany({ where: { shopId: shop.id }, data: { releaseAt: null } });
    expect(await noteReleasesDue(shop.id, { queues, now: new Date(day.getTime() - 1), moment: day })).toBe(0);
    expect(await stale(shop.id)).toBe(0);
    await noteReleasesDue(shop.id, { queues, now: new Date(day.getTime() + 1_000), moment: day });
    expect(await stale(shop.id)).toBe(await prisma.listing.count({ where: { shopId: shop.id } }));
    expect(await stale(shop.id)).toBeGreaterThan(0);
  });

  it("given the merchant moved the date while its job waited, when the old moment's job runs, then the new date is not noted early", async () => {
    const { shop, variant } = await heldShop();
    const moved = new Date(RELEASE.getTime() + 7 * 86_400_000);
    await prisma.variant.update({ where: { id: variant.id }, data: { releaseAt: moved } });
    expect(await noteReleasesDue(shop.id, { queues, now: AFTER })).toBe(0);
    expect((await prisma.variant.findUniqueOrThrow({ where: { id: variant.id } })).releaseNotedAt).toBeNull();
  });

  it("given a held variant, when its release is noted while a recompute begun just before it is between reading its clock and reading its listings, then the release is not lost: Amazon is offered the units", async () => {
    const { shop, variant } = await heldShop();
    let clock = BEFORE;
    const recompute = (sql?: Sql) => recomputeStaleListings(shop.id, { sql, now: () => clock, requestFlush: async () => {} });
    const amazonUnits = async () => (await prisma.listing.findFirstOrThrow({ where: { shopId: shop.id, variantId: variant.id } })).desiredQuantity;
    await markChanged(shop.id, { kind: "catalog", variantIds: [variant.id] });
    await recompute();
    expect(await amazonUnits()).toBe(0);

    // A stock change a second before the release; its batch starts then, and the release's job
    // marks the listings as the batch reads them (the clock has come to the release by then).
    clock = new Date(RELEASE.getTime() - 1_000);
    await markChanged(shop.id, { kind: "catalog", variantIds: [variant.id] });
    let noted: number | undefined;
    const releasedMidBatch = landingAtListingsRead(async () => {
      clock = AFTER;
      noted = await noteReleasesDue(shop.id, { queues, now: AFTER });
    });
    await recompute(releasedMidBatch);
    expect(noted).toBe(1);
    // The recompute the release's mark asked for, after that batch.
    await recompute();
    expect(await amazonUnits()).toBeGreaterThan(0);
  });
});
