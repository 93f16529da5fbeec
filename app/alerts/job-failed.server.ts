import type { PrismaClient } from "@prisma/client";
import type { Job } from "bullmq";
import { z } from "zod";
import { QUEUE_NAMES, type QueueName } from "~/queues.server";
import { raiseAlert, type RaiseOptions, type RaiseResult } from "./raise.server";

// A job BullMQ gave up on (UnrecoverableError, its attempts spent, or stalled too often) pages the
// merchant instead of sitting in a failed set nobody reads: the queue, the shop and channel, the
// job and BullMQ's reason. What it was doing is rebuilt from PostgreSQL within a minute
// (app/sync/due-work.server.ts); the alert says that it failed and why.

/** What each queue's job was doing, for the alert's title, named after its channel where it has one. */
const WORK: Record<Exclude<QueueName, "alerts">, (channel: string) => string> = {
  webhooks: () => "applying a change Shopify sent",
  "shop-maintenance": () => "importing from or reconciling with Shopify",
  recompute: () => "recomputing what each channel should show",
  "channel-sync": (channel) => `pushing listings to ${channel}`,
  "order-import": (channel) => `working on orders of ${channel}`,
  "listing-reads": (channel) => `reading back what ${channel} shows`,
};

const isQueueName = (name: string): name is QueueName => Object.values<string>(QUEUE_NAMES).includes(name);

type FailedJob = Pick<Job, "id" | "name" | "timestamp" | "attemptsMade" | "data">;

/** What a job's payload says of whom it works for (queues.server.ts, JobPayloads). */
const JobSubject = z.object({
  channelId: z.string().optional(),
  shopId: z.string().optional(),
  shopDomain: z.string().optional(),
  webhookId: z.string().optional(),
});

/** The shop and channel a job works for, read from its payload. */
async function subjectOf(prisma: PrismaClient, data: unknown) {
  const parsed = JobSubject.safeParse(data);
  if (!parsed.success) return null;
  const payload = parsed.data;
  if (payload.channelId) {
    const channel = await prisma.channel.findUnique({ where: { id: payload.channelId }, select: { id: true, shopId: true, name: true } });
    return channel ? { shopId: channel.shopId, channel } : null;
  }
  const domain =
    payload.shopDomain ??
    (payload.webhookId
      ? (await prisma.webhookDelivery.findUnique({ where: { webhookId: payload.webhookId }, select: { shopDomain: true } }))?.shopDomain
      : undefined);
  const shop = payload.shopId
    ? await prisma.shop.findUnique({ where: { id: payload.shopId }, select: { id: true } })
    : domain
      ? await prisma.shop.findUnique({ where: { domain }, select: { id: true } })
      : null;
  return shop ? { shopId: shop.id, channel: null } : null;
}

/**
 * Raises JOB_FAILED for a job that failed for good, once per job (its id and the moment it was
 * created: ids restart at 1 in a Redis that lost its data). While such an alert is open for the
 * same queue and channel (or shop), a further failed job does not page again: an order poll runs
 * every minute, and a marketplace down for an hour would otherwise page once a minute. Null when
 * the job names no shop Anchorline still holds (an erased shop), or is an alert delivery
 * (housekeeping queues those again).
 */
export async function raiseJobFailed(prisma: PrismaClient, queue: string, job: FailedJob, reason: string, options?: RaiseOptions): Promise<RaiseResult | null> {
  if (!isQueueName(queue) || queue === "alerts") return null;
  const subject = await subjectOf(prisma, job.data);
  if (!subject) return null;
  const dedupeKey = `job-failed:${queue}:${job.id}:${job.timestamp}`;
  const open = await prisma.alert.findFirst({
    where: {
      shopId: subject.shopId,
      kind: "JOB_FAILED",
      state: { not: "RESOLVED" },
      channelId: subject.channel?.id ?? null,
      dedupeKey: { startsWith: `job-failed:${queue}:` },
    },
  });
  if (open && open.dedupeKey !== dedupeKey) return { alert: open, created: false };
  const work = WORK[queue](subject.channel?.name ?? "a channel");
  return raiseAlert(
    prisma,
    {
      shopId: subject.shopId,
      kind: "JOB_FAILED",
      dedupeKey,
      title: `Anchorline gave up ${work}: ${reason.length > 120 ? `${reason.slice(0, 119)}…` : reason}`,
      channelId: subject.channel?.id ?? null,
      facts: {
        ...(subject.channel ? { channel: subject.channel.name } : {}),
        queue,
        job: `${job.name} ${job.id}`,
        attempts: job.attemptsMade,
        reason,
      },
    },
    options,
  );
}
