import { Prisma, type Alert, type AlertKind, type PrismaClient } from "@prisma/client";
import { logger } from "~/lib/logger.server";
import { queues } from "~/queues.server";
import { recordAudit } from "~/lib/audit.server";

// Raising an alert: stored once per problem (the dedupe key), with its playbook from
// shared/design/domain.md and the facts needed to act, then queued for delivery (email, Slack).

const PLAYBOOKS: Record<AlertKind, { respondWithinHours: number | null; playbook: string }> = {
  OVERSELL: {
    respondWithinHours: 1,
    playbook:
      "Within 1 hour: ship from another location or a drop shipper that has the item; otherwise cancel the order with an apology before the marketplace's defect clock starts.",
  },
  PARITY_VIOLATION: {
    respondWithinHours: 4,
    playbook: "Within 4 hours: align the prices (or approve the held push) so the watching marketplace does not suppress the listing.",
  },
  LISTING_SUSPENDED: { respondWithinHours: 24, playbook: "Within 24 hours: read the marketplace's reason, fix the listing's data and resubmit." },
  DRIFT: {
    respondWithinHours: null,
    playbook:
      "The marketplace shows a quantity (or price) other than the one pushed: Anchorline re-pushes where the channel's repair is on; if it keeps drifting, check for another tool editing the listing.",
  },
  SYNC_LATENCY: { respondWithinHours: null, playbook: "Changes are reaching this channel late: check the channel's status and its rate limits." },
  CREDENTIALS_FAILED: {
    respondWithinHours: null,
    playbook: "Reconnect the account in Channels: its credentials were refused, so nothing is being pushed to it.",
  },
  PROMOTION_RESERVE: {
    respondWithinHours: null,
    playbook: "The promotion's reserve is running out: extend the reserve, or end the promotion to protect other channels.",
  },
  UNLINKED_SKU: {
    respondWithinHours: 24,
    playbook:
      "A marketplace sold a SKU that no listing links to a Shopify variant, so its sales do not lower Shopify's stock and every other channel may oversell it. Link it (Inventory → import listing links, or the CSV), then check Shopify's quantity for the units already sold.",
  },
  JOB_FAILED: {
    respondWithinHours: null,
    playbook:
      "Anchorline gave up on a piece of background work after its retries. What it was doing is picked up again within a minute (pending listings, order imports, Shopify's changes), so nothing is needed if this does not come back. If it comes back for the same channel or shop, read the reason: reconnect the channel in Channels if its credentials or access were refused; otherwise send the reason to support.",
  },
  UNPROFITABLE: {
    respondWithinHours: 24,
    playbook:
      "Every sale of this listing now earns less than your minimum margin after the channel's fees and shipping (or loses money). Within 24 hours: raise its price on this channel (Pricing: its differential), correct the cost in Shopify if it is wrong, or pause the listing. The alert resolves itself when the price is above the floor again.",
  },
  VENDOR_FEED: {
    respondWithinHours: 24,
    playbook:
      "A vendor's stock file did not arrive when expected, or could not be read (the run on the Vendors screen says why). Ask the vendor to send it, or upload it on the Vendors screen. Once no file has been imported for the vendor's staleness limit, its quantities stop counting on every channel until the next import.",
  },
  WRITEBACK_FAILED: {
    respondWithinHours: 1,
    playbook:
      "Within 1 hour: Shopify still counts units a marketplace sold (or misses units a cancellation gave back), so every channel may oversell. Read the reason, fix it (a location, a missing inventory item), then retry the write-back from the alert; or adjust the quantity in Shopify by hand.",
  },
};

export interface AlertInput {
  shopId: string;
  kind: AlertKind;
  dedupeKey: string;
  title: string;
  facts: Record<string, unknown>;
  channelId?: string | null;
  listingId?: string | null;
}

/** What raising needs of a queue: the alerts queue, or the alerts worker's own handle on it. */
export interface AlertQueue {
  add(name: string, data: { alertId: string }, opts: { jobId: string }): Promise<unknown>;
}

export interface RaiseOptions {
  now?: Date;
  /** Where delivery jobs go; the process-wide alerts queue by default. */
  queue?: AlertQueue;
}

export interface RaiseResult {
  alert: Alert;
  /** False when the same problem (dedupe key) is already recorded: nothing new is sent. */
  created: boolean;
}

/**
 * Queues the alert's delivery. The job id is the alert id, so however often this is called the
 * alert has one delivery job. Never throws: the alert is already stored and undelivered, and the
 * alerts housekeeping job queues it again (app/alerts/housekeeping.server.ts), so a Redis outage
 * neither fails the caller's work (an order import) nor loses the alert.
 */
export async function queueAlertDelivery(alertId: string, queue: AlertQueue = queues().alerts): Promise<boolean> {
  try {
    await queue.add("deliver", { alertId }, { jobId: alertId });
    return true;
  } catch (error) {
    logger.warn({ alertId, error }, "alert stored but not queued; housekeeping will queue it");
    return false;
  }
}

/** Stores the alert unless the same problem is already open; queues a new one for delivery. */
export async function raiseAlert(prisma: PrismaClient, input: AlertInput, options: RaiseOptions = {}): Promise<RaiseResult> {
  const now = options.now ?? new Date();
  const { respondWithinHours, playbook } = PLAYBOOKS[input.kind];
  let alert: Alert;
  try {
    alert = await prisma.alert.create({
      data: {
        ...input,
        facts: input.facts as Prisma.InputJsonValue,
        playbook,
        respondBy: respondWithinHours ? new Date(now.getTime() + respondWithinHours * 3600_000) : null,
        createdAt: now,
      },
    });
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    const existing = await prisma.alert.findUniqueOrThrow({ where: { shopId_dedupeKey: { shopId: input.shopId, dedupeKey: input.dedupeKey } } });
    // A caller that crashed between storing and queueing gets its queueing done now; an alert
    // already delivered (or being delivered: same job id) is not sent again.
    if (existing.state === "OPEN" && !existing.deliveredAt) await queueAlertDelivery(existing.id, options.queue);
    return { alert: existing, created: false };
  }
  await recordAudit(prisma, {
    shopId: alert.shopId,
    actor: "worker",
    action: "alert.raised",
    subjectType: "alert",
    subjectId: alert.id,
    details: { kind: alert.kind, title: alert.title },
  });
  await queueAlertDelivery(alert.id, options.queue);
  return { alert, created: true };
}
