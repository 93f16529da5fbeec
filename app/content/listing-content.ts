import type { Prisma } from "@prisma/client";
import type { ChannelContentRules } from "~/lib/content-rules";
import { adaptContent, contentOverrides, contentSettings } from "./adapt";
import { readDesiredContent, sameJson } from "./diff";
import type { ContentIssue, DesiredContent } from "./fields";
import { productContentOf } from "~/lib/product-content";
import type { ContentSource } from "./template";

// A listing's desired content from the mirror, the channel's field map and templates: the pure
// part of the recompute job's content step (app/recompute/content-step.server.ts) and of the
// content preview. Content changes only when the product, its variants or the channel's content
// settings change, so the job computes it only for listings marked for it (contentStaleSince).

/** What a listing's content is computed from, as the content step and the preview read it. */
export const listingContentInclude = {
  channel: { select: { id: true, kind: true, settings: true } },
  variant: { include: { product: true } },
} satisfies Prisma.ListingInclude;
export type ListingWithContentSource = Prisma.ListingGetPayload<{ include: typeof listingContentInclude }>;

export function sourceOf(variant: ListingWithContentSource["variant"]): ContentSource {
  const { product } = variant;
  return {
    product: {
      title: product.title,
      vendor: product.vendor,
      productType: product.productType,
      handle: product.handle,
      tags: product.tags,
      descriptionHtml: product.descriptionHtml,
      content: productContentOf(product.content),
    },
    variant: { title: variant.title, sku: variant.sku, barcode: variant.barcode, option1: variant.option1, option2: variant.option2, option3: variant.option3 },
  };
}

/** The listing's desired content now: null when its channel carries nothing of it. */
export function desiredContentOf(rules: ChannelContentRules, listing: ListingWithContentSource): DesiredContent | null {
  return adaptContent(rules, contentSettings(listing.channel.settings), sourceOf(listing.variant), contentOverrides(listing.overrides)).desired;
}

/** Issues the channel raised on a push are not recomputed from the mirror: they are left out of comparisons. */
const ownIssues = (issues: ContentIssue[]) => issues.filter((i) => i.field !== "channel");

/** Whether newly computed content is what the listing already holds (so nothing is written). */
export function sameDesiredContent(storedJson: Prisma.JsonValue, next: DesiredContent | null): boolean {
  const stored = readDesiredContent(storedJson);
  if (!stored || !next) return stored === next;
  return sameJson(stored.fields, next.fields) && sameJson(ownIssues(stored.issues), ownIssues(next.issues));
}
