import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { STORED_MARKETPLACE_KINDS } from "~/channels/registry";
import { channelsScreenInAdmin, finishConsent } from "./app.channels/consent.server";

// Where a marketplace's consent page sends the merchant back (the redirect URL registered with
// Amazon, eBay's RuName accept URL, TikTok Shop's redirect URL). Outside the embedded admin: the
// browser arrives from the marketplace with no session token, so the signed state is what names
// the shop (consent.server.ts). The merchant goes back to the Channels screen in their admin,
// which shows how it ended.

const KindParam = z
  .string()
  .transform((value) => value.toUpperCase())
  .pipe(z.enum(STORED_MARKETPLACE_KINDS));

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const kind = KindParam.safeParse(params.kind);
  if (!kind.success) return new Response("Unknown marketplace", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const finished = await finishConsent(kind.data, new URL(request.url).searchParams);
  if (finished.attemptId === null) return new Response(finished.message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return redirect(channelsScreenInAdmin(finished.shopDomain, { consent: finished.attemptId }));
};
