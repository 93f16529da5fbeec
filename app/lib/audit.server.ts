import type { Prisma, PrismaClient } from "@prisma/client";

export interface AuditEntry {
  shopId: string;
  /** "merchant:<user id>", "worker", "shopify", or a channel kind. */
  actor: string;
  action: string;
  subjectType?: string;
  subjectId?: string;
  details?: Record<string, unknown>;
}

/** The activity log the merchant reads: who changed what, and what the workers did. */
export async function recordAudit(prisma: PrismaClient, entry: AuditEntry): Promise<void> {
  await prisma.auditEvent.create({ data: { ...entry, details: (entry.details ?? {}) as Prisma.InputJsonValue } });
}
