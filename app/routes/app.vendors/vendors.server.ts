import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { PrismaClient } from "@prisma/client";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import defaultPrisma from "~/db.server";
import { recordAudit } from "~/lib/audit.server";
import { NotFoundForShop } from "~/lib/errors";
import { sealCredentials } from "~/lib/secrets.server";
import { noteChange } from "~/recompute/index.server";
import type { Queues } from "~/queues.server";
import { DailyAt, FEED_DELIMITERS, FeedMapping, readFeedRow, resolveHeader } from "~/vendors/feed-format";
import { importVendorFeed, variantsAt } from "~/vendors/import.server";
import { scheduleFeed } from "~/vendors/schedule.server";

// The Vendors screen (decision 0026): vendors made in Anchorline (each a location of its own,
// counted at its share), their feeds (an uploaded file, an HTTPS URL or an SFTP path, fetched on a
// schedule, with the column mapping set once) and each feed's recent runs with their counts.

/** Runs shown per feed: the latest tell whether the feed is healthy. */
const RUNS_SHOWN = 10;
/** Rows a preview shows. */
const PREVIEW_ROWS = 5;

interface Deps {
  prisma?: PrismaClient;
  queues?: Queues;
}

async function shopIdOf(prisma: PrismaClient, shopDomain: string): Promise<string> {
  return (await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } })).id;
}

export async function vendorsPage(shopDomain: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const vendors = await prisma.vendor.findMany({
    where: { shopId },
    orderBy: { name: "asc" },
    include: {
      location: { select: { vendorShareBps: true } },
      feeds: {
        orderBy: { createdAt: "asc" },
        include: { runs: { orderBy: { startedAt: "desc" }, take: RUNS_SHOWN } },
      },
    },
  });
  return {
    vendors: vendors.map((v) => ({
      id: v.id,
      name: v.name,
      email: v.email,
      paused: v.paused,
      sharePercent: v.location.vendorShareBps / 100,
      staleAfterHours: v.staleAfterHours,
      staleSince: v.staleSince?.toISOString() ?? null,
      lastImportedAt: v.lastImportedAt?.toISOString() ?? null,
      // The SFTP password stays sealed on the server: the screen only says whether one is set.
      feeds: v.feeds.map((f) => ({
        id: f.id,
        source: f.source,
        url: f.url,
        sftp:
          f.source === "SFTP"
            ? { host: f.sftpHost, port: f.sftpPort, username: f.sftpUsername, path: f.sftpPath, hasPassword: !!f.credentialsCiphertext }
            : null,
        delimiter: f.delimiter,
        mapping: FeedMapping.parse(f.mapping),
        schedule: f.schedule,
        dailyAt: f.dailyAt,
        runs: f.runs.map((r) => ({
          id: r.id,
          status: r.status,
          startedAt: r.startedAt.toISOString(),
          finishedAt: r.finishedAt?.toISOString() ?? null,
          rowsRead: r.rowsRead,
          matched: r.matched,
          unknownSkus: r.unknownSkus,
          rejected: r.rejected,
          rejectedRows: r.rejectedRows as { row: number; reason: string }[],
          error: r.error,
        })),
      })),
    })),
  };
}

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());

export const VendorInput = z.object({
  vendorId: z.string().optional(),
  name: z.string().trim().min(1, "Name is required").max(100, "Name is at most 100 characters"),
  email: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .pipe(z.string().email("Email must be an email address").optional()),
  sharePercent: z.coerce.number({ message: "Share must be a number" }).min(0, "Share cannot be negative").max(100, "Share cannot be above 100%"),
  // 30 days: a vendor silent longer than that has no stock anyone should sell on its word.
  staleAfterHours: z.coerce
    .number({ message: "Stale after must be a number of hours" })
    .int("Stale after must be whole hours")
    .min(1, "Stale after must be at least 1 hour")
    .max(720, "Stale after must be at most 720 hours (30 days)"),
  paused: checkbox,
});
export type VendorInput = z.infer<typeof VendorInput>;

