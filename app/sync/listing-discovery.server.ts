import type { Channel, LinkMethod, PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { ChannelError, type Connector, type DiscoveredListing } from "~/channels/connector";
import { moduleOfKind } from "~/channels/registry";
import { connectorForChannel, type ConnectableChannel } from "~/channels/registry.server";
import { logger } from "~/lib/logger.server";
import { queues as defaultQueues, type Queues } from "~/queues.server";
import { matchListings, type ListingMatch } from "./listing-matching";
import { saveListingLinks } from "./listing-links.server";

// Listing discovery: reads every listing a marketplace account already has (its connector's bulk
// read, page by page), links each to a Shopify variant of the shop by SKU, then by barcode
// (listing-matching.ts), and keeps what it found, linked or not, for the listing-review screen
// (routes/app.channels.$id.listings). It runs as a job on the order-import queue (it waits on the
// marketplace like an import): after an account connects, and when the merchant asks again.

/** Pages one read follows at most: 2,000 pages are 100,000 Walmart items; a cursor that never ends stops here. */
const MAX_PAGES = 2_000;

export const discoveryDeduplicationId = (channelId: string) => `discover-listings:${channelId}`;

/**
 * Asks for a read of the account's listings. Deduplicated while one waits or runs, so connecting
 * and pressing "Read listings again" at once is one read.
 */
export async function requestListingDiscovery(channel: Pick<Channel, "id" | "shopId">, deps: { prisma?: PrismaClient; queues?: Queues } = {}): Promise<void> {
  const prisma = deps.prisma ?? defaultPrisma;
  await prisma.channel.updateMany({ where: { id: channel.id, shopId: channel.shopId }, data: { listingsRequestedAt: new Date() } });
  await (deps.queues ?? defaultQueues())["order-import"].add(
    "discover-listings",
    { channelId: channel.id, discoverListings: true },
    { deduplication: { id: discoveryDeduplicationId(channel.id) } },
  );
}

export type DiscoveryResult =
  | { status: "read"; found: number; linkedNow: number; unmatched: number; conflicts: number }
  | { status: "skipped"; reason: string }
  | { status: "failed"; problem: string };

export interface DiscoveryDeps {
  prisma?: PrismaClient;
  queues?: Queues;
  connectorFor?: (channel: ConnectableChannel) => Connector;
}

/** Why a read of an account's listings failed, in words the merchant can act on (discovery and the drift read). */
export function problemInWords(label: string, error: unknown): string {
  if (error instanceof ChannelError) {
    if (error.details.authFailed) return `${label} refused Anchorline's access: connect the account again.`;
    if (error.details.status === 429) return `${label} is limiting requests from this account: Anchorline reads again in a few minutes.`;
    if (error.retryable) return `${label} is not answering properly right now: Anchorline reads again in a few minutes.`;
  }
  return `${label}'s listings could not be read: ${error instanceof Error ? error.message : String(error)}`;
}

async function readEveryPage(connector: Connector): Promise<DiscoveredListing[]> {
  const found = new Map<string, DiscoveredListing>();
  const tokens = new Set<string>();
  let token: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await connector.readListings!(token);
    for (const listing of answer.listings) found.set(listing.channelSku, listing);
    // A token handed out twice would read the same pages forever.
    if (answer.next === null || tokens.has(answer.next)) break;
    tokens.add(answer.next);
    token = answer.next;
  }
  return [...found.values()];
}

/**
 * The job: reads the account's listings, links what matches, and stores what it found. A failure
 * the marketplace may heal (429, 5xx) is stored in words and thrown, so the job is retried; any
 * other is stored and ends the read.
 */
