import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { SmtpEnvSchema } from "~/lib/env.server";
import { UpstreamError } from "~/lib/errors";
import type { EmailMessage, SlackMessage } from "./message";

// The two ways an alert leaves Anchorline. Both throw on any failure (refused connection, SMTP
// error, Slack non-2xx): the delivery job then fails and BullMQ retries it with backoff.

export interface SmtpSettings {
  transport: SMTPTransport.Options;
  from: string;
}

// A hung SMTP server must not hold a delivery job for nodemailer's default two minutes.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * SMTP settings from the environment: SMTP_URL (smtp://user:pass@host:587, smtps:// for implicit
 * TLS) or SMTP_HOST with SMTP_PORT, SMTP_SECURE, SMTP_USER and SMTP_PASS; SMTP_FROM is the sender.
 * Read at each delivery, so a fixed setting heals the retried jobs without a restart.
 */
export function smtpSettings(source: NodeJS.ProcessEnv = process.env): SmtpSettings {
  const parsed = SmtpEnvSchema.safeParse(source);
  if (!parsed.success) throw new Error(`SMTP settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const env = parsed.data;
  if (!env.SMTP_URL && !env.SMTP_HOST) throw new Error("Email alerts need SMTP_URL or SMTP_HOST (see README, Configuration)");
  if (!env.SMTP_FROM) throw new Error("Email alerts need SMTP_FROM, the sender address");
  if (env.SMTP_URL) return { transport: { url: env.SMTP_URL, ...TIMEOUTS }, from: env.SMTP_FROM };
  const secure = env.SMTP_SECURE === "true";
  return {
    transport: {
      host: env.SMTP_HOST,
      port: env.SMTP_PORT ?? (secure ? 465 : 587),
      secure,
      auth: env.SMTP_USER ? { user: env.SMTP_USER, pass: env.SMTP_PASS ?? "" } : undefined,
      ...TIMEOUTS,
    },
    from: env.SMTP_FROM,
  };
}

export async function sendEmail(to: string[], message: EmailMessage, settings: SmtpSettings = smtpSettings()): Promise<void> {
  const transporter = nodemailer.createTransport(settings.transport);
  try {
    await transporter.sendMail({ from: settings.from, to, subject: message.subject, text: message.text, html: message.html });
  } finally {
    transporter.close();
  }
}

/** Slack's answer decides: 429 and 5xx heal with time; 400, 403, 404 and 410 (a revoked or archived webhook) do not. */
export class SlackDeliveryError extends UpstreamError {
  constructor(message: string, status: number | null) {
    super(message, { status: status ?? undefined });
    this.name = "SlackDeliveryError";
  }
}

/** Posts to a Slack incoming webhook. The URL is a secret: it never appears in an error or a log. */
export async function postSlack(webhookUrl: string, message: SlackMessage): Promise<void> {
  let response: Response;
  try {
    response = await fetch(webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new SlackDeliveryError(`Slack webhook unreachable: ${error instanceof Error ? error.message : String(error)}`, null);
  }
  if (!response.ok) {
    const body = (await response.text().catch(() => "")).slice(0, 200);
    throw new SlackDeliveryError(`Slack webhook answered ${response.status}: ${body}`, response.status);
  }
}
