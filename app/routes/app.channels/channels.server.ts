import { ReturnsRestock, type Channel, type ChannelKind, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import {
  hasNotificationSubscription,
  notificationKey,
  requestNotificationSubscription,
  requestNotificationUnsubscription,
} from "~/channels/notifications.server";
import { CHANNEL_MODULES, moduleOfKind, readsOrderNotifications, reportsReturns, STORED_MARKETPLACE_KINDS, storedKindOf } from "~/channels/registry";
import { connectorForChannel, type ConnectableChannel } from "~/channels/registry.server";
import { applyDefaultParityMatrix, ensureStoreChannel } from "~/channels/store-channel.server";
import type { Connector } from "~/channels/connector";
import { alertThresholds } from "~/alerts/housekeeping.server";
import defaultPrisma from "~/db.server";
import { noteChange } from "~/recompute/index.server";
import { APP_CREDENTIALS } from "~/lib/app-credentials";
import { openCredentials, sealCredentials } from "~/lib/secrets.server";
import { stopOrderImport } from "~/queues.server";
import { scheduleOrderImport } from "~/sync/jobs.server";
import { requestListingDiscovery } from "~/sync/listing-discovery.server";
import { recordAudit } from "~/lib/audit.server";
import { NotFoundForShop } from "~/lib/errors";
import { numberField } from "~/lib/forms";
import { shopIdOf } from "~/lib/shop-id.server";

// Marketplace accounts: connect (credentials sealed at once, never read back to the browser, and
// the account connected only once the marketplace answered an authenticated call), test, pause
// and resume, priority, orders in Shopify or stock only, when returned units are restocked,
// disconnect (links and history kept), reconnect with credentials asked again, remove.

/** What becomes of a marketplace order, as the Channels screen words it. */
export const ORDER_MODE_CHOICES: readonly { value: "stock-only" | "orders-in-shopify"; label: string }[] = [
  { value: "stock-only", label: "Stock only: lower Shopify's quantity, fulfil in the marketplace" },
  { value: "orders-in-shopify", label: "Orders in Shopify: create each order in Shopify and send its tracking back" },
];

/** What Anchorline does when the marketplace shows a quantity away from its push (sync/drift-read.server.ts). */
export const DRIFT_REPAIR_CHOICES: readonly { value: "repair" | "alert-only"; label: string }[] = [
  { value: "repair", label: "Push Anchorline's quantity again, and alert" },
  { value: "alert-only", label: "Only alert: I correct it on the marketplace" },
];

/**
 * What Anchorline does when the marketplace shows a price away from its push. Off by default: a
 * seller may set a price on the marketplace by hand on purpose (a sale, a match), and Anchorline
 * would undo it.
 */
export const PRICE_DRIFT_CHOICES: readonly { value: "repair" | "alert-only"; label: string }[] = [
  { value: "alert-only", label: "Only alert: a price set on the marketplace by hand may be on purpose" },
  { value: "repair", label: "Push Anchorline's price again, and alert" },
];

/** What becomes of a suspended listing's units (decision 0025): kept for it, or offered to the other channels. */
export const SUSPENDED_UNITS_CHOICES: readonly { value: "offer" | "keep"; label: string }[] = [
  { value: "keep", label: "Keep its units for it: it sells again once the marketplace lifts the suspension" },
  { value: "offer", label: "Offer its units to the other channels while it is suspended (it gets 0)" },
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
  // The store channel is no account to pause, test or disconnect: as unknown here as another shop's.
  const channel = await prisma.channel.findFirst({ where: { id: channelId, shopId, kind: { not: "SHOPIFY" } } });
  if (!channel) throw new NotFoundForShop("Channel");
  return channel;
}

export async function listChannels(shopDomain: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const channels = await prisma.channel.findMany({
    // The store is the anchor, a channel only for parity (the Pricing screen shows it): nothing here
    // (pause, test, disconnect, credentials) applies to it.
    where: { shopId, kind: { not: "SHOPIFY" } },
    orderBy: [{ priority: "asc" }, { name: "asc" }],
    include: { _count: { select: { listings: true } } },
  });
  // Only whether credentials exist leaves the server, never the credentials.
  return channels.map(({ credentialsCiphertext, _count, ...channel }) => ({
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
    marketplace: marketplaceLabel(channel.kind),
    notificationSubscription: hasNotificationSubscription(channel),
    listings: _count.listings,
    liveAt: channel.liveAt,
    repairQuantityDrift: channel.repairQuantityDrift,
    repairPriceDrift: channel.repairPriceDrift,
    offerSuspendedUnits: channel.offerSuspendedUnits,
    driftReadAt: channel.driftReadAt,
    driftReadProblem: channel.driftReadProblem,
  }));
}

/** A marketplace's name as the Channels screen shows it. */
function marketplaceLabel(kind: ChannelKind): string {
  return MARKETPLACES.find((m) => m.kind === kind)?.label ?? kind.toLowerCase();
}

/**
 * Why a connection test failed, in words a merchant can act on, from what the connector said: the
 * marketplace's own wording carries an HTTP status, which is turned into what it means.
 */
export function connectionProblemInWords(kind: ChannelKind, message: string, connectedThrough: "keys" | "consent" = "keys"): string {
  const marketplace = marketplaceLabel(kind);
  const status = Number(/\b([45]\d\d)\b/.exec(message)?.[1]);
  if (status === 401 || status === 403 || /invalid_(client|grant)|unauthori[sz]ed|forbidden|revoked/i.test(message))
    // A merchant who consented on the marketplace's page never typed credentials: what they can do is consent again.
    return connectedThrough === "consent"
      ? `${marketplace} no longer lets Anchorline act on this account (the access was revoked or has run out): connect it again through ${marketplace}'s consent page.`
      : `${marketplace} refused these credentials: check them in ${marketplace}'s seller account and enter them again.`;
  if (status === 429) return `${marketplace} is limiting requests from this account right now: try again in a minute.`;
  if (status >= 500) return `${marketplace} is not answering properly right now: try again in a few minutes.`;
  if (/fetch failed|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|network|socket|timed? ?out/i.test(message))
    return `${marketplace} could not be reached: try again in a few minutes.`;
  return `${marketplace} did not accept the connection: check the account id, region and credentials.`;
}

/**
 * Whether an account's stored credentials came from a consent (tokens only) rather than developer
 * keys of its own: the keys a consent leaves to the deployment's settings are not among them.
 */
function connectedThroughOf(kind: ChannelKind, credentials: Record<string, string>): "keys" | "consent" {
  const channelModule = moduleOfKind(kind);
  const appKeys = channelModule?.consent ? (APP_CREDENTIALS[channelModule.kind] ?? []) : [];
  return appKeys.length > 0 && appKeys.every((key) => !credentials[key.name]) ? "consent" : "keys";
}

export type ConnectOutcome = { ok: true; channelId: string } | { ok: false; message: string };

/**
 * Where simulated marketplaces answer, in development and tests (ANCHORLINE_MARKETPLACE_ENDPOINTS,
 * JSON by kind: {"WALMART":{"api":"http://127.0.0.1:4001"}}): stored in a new account's settings.
 * Unset in production, where each connector calls its marketplace.
 */
const EndpointsByKind = z.record(z.string(), z.object({ api: z.string().optional(), auth: z.string().optional() }));
export function simulatedEndpoints(kind: ChannelKind) {
  const raw = process.env.ANCHORLINE_MARKETPLACE_ENDPOINTS;
  if (!raw || process.env.NODE_ENV === "production") return undefined;
  return EndpointsByKind.parse(JSON.parse(raw))[kind];
}

/**
 * Connects an account (a new one, or one already known: its credentials are replaced). The
 * credentials are tried with an authenticated call first: only when the marketplace answered is
 * anything stored, the account CONNECTED, its orders scheduled and its notifications subscribed.
 * A refusal is returned in words, naming the marketplace, and changes nothing.
 */
export async function connectChannel(
  shopDomain: string,
  input: ConnectChannel,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
  deps: { connectorFor?: (channel: ConnectableChannel) => Connector } = {},
): Promise<ConnectOutcome> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const known = await prisma.channel.findUnique({ where: { shopId_kind_accountId: { shopId, kind: input.kind, accountId: input.accountId } } });
  const endpoints = simulatedEndpoints(input.kind);
  const settings = known?.settings ?? (endpoints ? { endpoints } : {});
  const credentialsCiphertext = sealCredentials(input.credentials, shopId);
  const candidate: ConnectableChannel = {
    // A new account's connector is built for this test only, under an id no channel has.
    id: known?.id ?? `connect-test:${shopId}:${input.kind}:${input.accountId}`,
    kind: input.kind,
    shopId,
    accountId: input.accountId,
    region: input.region || null,
    credentialsCiphertext,
    settings,
  };
  let tested: { ok: true } | { ok: false; message: string };
  try {
    tested = await (deps.connectorFor ?? connectorForChannel)(candidate).testConnection();
  } catch (error) {
    tested = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  if (!tested.ok) return { ok: false, message: connectionProblemInWords(input.kind, tested.message, connectedThroughOf(input.kind, input.credentials)) };

  const count = await prisma.channel.count({ where: { shopId } });
  const channel = await prisma.channel.upsert({
    where: { shopId_kind_accountId: { shopId, kind: input.kind, accountId: input.accountId } },
    create: {
      shopId,
      kind: input.kind,
      accountId: input.accountId,
      region: input.region || null,
      name: input.name,
      credentialsCiphertext,
      settings,
      status: "CONNECTED",
      priority: (count + 1) * 10,
      // Nothing is pushed to a new account until the merchant reviewed its first push (go-live).
      liveAt: null,
    },
    update: { name: input.name, region: input.region || null, credentialsCiphertext, status: "CONNECTED", statusReason: null },
  });
  // A new account starts with the playbook's parity matrix on its pairs (Amazon and Walmart watch
  // every public price, the store's included); edges the merchant set are kept.
  if (!known) {
    await ensureStoreChannel(prisma, shopId);
    await applyDefaultParityMatrix(prisma, shopId, channel.id);
  }
  await scheduleOrderImport(channel);
  await requestNotificationSubscription(channel);
  // Its existing listings are read and linked to the store's variants (the listing-review screen).
  await requestListingDiscovery(channel, { prisma });
  // Whatever changed while it was disconnected goes out to its kept listings now.
  if (known) await noteChange(shopId, { kind: "channels", channelIds: [channel.id] }, { prisma });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: known?.status === "DISCONNECTED" ? "channel.reconnected" : "channel.connected",
    subjectType: "channel",
    subjectId: channel.id,
    details: { kind: input.kind, name: input.name, accountId: input.accountId },
  });
  return { ok: true, channelId: channel.id };
}