export async function discoverChannelListings(channelId: string, deps: DiscoveryDeps = {}): Promise<DiscoveryResult> {
  const prisma = deps.prisma ?? defaultPrisma;
  const channel = await prisma.channel.findUnique({ where: { id: channelId } });
  if (!channel) return { status: "skipped", reason: "no such channel" };
  const label = moduleOfKind(channel.kind)?.label ?? channel.kind;
  const fail = async (problem: string): Promise<DiscoveryResult> => {
    await prisma.channel.update({ where: { id: channel.id }, data: { listingsReadProblem: problem, listingsReadAt: new Date() } });
    return { status: "failed", problem };
  };
  if (channel.status !== "CONNECTED" || !channel.credentialsCiphertext) return { status: "skipped", reason: "not connected" };
  const startedAt = new Date();
  let found: DiscoveredListing[];
  try {
    // Inside: a connector that cannot be built (credentials that do not open, a region the
    // marketplace does not have) is a failed read the screen tells of, not a job failing unseen.
    const connector = (deps.connectorFor ?? connectorForChannel)(channel);
    if (!connector.readListings) return fail(`Anchorline cannot read ${label}'s listings yet: link them with a CSV.`);
    found = await readEveryPage(connector);
  } catch (error) {
    const result = await fail(problemInWords(label, error));
    logger.warn({ channelId, err: error }, "listing discovery: the account's listings could not be read");
    if (error instanceof ChannelError && error.retryable) throw error;
    return result;
  }

  const [variants, existing, before] = await Promise.all([
    prisma.variant.findMany({
      where: { shopId: channel.shopId, OR: [{ sku: { not: null } }, { barcode: { not: null } }] },
      select: { id: true, sku: true, barcode: true },
    }),
    prisma.listing.findMany({ where: { shopId: channel.shopId, channelId: channel.id }, select: { channelSku: true, variantId: true } }),
    prisma.discoveredListing.findMany({
      where: { shopId: channel.shopId, channelId: channel.id, outcome: "LINKED" },
      select: { channelSku: true, linkedBy: true },
    }),
  ]);
  const matches = matchListings(found, variants, existing);
  const byListing = new Map(found.map((l) => [l.channelSku, l]));
  const newLinks = matches.filter((m): m is Extract<ListingMatch, { outcome: "LINKED" }> => m.outcome === "LINKED" && m.linkedBy !== "EARLIER");
  await saveListingLinks(
    prisma,
    channel.shopId,
    channel.id,
    newLinks.map((m) => {
      const listing = byListing.get(m.channelSku)!;
      return {
        variantId: m.variantId,
        channelSku: m.channelSku,
        externalId: listing.externalId ?? null,
        observed: { quantity: listing.quantity ?? null, priceCents: listing.priceCents ?? null, at: startedAt },
      };
    }),
    { actor: "worker", source: "discovery", keepExisting: true, queues: deps.queues },
  );

  // How an earlier link came about, as an earlier read recorded it (a manual link stays "by hand").
  const earlierHow = new Map(before.map((d) => [d.channelSku, d.linkedBy]));
  const rows = matches.map((m) => {
    const listing = byListing.get(m.channelSku)!;
    const linkedBy: LinkMethod | null = m.outcome !== "LINKED" ? null : m.linkedBy === "EARLIER" ? (earlierHow.get(m.channelSku) ?? "EARLIER") : m.linkedBy;
    return {
      shopId: channel.shopId,
      channelId: channel.id,
      channelSku: m.channelSku,
      sellerSku: listing.sellerSku ?? null,
      externalId: listing.externalId ?? null,
      gtin: listing.gtin ?? null,
      title: listing.title ?? null,
      quantity: listing.quantity ?? null,
      priceCents: listing.priceCents ?? null,
      currencyCode: listing.currencyCode ?? null,
      status: listing.status ?? null,
      outcome: m.outcome,
      linkedBy,
      variantId: m.outcome === "LINKED" ? m.variantId : null,
      candidateVariantIds: m.outcome === "CONFLICT" ? m.candidateVariantIds : [],
      conflict: m.outcome === "CONFLICT" ? m.conflict : null,
      seenAt: startedAt,
    };
  });
  // What this read found replaces what the last one did.
  await prisma.$transaction([
    prisma.discoveredListing.deleteMany({ where: { shopId: channel.shopId, channelId: channel.id } }),
    prisma.discoveredListing.createMany({ data: rows }),
    prisma.channel.update({ where: { id: channel.id }, data: { listingsReadAt: new Date(), listingsReadProblem: null } }),
  ]);
  const count = (outcome: ListingMatch["outcome"]) => matches.filter((m) => m.outcome === outcome).length;
  return { status: "read", found: found.length, linkedNow: newLinks.length, unmatched: count("UNMATCHED"), conflicts: count("CONFLICT") };
}

export type ManualLinkOutcome = { ok: true; message: string } | { ok: false; field: string; message: string };

/**
 * The merchant links a found listing by hand: to the variant with the SKU they typed (exact after
 * trimming, else in any letter case), or, for a conflict, to one of its candidates. A link the
 * listing already had is replaced, as a CSV would.
 */
export async function linkDiscoveredListing(
  shopId: string,
  channelId: string,
  choice: { discoveredId: string } & ({ sku: string } | { variantId: string }),
  actor: string,
  deps: { prisma?: PrismaClient; queues?: Queues } = {},
): Promise<ManualLinkOutcome> {
  const prisma = deps.prisma ?? defaultPrisma;
  const found = await prisma.discoveredListing.findFirst({ where: { id: choice.discoveredId, shopId, channelId } });
  if (!found) return { ok: false, field: "discoveredId", message: "That listing is no longer among those found: read the listings again." };
  let variant: { id: string; sku: string | null; title: string } | null;
  if ("variantId" in choice) {
    if (!found.candidateVariantIds.includes(choice.variantId))
      return { ok: false, field: "variantId", message: "Choose one of the variants offered for this listing." };
    variant = await prisma.variant.findFirst({ where: { id: choice.variantId, shopId }, select: { id: true, sku: true, title: true } });
    if (!variant) return { ok: false, field: "variantId", message: "That variant is no longer in the store." };
  } else {
    const sku = choice.sku.trim();
    const exact = await prisma.variant.findMany({ where: { shopId, sku }, select: { id: true, sku: true, title: true }, take: 5 });
    const matches = exact.length
      ? exact
      : await prisma.variant.findMany({ where: { shopId, sku: { equals: sku, mode: "insensitive" } }, select: { id: true, sku: true, title: true }, take: 5 });
    if (matches.length === 0) {
      const near = await prisma.variant.findMany({
        where: { shopId, sku: { contains: sku, mode: "insensitive" } },
        select: { sku: true },
        take: 5,
        orderBy: { sku: "asc" },
      });
      return {
        ok: false,
        field: "sku",
        message: near.length ? `No variant has SKU ${sku}; did you mean ${near.map((v) => v.sku).join(", ")}?` : `No variant in the store has SKU ${sku}.`,
      };
    }
    if (matches.length > 1)
      return { ok: false, field: "sku", message: `${matches.length} variants share SKU ${sku}: give each a distinct SKU in Shopify first.` };
    variant = matches[0];
  }
  await saveListingLinks(
    prisma,
    shopId,
    channelId,
    [
      {
        variantId: variant.id,
        channelSku: found.channelSku,
        externalId: found.externalId,
        observed: { quantity: found.quantity, priceCents: found.priceCents, at: found.seenAt },
      },
    ],
    { actor, source: "manual", queues: deps.queues },
  );
  await prisma.discoveredListing.update({
    where: { id: found.id },
    data: { outcome: "LINKED", linkedBy: "MANUAL", variantId: variant.id, candidateVariantIds: [], conflict: null },
  });
  return { ok: true, message: `${found.channelSku} is linked to ${variant.sku ?? variant.title}.` };
}
