// What the block shows for each way the fetch of its status can end: the rows, or a banner that
// says in words what the merchant can do. Pure, like rows.ts, so every outcome is tested without
// Shopify admin; BlockExtension.tsx only fetches and lays the answer out.

import type { ProductStatus } from "./contract";
import { appHref, type BlockContent, blockContent } from "./rows";

/** How the block's fetch ended: an HTTP answer (parsed body, or null when it was not JSON), or no answer. */
export type FetchOutcome = { status: number; body: unknown } | { failed: true };

export interface BlockProblem {
  title: string;
  text: string;
  tone: "warning" | "critical";
  /** Where the merchant can put it right, inside the app. */
  href: string;
}

export type BlockView = { kind: "loading" } | { kind: "content"; content: BlockContent } | { kind: "problem"; problem: BlockProblem };

/**
 * The app path the block fetches for the product the merchant is looking at. Shopify admin gives
 * the product as a GID; only its number goes in the path (a GID's slashes would split it).
 */
export function statusPath(selected: readonly { id: string }[]): string | null {
  const id = /^gid:\/\/shopify\/Product\/(\d{1,20})$/.exec(selected[0]?.id ?? "")?.[1];
  return id ? `/api/product-status/${id}` : null;
}

function looksLikeStatus(body: unknown): body is ProductStatus {
  const b = body as Partial<ProductStatus> | null;
  return typeof b === "object" && b !== null && Array.isArray(b.variants) && typeof b.currencyCode === "string" && typeof b.link === "string";
}

const problem = (title: string, text: string, tone: BlockProblem["tone"] = "critical", path = "/app"): BlockView => ({
  kind: "problem",
  problem: { title, text, tone, href: appHref(path) },
});

export function blockView(outcome: FetchOutcome, locale = "en-US"): BlockView {
  if ("failed" in outcome) return problem("Anchorline cannot be reached", "The channel status could not be loaded. Check your connection and reload the page.");
  const { status, body } = outcome;
  if (status === 200)
    return looksLikeStatus(body)
      ? { kind: "content", content: blockContent(body, locale) }
      : problem(
          "Channel status unreadable",
          "Anchorline's answer was not the status this block reads: the app may be mid-update. Reload the page in a moment.",
        );
  // The session token was refused: the app is no longer installed or its session has lapsed.
  if (status === 401 || status === 403)
    return problem("Reopen Anchorline", "Anchorline could not confirm your session. Open the app once from Apps in Shopify admin, then reload this page.");
  // The product exists in Shopify but not yet in Anchorline's mirror (import or webhook pending).
  if (status === 404)
    return problem(
      "Not in Anchorline yet",
      "This product has not been imported into Anchorline yet. It appears here once the next import or product update has run.",
      "warning",
      "/app/inventory",
    );
  return problem(
    "Channel status unavailable",
    `Anchorline answered with an error (HTTP ${status}). Try again in a moment; if it persists, the app's Activity screen shows what went wrong.`,
    "critical",
    "/app/activity",
  );
}