/**
 * A disconnected account connected again with credentials asked again: the same marketplace and
 * account, so its kept listing links and history carry on.
 */
export async function reconnectChannel(
  shopDomain: string,
  channelId: string,
  credentials: Record<string, string>,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
  deps: { connectorFor?: (channel: ConnectableChannel) => Connector } = {},
): Promise<ConnectOutcome | { ok: false; errors: Record<string, string> }> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const channel = await channelOfShop(prisma, shopId, channelId);
  const parsed = ConnectChannelInput.safeParse({
    kind: channel.kind,
    name: channel.name,
    accountId: channel.accountId,
    region: channel.region ?? undefined,
    credentials,
  });
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[issue.path.join(".")] ??= issue.message;
    return { ok: false, errors };
  }
  return connectChannel(shopDomain, parsed.data, actor, prisma, deps);
}

export async function testChannelConnection(shopDomain: string, channelId: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const channel = await channelOfShop(prisma, shopId, channelId);
  let outcome: { ok: true } | { ok: false; message: string };
  try {
    outcome = await connectorForChannel(channel).testConnection();
  } catch (error) {
    outcome = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  if (outcome.ok) return outcome;
  const connectedThrough = channel.credentialsCiphertext ? connectedThroughOf(channel.kind, openCredentials(channel.credentialsCiphertext, shopId)) : "keys";
  return { ok: false as const, message: connectionProblemInWords(channel.kind, outcome.message, connectedThrough) };
}

/**
 * Removes a disconnected account for good: the channel, its listings and their history. The
 * second, explicit step after disconnecting; its marketplace can be added again afterwards.
 */
export async function removeChannel(shopDomain: string, channelId: string, actor: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const channel = await channelOfShop(prisma, shopId, channelId);
  if (channel.status !== "DISCONNECTED") return { ok: false as const, message: `Disconnect ${channel.name} before removing it.` };
  const listings = await prisma.listing.count({ where: { channelId: channel.id } });
  await prisma.channel.delete({ where: { id: channel.id } });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "channel.removed",
    subjectType: "channel",
    subjectId: channel.id,
    details: { kind: channel.kind, name: channel.name, accountId: channel.accountId, listings },
  });
  return { ok: true as const, name: channel.name, listings };
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
    intent: z.literal("drift"),
    channelId: z.string().min(1),
    repairQuantityDrift: z.enum(["repair", "alert-only"], { message: "Choose whether a drifting quantity is pushed again or only alerted" }),
  }),
  z.object({
    intent: z.literal("priceDrift"),
    channelId: z.string().min(1),
    repairPriceDrift: z.enum(["repair", "alert-only"], { message: "Choose whether a drifting price is pushed again or only alerted" }),
  }),
  z.object({
    intent: z.literal("suspendedUnits"),
    channelId: z.string().min(1),
    offerSuspendedUnits: z.enum(["offer", "keep"], { message: "Choose whether a suspended listing's units are offered to the other channels" }),
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
    case "disconnect": {
      // Pushes stop with the status (only CONNECTED accounts are flushed), imports with the
      // schedule. Listings, their links and history stay for a reconnect. The credentials are
      // erased at once, or, where Anchorline subscribed the account's notifications, by the job
      // that removes that subscription with them. Its notifications are no longer taken as in
      // place: a reconnected account is polled at the full pace until they prove themselves again.
      const subscribed = hasNotificationSubscription(channel) && channel.credentialsCiphertext !== null;
      await prisma.channel.update({
        where: { id: channel.id },
        data: {
          status: "DISCONNECTED",
          statusReason: "Disconnected by the merchant",
          orderNotificationsAt: null,
          ...(subscribed ? {} : { credentialsCiphertext: null }),
        },
      });
      await stopOrderImport(channel.id);
      if (subscribed) await requestNotificationUnsubscription(channel);
      break;
    }
    case "orders":
      // Orders imported from now on: earlier ones stay stock-only.
      await prisma.channel.update({ where: { id: channel.id }, data: { ordersInShopify: change.ordersInShopify === "orders-in-shopify" } });
      break;
    case "returns":
      // Applies to returns the marketplace reports from now on, on orders not yet settled.
      await prisma.channel.update({ where: { id: channel.id }, data: { returnsRestock: change.returnsRestock } });
      break;
    case "drift":
      // From the next read cycle on; a repair already marked still goes out.
      await prisma.channel.update({ where: { id: channel.id }, data: { repairQuantityDrift: change.repairQuantityDrift === "repair" } });
      break;
    case "priceDrift":
      await prisma.channel.update({ where: { id: channel.id }, data: { repairPriceDrift: change.repairPriceDrift === "repair" } });
      break;
    case "suspendedUnits":
      await prisma.channel.update({ where: { id: channel.id }, data: { offerSuspendedUnits: change.offerSuspendedUnits === "offer" } });
      // The pool's split moves for this channel's suspended listings and the others'.
      await noteChange(shopId, { kind: "channels" }, { prisma });
      break;
    case "priority":
      await prisma.channel.update({ where: { id: channel.id }, data: { priority: change.priority } });
      // Throttling gives the last units by priority: every channel's share may move.
      await noteChange(shopId, { kind: "channels" }, { prisma });
      break;
  }
  await recordAudit(prisma, { shopId, actor, action: `channel.${change.intent}`, subjectType: "channel", subjectId: channel.id, details: change });
}