/** Creates or edits a vendor; a change of share or pause moves every channel's pool of its items. */
export async function saveVendor(shopDomain: string, input: VendorInput, actor: string, deps: Deps = {}): Promise<{ vendorId: string }> {
  const prisma = deps.prisma ?? defaultPrisma;
  const shopId = await shopIdOf(prisma, shopDomain);
  const vendorShareBps = Math.round(input.sharePercent * 100);
  let vendorId: string;
  if (input.vendorId) {
    const vendor = await prisma.vendor.findFirst({ where: { id: input.vendorId, shopId } });
    if (!vendor) throw new NotFoundForShop("Vendor");
    vendorId = vendor.id;
    await prisma.$transaction([
      prisma.vendor.update({
        where: { id: vendor.id },
        data: { name: input.name, email: input.email ?? null, paused: input.paused, staleAfterHours: input.staleAfterHours },
      }),
      prisma.location.update({ where: { id: vendor.locationId }, data: { name: input.name, vendorShareBps } }),
    ]);
    const at = await variantsAt(prisma, shopId, vendor.locationId);
    if (at.length > 0) await noteChange(shopId, { kind: "stock", at }, { prisma, queues: deps.queues });
    // Unpaused: its feeds' slots are scheduled again (a paused vendor's jobs stop scheduling the next).
    if (vendor.paused && !input.paused) {
      for (const feed of await prisma.vendorFeed.findMany({ where: { shopId, vendorId }, select: { id: true } })) await scheduleFeed(shopId, feed.id, deps);
    }
  } else {
    // A location of its own that Shopify never sees: its id says so ("vendor:"), and no Shopify id collides with it.
    const created = await prisma.$transaction(async (tx) => {
      const location = await tx.location.create({
        data: { shopId, shopifyId: `vendor:${randomUUID()}`, name: input.name, isDropShip: true, vendorShareBps, saleable: true },
      });
      return tx.vendor.create({
        data: { shopId, locationId: location.id, name: input.name, email: input.email ?? null, paused: input.paused, staleAfterHours: input.staleAfterHours },
      });
    });
    vendorId = created.id;
  }
  await recordAudit(prisma, {
    shopId,
    actor,
    action: input.vendorId ? "vendor.changed" : "vendor.created",
    subjectType: "vendor",
    subjectId: vendorId,
    details: { ...input },
  });
  return { vendorId };
}

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || undefined);

export const FeedInput = z
  .object({
    vendorId: z.string().min(1, "Vendor is required"),
    source: z.enum(["UPLOAD", "HTTPS", "SFTP"], { message: "Source must be an upload, an HTTPS URL or an SFTP path" }),
    url: optionalText,
    sftpHost: optionalText,
    sftpPort: z.preprocess(
      (v) => (v === "" || v === undefined || v === null ? undefined : v),
      z.coerce.number().int().min(1).max(65535, "Port must be 1 to 65535").optional(),
    ),
    sftpUsername: optionalText,
    sftpPassword: optionalText,
    sftpPath: optionalText,
    delimiter: z.enum(["comma", "tab", "semicolon"], { message: "Delimiter must be comma, tab or semicolon" }),
    mapSku: optionalText,
    mapQuantity: optionalText,
    mapCost: optionalText,
    mapLeadTime: optionalText,
    schedule: z.enum(["HOURLY", "DAILY"], { message: "Schedule must be hourly or daily" }),
    dailyAt: optionalText,
  })
  .superRefine((f, ctx) => {
    if (!f.mapSku) ctx.addIssue({ code: "custom", path: ["mapSku"], message: "The SKU column is required" });
    if (!f.mapQuantity) ctx.addIssue({ code: "custom", path: ["mapQuantity"], message: "The quantity column is required" });
    const mapped = [f.mapSku, f.mapQuantity, f.mapCost, f.mapLeadTime].filter((c): c is string => !!c).map((c) => c.toLowerCase());
    if (new Set(mapped).size < mapped.length) ctx.addIssue({ code: "custom", path: ["mapQuantity"], message: "Each column can be mapped once" });
    if (f.schedule === "DAILY") {
      const at = DailyAt.safeParse(f.dailyAt ?? "");
      if (!at.success) ctx.addIssue({ code: "custom", path: ["dailyAt"], message: at.error.issues[0].message });
    }
    if (f.source === "HTTPS" && !/^https:\/\/[^\s/]+/.test(f.url ?? ""))
      ctx.addIssue({ code: "custom", path: ["url"], message: "URL must start with https://" });
    if (f.source === "SFTP") {
      if (!f.sftpHost) ctx.addIssue({ code: "custom", path: ["sftpHost"], message: "SFTP host is required" });
      if (!f.sftpUsername) ctx.addIssue({ code: "custom", path: ["sftpUsername"], message: "SFTP username is required" });
      if (!f.sftpPath) ctx.addIssue({ code: "custom", path: ["sftpPath"], message: "SFTP path is required" });
    }
  });
