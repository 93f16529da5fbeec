import type { PrismaClient } from "@prisma/client";

/** The id of the shop with this myshopify domain (the shop must exist). */
export async function shopIdOf(prisma: PrismaClient, shopDomain: string): Promise<string> {
  return (await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } })).id;
}
