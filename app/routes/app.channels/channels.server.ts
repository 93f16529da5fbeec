import { ReturnsRestock, type Channel, type ChannelKind, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { notificationKey, requestNotificationSubscription } from "~/channels/notifications.server";
import { CHANNEL_MODULES, moduleOfKind, readsOrderNotifications, reportsReturns, STORED_MARKETPLACE_KINDS, storedKindOf } from "~/channels/registry";
import { connectorForChannel } from "~/channels/registry.server";
import defaultPrisma from "~/db.server";
import { noteChange } from "~/recompute/index.server";
import { sealCredentials } from "~/lib/secrets.server";
import { stopOrderImport } from "~/queues.server";
import { scheduleOrderImport } from "~/sync/jobs.server";
import { recordAudit } from "~/lib/audit.server";
import { NotFoundForShop } from "~/lib/errors";
import { numberField } from "~/lib/forms";
import { shopIdOf } from "~/lib/shop-id.server";

// Marketplace accounts: connect (credentials sealed at once, never read back to the browser),
// test, pause and resume, priority, orders in Shopify or stock only, when returned units are
// restocked, disconnect.

/** What becomes of a marketplace order, as the Channels screen words it. */
export const ORDER_MODE_CHOICES: readonly { value: "stock-only" | "orders-in-shopify"; label: string }[] = [
  { value: "stock-only", label: "Stock only: lower Shopify's quantity, fulfil in the marketplace" },
  { value: "orders-in-shopify", label: "Orders in Shopify: create each order in Shopify and send its tracking back" },
];

/** The returns choices as the Channels screen words them. */
export const RETURNS_RESTOCK_CHOICES: readonly { value: ReturnsRestock; label: string }[] = [
  { value: "ON_RETURN_RECEIVED", label: "When the return is received" },
  { value: "ON_REFUND", label: "When the buyer is refunded" },
  { value: "NEVER", label: "Never (I restock returns in Shopify myself)" },
];

/** What the Channels screen offers to connect: each marketplace's label and credentials, from its module. */
export const MARKETPLACES = CHANNEL_MODULES.map((m) => ({ kind: storedKindOf(m.kind), label: m.label, credentialFields: m.credentialFields }));

const required = (label: string) => z.string().trim().min(1, `${label} is required`);

export const ConnectChannelInput = z
  .object({
    kind: z.enum(STORED_MARKETPLACE_KINDS, { message: "Choose a marketplace" }),
    name: required("Name"),
    accountId: required("Account id"),
    region: z.string().trim().optional(),
    credentials: z.record(z.string(), z.string()),
  })
  .transform((value, ctx) => {
    // The marketplace's own credential schema checks (and trims) the fields its connector reads.
    const credentials = moduleOfKind(value.kind)!.credentials.safeParse(value.credentials);
    if (credentials.success) return { ...value, credentials: credentials.data };
    for (const issue of credentials.error.issues) ctx.addIssue({ code: "custom", path: ["credentials", ...issue.path.map(String)], message: issue.message });
    return z.NEVER;
  });

export type ConnectChannel = z.infer<typeof ConnectChannelInput>;

/** Which returns setting can act on this marketplace, in words, when not every one can. */
function returnsNote(channel: { kind: ChannelKind }): string | null {
  if (channel.kind === "SHOPIFY") return null;
  const reports = reportsReturns(channel);
  if (reports.received && reports.refunded) return null;
  if (reports.refunded)
    return 'This marketplace tells Anchorline of refunds, not of returns received: choose "When the buyer is refunded" for returns to come back by themselves.';
  return "Anchorline cannot read this marketplace's returns yet: restock returned units in Shopify yourself.";
}

/**
 * What the merchant's own notification set-up (Amazon's API destination) sends, and to where; the
 * key is this channel's own, derived, and opens nothing but this endpoint. null where Anchorline
 * subscribes at connect (Walmart) or the marketplace's orders are only polled.
 */
function notificationSetUp(channel: Pick<Channel, "id" | "kind">) {
  const auth = readsOrderNotifications(channel) ? moduleOfKind(channel.kind)?.orderNotificationAuth : undefined;
  if (!auth || auth.subscribedAtConnect) return null;
  return { path: `/notifications/${channel.id}`, header: auth.header, key: notificationKey(channel.id) };
}

async function channelOfShop(prisma: PrismaClient, shopId: string, channelId: string) {
  const channel = await prisma.channel.findFirst({ where: { id: channelId, shopId } });
  if (!channel) throw new NotFoundForShop("Channel");
  return channel;
}

export async function listChannels(shopDomain: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const channels = await prisma.channel.findMany({ where: { shopId }, orderBy: [{ priority: "asc" }, { name: "asc" }] });
  // Only whether credentials exist leaves the server, never the credentials.
  return channels.map(({ credentialsCiphertext, ...channel }) => ({
    id: channel.id,
    kind: channel.kind,
    name: channel.name,
    accountId: channel.accountId,
    region: channel.region,
    status: channel.status,
    statusReason: channel.statusReason,
    priority: channel.priority,
    returnsRestock: channel.returnsRestock,
    ordersInShopify: channel.ordersInShopify,
    returnsNote: returnsNote(channel),
    hasCredentials: credentialsCiphertext !== null,
    orderNotifications: notificationSetUp(channel),
  }));
}

export async function connectChannel(shopDomain: string, input: ConnectChannel, actor: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const credentials = input.credentials;
  const count = await prisma.channel.count({ where: { shopId } });
  const channel = await prisma.channel.upsert({
    where: { shopId_kind_accountId: { shopId, kind: input.kind, accountId: input.accountId } },
    create: {
      shopId,
      kind: input.kind,
      accountId: input.accountId,
      region: input.region || null,
      name: input.name,
      credentialsCiphertext: sealCredentials(credentials, shopId),
      priority: (count + 1) * 10,
    },
    update: {
      name: input.name,
      region: input.region || null,
      credentialsCiphertext: sealCredentials(credentials, shopId),
      status: "CONNECTED",
      statusReason: null,
    },
  });
  await scheduleOrderImport(channel);
  await requestNotificationSubscription(channel);
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "channel.connected",
    subjectType: "channel",
    subjectId: channel.id,
    details: { kind: input.kind, name: input.name, accountId: input.accountId },
  });
  return channel.id;
}

