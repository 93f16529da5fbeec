import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { ensureStoreChannel } from "~/channels/store-channel.server";
import { logger } from "~/lib/logger.server";
import {
  queues as defaultQueues,
  recentCheckSchedulerId,
  reconcileSchedulerId,
  scheduleRecentCheck,
  scheduleReconcile,
  stopOrderImport,
  type Queues,
} from "~/queues.server";

interface Deps {
  prisma?: PrismaClient;
  queues?: Queues;
}

/**
 * Called after every successful authentication. Creates the shop on first install (or revives it
 * on reinstall) and makes sure its scheduled work exists; the initial import runs once.
 */
export async function onShopInstalled(shopDomain: string, deps: Deps = {}): Promise<void> {
  const prisma = deps.prisma ?? defaultPrisma;
  const queues = deps.queues ?? defaultQueues();
  const existing = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, uninstalledAt: true } });
  if (existing && !existing.uninstalledAt) return;

  const shop = await prisma.shop.upsert({
    where: { domain: shopDomain },
    create: { domain: shopDomain },
    update: { uninstalledAt: null, installedAt: new Date() },
    select: { id: true },
  });
  // The store is a channel of its own shop, watched by the marketplaces that watch prices.
  await ensureStoreChannel(prisma, shop.id);
  await scheduleReconcile(shopDomain, queues);
  await scheduleRecentCheck(shopDomain, queues);
  await queues["shop-maintenance"].add("initial-import", { shopDomain, task: "initial-import" }, { jobId: `initial-import:${shopDomain}:${Date.now()}` });
  logger.info({ shop: shopDomain, reinstall: Boolean(existing) }, "shop installed");
}

/**
 * app/uninstalled: the shop's tokens are dead, so its sessions go and its scheduled and pending
 * work stops. Its configuration stays until shop/redact (sent by Shopify 48 hours later), so a
 * merchant who reinstalls in between finds their rules where they left them.
 */
export async function onShopUninstalled(shopDomain: string, deps: Deps = {}): Promise<void> {
  const prisma = deps.prisma ?? defaultPrisma;
  await prisma.session.deleteMany({ where: { shop: shopDomain } });
  await prisma.shop.updateMany({ where: { domain: shopDomain }, data: { uninstalledAt: new Date() } });
  await prisma.channel.updateMany({
    where: { shop: { domain: shopDomain }, status: { in: ["CONNECTED", "FAILING"] } },
    data: { status: "PAUSED", statusReason: "Anchorline was uninstalled from the store" },
  });
  await stopScheduledWork(shopDomain, deps.queues ?? defaultQueues(), prisma);
  logger.info({ shop: shopDomain }, "shop uninstalled");
}

/** shop/redact: erase every row of the shop. Relations cascade from Shop (prisma/schema.prisma). */
export async function redactShop(shopDomain: string, deps: Deps = {}): Promise<void> {
  const prisma = deps.prisma ?? defaultPrisma;
  // Schedules first: they are found through the shop's channels, which the delete takes away.
  await stopScheduledWork(shopDomain, deps.queues ?? defaultQueues(), prisma);
  await prisma.$transaction([
    prisma.session.deleteMany({ where: { shop: shopDomain } }),
    prisma.shop.deleteMany({ where: { domain: shopDomain } }),
    prisma.webhookDelivery.deleteMany({ where: { shopDomain } }),
  ]);
  logger.info({ shop: shopDomain }, "shop data erased (shop/redact)");
}

async function stopScheduledWork(shopDomain: string, queues: Queues, prisma: PrismaClient): Promise<void> {
  await queues["shop-maintenance"].removeJobScheduler(reconcileSchedulerId(shopDomain));
  await queues["shop-maintenance"].removeJobScheduler(recentCheckSchedulerId(shopDomain));
  const channels = await prisma.channel.findMany({ where: { shop: { domain: shopDomain } }, select: { id: true } });
  await Promise.all(channels.map((channel) => stopOrderImport(channel.id, queues)));
  const pending = await queues["shop-maintenance"].getJobs(["waiting", "delayed", "prioritized"]);
  // A job that started meanwhile cannot be removed; it finds the shop uninstalled and stops.
  await Promise.all(pending.filter((job) => job.data.shopDomain === shopDomain).map((job) => job.remove().catch(() => undefined)));
}
