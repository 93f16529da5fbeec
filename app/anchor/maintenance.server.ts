import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import type { JobPayloads, Queues } from "~/queues.server";
import { adminClientForShop } from "./admin-client.server";
import { importCatalog, type ImportSummary } from "./bulk-import.server";
import { checkRecentLevels, type RecentCheckSummary } from "./recent-levels.server";
import { mirrorShopTimeZone } from "./shop-time-zone.server";

/**
 * The shop-maintenance queue's job: the initial import on install; on schedule, the full
 * reconciliation and the frequent check of recently changed levels.
 */
export async function runShopMaintenance(
  job: JobPayloads["shop-maintenance"],
  deps: { prisma?: PrismaClient; queues?: Queues } = {},
): Promise<ImportSummary | RecentCheckSummary | "skipped"> {
  const prisma = deps.prisma ?? defaultPrisma;
  const shop = await prisma.shop.findUnique({ where: { domain: job.shopDomain }, select: { uninstalledAt: true } });
  if (!shop || shop.uninstalledAt) return "skipped";
  const client = await adminClientForShop(job.shopDomain, prisma);
  if (job.task === "recent-check") return checkRecentLevels(job.shopDomain, client, { prisma, queues: deps.queues });
  await mirrorShopTimeZone(job.shopDomain, client, prisma);
  return importCatalog(job.shopDomain, client, { prisma, queues: deps.queues, kind: job.task });
}
