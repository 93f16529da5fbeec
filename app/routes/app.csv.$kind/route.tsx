import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { z } from "zod";
import { fieldErrors } from "~/lib/forms";
import { exportArtificialCounts } from "~/csv/artificial-counts.server";
import { exportBufferRules, exportListingLinks } from "~/csv/bulk-csv.server";
import { exportVariantHolds } from "~/csv/variant-holds.server";
import { exportKits } from "~/csv/kits.server";
import { NotFoundForShop } from "~/lib/errors";
import { requireShop } from "~/lib/require-shop.server";

// CSV downloads for bulk edit: GET /app/csv/buffer-rules, GET /app/csv/artificial-counts,
// GET /app/csv/listings?channelId=…, GET /app/csv/variant-holds, GET /app/csv/kits
// A resource route (no component): the screens fetch it with App Bridge's session token and
// save the answer as a file, since a plain link from the embedded iframe would carry no token.

const Query = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("buffer-rules") }),
  z.object({ kind: z.literal("artificial-counts") }),
  z.object({ kind: z.literal("variant-holds") }),
  z.object({ kind: z.literal("kits") }),
  z.object({ kind: z.literal("listings"), channelId: z.string().trim().min(1, "Choose the channel whose listings to export") }),
]);

function csvResponse(csv: string, filename: string): Response {
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      // A shop's rules are its own: never kept by a shared cache.
      "cache-control": "private, no-store",
    },
  });
}

const fileSafe = (name: string) =>
  name
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase() || "channel";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const parsed = Query.safeParse({ ...Object.fromEntries(new URL(request.url).searchParams), kind: params.kind });
  if (!parsed.success) throw data({ errors: fieldErrors(parsed.error) }, { status: 400 });
  try {
    if (parsed.data.kind === "buffer-rules") return csvResponse(await exportBufferRules(shop), "buffer-rules.csv");
    if (parsed.data.kind === "artificial-counts") return csvResponse(await exportArtificialCounts(shop), "artificial-counts.csv");
    if (parsed.data.kind === "variant-holds") return csvResponse(await exportVariantHolds(shop), "variant-holds.csv");
    if (parsed.data.kind === "kits") return csvResponse(await exportKits(shop), "kits.csv");
    const { channelName, csv } = await exportListingLinks(shop, parsed.data.channelId);
    return csvResponse(csv, `listings-${fileSafe(channelName)}.csv`);
  } catch (error) {
    if (error instanceof NotFoundForShop) throw data({ errors: { form: error.message } }, { status: 404 });
    throw error;
  }
};
