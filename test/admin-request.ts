// Requests as Shopify admin's App Bridge sends them to an embedded app: a session token (a JWT the
// app's secret signs) in the Authorization header, for a shop whose offline session is stored.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { PrismaClient } from "@prisma/client";
import { DEFAULT_SCOPES } from "~/lib/env.server";
import { sealedTokenColumns } from "~/sessions.server";

export async function installShopSession(prisma: PrismaClient, shop: string): Promise<void> {
  await prisma.session.upsert({
    where: { id: `offline_${shop}` },
    create: {
      id: `offline_${shop}`,
      shop,
      state: "installed",
      isOnline: false,
      ...sealedTokenColumns(shop, { accessToken: "shpat_test_token" }),
      scope: process.env.SCOPES ?? DEFAULT_SCOPES,
    },
    update: {},
  });
}

/** A session token as App Bridge mints it (Shopify's last one minute; a browser story needs longer), for staff member `userId`. */
export async function sessionToken(shop: string, lifetimeSeconds = 60, userId = "42"): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ dest: `https://${shop}`, sid: randomUUID() })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(`https://${shop}/admin`)
    .setAudience(process.env.SHOPIFY_API_KEY!)
    .setSubject(userId)
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + lifetimeSeconds)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(process.env.SHOPIFY_API_SECRET!));
}

/** A loader/action request from inside Shopify admin for `shop`. */
export async function adminRequest(
  shop: string,
  path: string,
  init: { method?: string; form?: Record<string, string | string[]>; userId?: string } = {},
): Promise<Request> {
  const headers = new Headers({ authorization: `Bearer ${await sessionToken(shop, 60, init.userId)}` });
  let body: URLSearchParams | undefined;
  if (init.form) {
    body = new URLSearchParams();
    for (const [key, value] of Object.entries(init.form)) for (const v of [value].flat()) body.append(key, v);
    headers.set("content-type", "application/x-www-form-urlencoded");
  }
  return new Request(`https://anchorline.test${path}`, { method: init.method ?? (body ? "POST" : "GET"), headers, body });
}
