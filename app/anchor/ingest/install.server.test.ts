import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { orderImportSchedulerId, queues, RECENT_CHECK_EVERY_MS, recentCheckSchedulerId, reconcileSchedulerId } from "~/queues.server";
import { nonZero, rowsOfShop, seedShopWithEveryModel, uniqueShopDomain } from "../../../test/factories";
import { onShopInstalled, onShopUninstalled, redactShop } from "./install.server";

afterAll(async () => {
  await queues().close();
});

describe("a shop's life cycle", () => {
  it("installing schedules reconciliation, the check of recently changed levels every 2 minutes, and the initial import once", async () => {
    // Given a new shop
    const domain = uniqueShopDomain();
    // When it authenticates twice (every admin load runs afterAuth)
    await onShopInstalled(domain);
    await onShopInstalled(domain);
    // Then the shop exists once, with one reconcile schedule and one initial import queued
    expect(await prisma.shop.count({ where: { domain } })).toBe(1);
    expect(await queues()["shop-maintenance"].getJobScheduler(reconcileSchedulerId(domain))).toBeTruthy();
    expect(await queues()["shop-maintenance"].getJobScheduler(recentCheckSchedulerId(domain))).toMatchObject({
      every: RECENT_CHECK_EVERY_MS,
      template: { data: { shopDomain: domain, task: "recent-check" } },
    });
    expect(RECENT_CHECK_EVERY_MS).toBe(120_000);
    const imports = (await queues()["shop-maintenance"].getJobs(["waiting", "delayed"])).filter(
      (job) => job.data.shopDomain === domain && job.data.task === "initial-import",
    );
    expect(imports).toHaveLength(1);
  });

  it("uninstalling removes sessions and scheduled work but keeps the merchant's rules until shop/redact", async () => {
    // Given an installed shop in full use
    const { shop } = await seedShopWithEveryModel(prisma);
    await onShopInstalled(shop.domain);
    await prisma.shop.update({ where: { id: shop.id }, data: { uninstalledAt: null } });
    const [channel] = await prisma.channel.findMany({ where: { shopId: shop.id } });
    await queues()["order-import"].upsertJobScheduler(
      orderImportSchedulerId(channel.id),
      { every: 60_000 },
      { name: "import", data: { channelId: channel.id } },
    );
    // When Shopify reports the app uninstalled
    await onShopUninstalled(shop.domain);
    // Then no session and no scheduled work remain, channels are paused, rules are kept
    expect(await prisma.session.count({ where: { shop: shop.domain } })).toBe(0);
    expect(await queues()["shop-maintenance"].getJobScheduler(reconcileSchedulerId(shop.domain))).toBeFalsy();
    expect(await queues()["shop-maintenance"].getJobScheduler(recentCheckSchedulerId(shop.domain))).toBeFalsy();
    const pending = (await queues()["shop-maintenance"].getJobs(["waiting", "delayed"])).filter((job) => job.data.shopDomain === shop.domain);
    expect(pending).toHaveLength(0);
    expect(await queues()["order-import"].getJobScheduler(orderImportSchedulerId(channel.id))).toBeFalsy();
    const channels = await prisma.channel.findMany({ where: { shopId: shop.id } });
    expect(channels.every((c) => c.status === "PAUSED")).toBe(true);
    expect(await prisma.bufferRule.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("uninstall then shop/redact leave no row of the shop behind, and another shop's rows untouched", async () => {
    // Given two shops in full use
    const leaving = await seedShopWithEveryModel(prisma);
    const staying = await seedShopWithEveryModel(prisma);
    const before = await rowsOfShop(prisma, staying.shop.domain, staying.shop.id);
    // When the first uninstalls and Shopify later asks for its data to be erased
    await onShopUninstalled(leaving.shop.domain);
    await redactShop(leaving.shop.domain);
    // Then nothing of it remains in any table
    expect(nonZero(await rowsOfShop(prisma, leaving.shop.domain, leaving.shop.id))).toEqual({});
    // And the other shop has every row it had
    expect(await rowsOfShop(prisma, staying.shop.domain, staying.shop.id)).toEqual(before);
  });
});
