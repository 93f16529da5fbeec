import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { authenticate } from "~/shopify.server";

// The one door of an admin screen: who is asking, for which shop. Every app.* route's loader and
// action starts here (as epic-stack's requireUserId does), so a screen neither resolves the shop
// nor spells the actor itself.

/**
 * Authenticates an embedded admin request (App Bridge's session token) and answers the shop it is
 * for: its domain, Anchorline's id for it, and the actor the activity log records, the staff
 * member who acted ("merchant:<user id>", the session token's `sub`), not the shop's offline
 * session. A shop Anchorline does not know is a 404 Response, never another shop's data.
 * The rest of authenticate.admin's answer (admin client, session, cors) comes along.
 */
export async function requireShop(request: Request, prisma: PrismaClient = defaultPrisma) {
  const context = await authenticate.admin(request);
  const shop = context.session.shop;
  const found = await prisma.shop.findUnique({ where: { domain: shop }, select: { id: true } });
  if (!found) throw new Response("Shop not found", { status: 404 });
  return { ...context, shop, shopId: found.id, actor: `merchant:${context.sessionToken.sub}` };
}