export async function testChannelConnection(shopDomain: string, channelId: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const channel = await channelOfShop(prisma, shopId, channelId);
  try {
    return await connectorForChannel(channel).testConnection();
  } catch (error) {
    return { ok: false as const, message: error instanceof Error ? error.message : String(error) };
  }
}

export const ChannelChangeInput = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("pause"), channelId: z.string().min(1) }),
  z.object({ intent: z.literal("resume"), channelId: z.string().min(1) }),
  z.object({ intent: z.literal("disconnect"), channelId: z.string().min(1) }),
  z.object({
    intent: z.literal("orders"),
    channelId: z.string().min(1),
    ordersInShopify: z.enum(["stock-only", "orders-in-shopify"], { message: "Choose stock only or orders in Shopify" }),
  }),
  z.object({
    intent: z.literal("returns"),
    channelId: z.string().min(1),
    returnsRestock: z.enum(ReturnsRestock, { message: "Choose when returned units go back into Shopify's stock" }),
  }),
  z.object({
    intent: z.literal("priority"),
    channelId: z.string().min(1),
    priority: numberField("Priority", "priority"),
  }),
]);

export async function changeChannel(shopDomain: string, change: z.infer<typeof ChannelChangeInput>, actor: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const channel = await channelOfShop(prisma, shopId, change.channelId);
  switch (change.intent) {
    case "pause":
      await prisma.channel.update({ where: { id: channel.id }, data: { status: "PAUSED", statusReason: "Paused by the merchant" } });
      await stopOrderImport(channel.id);
      break;
    case "resume":
      await prisma.channel.update({ where: { id: channel.id }, data: { status: "CONNECTED", statusReason: null } });
      if (channel.credentialsCiphertext) await scheduleOrderImport(channel);
      // Whatever changed while paused goes out now.
      await noteChange(shopId, { kind: "channels", channelIds: [channel.id] }, { prisma });
      break;
    case "disconnect":
      // Credentials are erased at once; listings and history stay for the record.
      await prisma.channel.update({
        where: { id: channel.id },
        data: { status: "DISCONNECTED", statusReason: "Disconnected by the merchant", credentialsCiphertext: null },
      });
      await stopOrderImport(channel.id);
      break;
    case "orders":
      // Orders imported from now on: earlier ones stay stock-only.
      await prisma.channel.update({ where: { id: channel.id }, data: { ordersInShopify: change.ordersInShopify === "orders-in-shopify" } });
      break;
    case "returns":
      // Applies to returns the marketplace reports from now on, on orders not yet settled.
      await prisma.channel.update({ where: { id: channel.id }, data: { returnsRestock: change.returnsRestock } });
      break;
    case "priority":
      await prisma.channel.update({ where: { id: channel.id }, data: { priority: change.priority } });
      // Throttling gives the last units by priority: every channel's share may move.
      await noteChange(shopId, { kind: "channels" }, { prisma });
      break;
  }
  await recordAudit(prisma, { shopId, actor, action: `channel.${change.intent}`, subjectType: "channel", subjectId: channel.id, details: change });
}