export type FeedInput = z.infer<typeof FeedInput>;

function mappingOf(input: FeedInput): FeedMapping {
  return FeedMapping.parse({ sku: input.mapSku, quantity: input.mapQuantity, cost: input.mapCost, leadTime: input.mapLeadTime });
}

/** Saves a new feed of a vendor and schedules its first fetch (the slot due now runs at once). */
export async function createFeed(shopDomain: string, input: FeedInput, actor: string, deps: Deps = {}): Promise<{ feedId: string }> {
  const prisma = deps.prisma ?? defaultPrisma;
  const shopId = await shopIdOf(prisma, shopDomain);
  const vendor = await prisma.vendor.findFirst({ where: { id: input.vendorId, shopId }, select: { id: true } });
  if (!vendor) throw new NotFoundForShop("Vendor");
  const feed = await prisma.vendorFeed.create({
    data: {
      shopId,
      vendorId: vendor.id,
      source: input.source,
      url: input.source === "HTTPS" ? input.url : null,
      sftpHost: input.source === "SFTP" ? input.sftpHost : null,
      sftpPort: input.source === "SFTP" ? (input.sftpPort ?? 22) : null,
      sftpUsername: input.source === "SFTP" ? input.sftpUsername : null,
      sftpPath: input.source === "SFTP" ? input.sftpPath : null,
      credentialsCiphertext: input.source === "SFTP" && input.sftpPassword ? sealCredentials({ password: input.sftpPassword }, shopId) : null,
      delimiter: FEED_DELIMITERS[input.delimiter],
      mapping: mappingOf(input),
      schedule: input.schedule,
      dailyAt: input.schedule === "DAILY" ? input.dailyAt : null,
    },
  });
  const { sftpPassword: _secret, ...logged } = input;
  await recordAudit(prisma, { shopId, actor, action: "vendor_feed.created", subjectType: "vendor_feed", subjectId: feed.id, details: logged });
  await scheduleFeed(shopId, feed.id, deps);
  return { feedId: feed.id };
}

export interface FeedPreview {
  header: string[];
  rows: { row: number; cells: string[]; reading: string }[];
  /** Why the mapping cannot read this file; null when it can. */
  problem: string | null;
}

/** The first rows of a sample file as the mapping would read them, before anything is saved. */
export function previewFeed(text: string, input: Pick<FeedInput, "delimiter" | "mapSku" | "mapQuantity" | "mapCost" | "mapLeadTime">): FeedPreview {
  let records: string[][];
  try {
    records = parse(text, { delimiter: FEED_DELIMITERS[input.delimiter], bom: true, skip_empty_lines: true, to_line: PREVIEW_ROWS + 1 }) as string[][];
  } catch (error) {
    return { header: [], rows: [], problem: `the file could not be read: ${(error as Error).message}` };
  }
  const [header = [], ...data] = records;
  const mapping = FeedMapping.safeParse({ sku: input.mapSku, quantity: input.mapQuantity, cost: input.mapCost, leadTime: input.mapLeadTime });
  const columns = mapping.success ? resolveHeader(header, mapping.data) : "map the SKU and quantity columns to read the rows";
  return {
    header,
    problem: typeof columns === "string" ? columns : null,
    rows: data.map((cells, i) => {
      const read = typeof columns === "string" ? null : readFeedRow(cells, columns);
      return {
        row: i + 2,
        cells,
        reading: read === null ? "" : typeof read === "string" ? `refused: ${read}` : `${read.sku}: ${read.quantity} units`,
      };
    }),
  };
}

/** Imports a file the merchant uploaded for a feed, now. */
export async function uploadFeedFile(shopDomain: string, feedId: string, file: File, deps: Deps = {}) {
  const prisma = deps.prisma ?? defaultPrisma;
  const shopId = await shopIdOf(prisma, shopDomain);
  const outcome = await importVendorFeed(shopId, feedId, Readable.fromWeb(file.stream() as import("node:stream/web").ReadableStream), deps);
  if (!outcome.ran && outcome.reason === "not found") throw new NotFoundForShop("Feed");
  return outcome;
}
