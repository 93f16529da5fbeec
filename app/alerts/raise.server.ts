import { Prisma, type AlertKind, type PrismaClient } from "@prisma/client";

// Raising an alert: stored once per problem (the dedupe key), with its playbook from
// shared/design/domain.md and the facts needed to act. Delivery (email, Slack) reads from here.

const PLAYBOOKS: Record<AlertKind, { respondWithinHours: number | null; playbook: string }> = {
  OVERSELL: { respondWithinHours: 1, playbook: "Within 1 hour: ship from another location or a drop shipper that has the item; otherwise cancel the order with an apology before the marketplace's defect clock starts." },
  PARITY_VIOLATION: { respondWithinHours: 4, playbook: "Within 4 hours: align the prices (or approve the held push) so the watching marketplace does not suppress the listing." },
  LISTING_SUSPENDED: { respondWithinHours: 24, playbook: "Within 24 hours: read the marketplace's reason, fix the listing's data and resubmit." },
  DRIFT: { respondWithinHours: null, playbook: "The marketplace shows a quantity other than the one pushed: Anchorline re-pushes; if it keeps drifting, check for another tool editing the listing." },
  SYNC_LATENCY: { respondWithinHours: null, playbook: "Changes are reaching this channel late: check the channel's status and its rate limits." },
  CREDENTIALS_FAILED: { respondWithinHours: null, playbook: "Reconnect the account in Channels: its credentials were refused, so nothing is being pushed to it." },
  PROMOTION_RESERVE: { respondWithinHours: null, playbook: "The promotion's reserve is running out: extend the reserve, or end the promotion to protect other channels." },
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

/** Stores the alert unless the same problem is already recorded; returns it and whether it is new. */
export async function raiseAlert(prisma: PrismaClient, input: AlertInput, now = new Date()) {
  const { respondWithinHours, playbook } = PLAYBOOKS[input.kind];
  try {
    const alert = await prisma.alert.create({
      data: {
        ...input,
        facts: input.facts as Prisma.InputJsonValue,
        playbook,
        respondBy: respondWithinHours ? new Date(now.getTime() + respondWithinHours * 3600_000) : null,
      },
    });
    return { alert, created: true };
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    const alert = await prisma.alert.findUniqueOrThrow({ where: { shopId_dedupeKey: { shopId: input.shopId, dedupeKey: input.dedupeKey } } });
    return { alert, created: false };
  }
}