/** The shop's drift threshold as the Channels screen sets it (Shop.settings.alerts.driftUnits). */
export const DriftThresholdInput = z.object({ intent: z.literal("driftThreshold"), driftUnits: numberField("Drift threshold", "units") });

/** The shop's drift threshold: the merchant's, or the playbook's 5 units. */
export async function driftThresholdOf(shopDomain: string, prisma: PrismaClient = defaultPrisma): Promise<number> {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: await shopIdOf(prisma, shopDomain) }, select: { settings: true } });
  return alertThresholds(shop.settings).driftUnits;
}

/** Saves the threshold beside the shop's other settings (read by the next read cycle and notification). */
export async function saveDriftThreshold(shopDomain: string, driftUnits: number, actor: string, prisma: PrismaClient = defaultPrisma): Promise<void> {
  const shopId = await shopIdOf(prisma, shopDomain);
  // One key set in place: another screen saving its own settings meanwhile keeps its change.
  await prisma.$executeRaw`
    UPDATE "Shop" SET settings = jsonb_set(settings, '{alerts}', COALESCE(settings->'alerts', '{}'::jsonb) || jsonb_build_object('driftUnits', ${driftUnits}::int))
    WHERE id = ${shopId}`;
  await recordAudit(prisma, { shopId, actor, action: "shop.drift_threshold", subjectType: "shop", subjectId: shopId, details: { driftUnits } });
}
