import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import defaultPrisma from "~/db.server";

// The activity log: pushes, orders, rule changes, imports, newest first, filtered and paginated by
// cursor so a shop with millions of events loads one page at a time.

export const ActivityQuery = z.object({
  action: z.string().trim().max(100).optional(),
  actor: z.string().trim().max(100).optional(),
  before: z.string().optional(),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export type ActivityFilter = z.infer<typeof ActivityQuery>;

export async function activityPage(shopDomain: string, filter: ActivityFilter, prisma: PrismaClient = defaultPrisma) {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } });
  const where: Prisma.AuditEventWhereInput = {
    shopId: shop.id,
    ...(filter.action ? { action: { startsWith: filter.action } } : {}),
    ...(filter.actor ? { actor: { startsWith: filter.actor } } : {}),
  };
  const events = await prisma.auditEvent.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.pageSize + 1,
    ...(filter.before ? { cursor: { id: filter.before }, skip: 1 } : {}),
  });
  const page = events.slice(0, filter.pageSize);
  return {
    events: page.map((e) => ({
      id: e.id,
      at: e.createdAt.toISOString(),
      actor: e.actor,
      action: e.action,
      subject: e.subjectType ? `${e.subjectType} ${e.subjectId ?? ""}`.trim() : null,
      details: e.details,
    })),
    nextCursor: events.length > filter.pageSize ? (page[page.length - 1]?.id ?? null) : null,
  };
}
