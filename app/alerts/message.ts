import type { AlertKind } from "@prisma/client";
import { embeddedAppUrl } from "~/lib/admin-url";

// What an alert says, rendered for email (HTML and text) and for Slack (Block Kit). Pure: the
// same alert always renders the same message, so tests read the exact content.

export interface AlertForMessage {
  id: string;
  kind: AlertKind;
  title: string;
  facts: unknown;
  playbook: string | null;
  respondBy: Date | null;
  createdAt: Date;
}

export interface ShopForMessage {
  domain: string;
  name: string | null;
}

export const KIND_LABELS: Record<AlertKind, string> = {
  OVERSELL: "Oversell",
  PARITY_VIOLATION: "Price parity violation",
  DRIFT: "Inventory drift",
  SYNC_LATENCY: "Sync latency",
  CREDENTIALS_FAILED: "Channel credentials failed",
  LISTING_SUSPENDED: "Listing suspended",
  PROMOTION_RESERVE: "Promotion reserve running low",
  WRITEBACK_FAILED: "Sale not taken off Shopify",
  UNLINKED_SKU: "Sold SKU not linked",
  JOB_FAILED: "Background work gave up",
  UNPROFITABLE: "Listing under its price floor",
  VENDOR_FEED: "Vendor feed late or stale",
};

const KIND_EMOJI: Record<AlertKind, string> = {
  OVERSELL: ":rotating_light:",
  PARITY_VIOLATION: ":scales:",
  DRIFT: ":chart_with_downwards_trend:",
  SYNC_LATENCY: ":hourglass_flowing_sand:",
  CREDENTIALS_FAILED: ":closed_lock_with_key:",
  LISTING_SUSPENDED: ":no_entry:",
  PROMOTION_RESERVE: ":package:",
  WRITEBACK_FAILED: ":warning:",
  UNLINKED_SKU: ":link:",
  JOB_FAILED: ":gear:",
  UNPROFITABLE: ":money_with_wings:",
  VENDOR_FEED: ":truck:",
};

/** Where the merchant opens the alert: the embedded app's page, through the shop's admin. */
export function alertLink(shopDomain: string, alertId: string, env: NodeJS.ProcessEnv = process.env): string {
  return embeddedAppUrl(shopDomain, `/app/alerts/${encodeURIComponent(alertId)}`, env);
}

function labelOf(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.map(describe).join("; ");
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    // A place that could ship the order (the oversell's facts): "Vendor (drop shipper): 40 available".
    if (typeof record.location === "string" && typeof record.available === "number") {
      return `${record.location}${record.dropShip ? " (drop shipper)" : ""}: ${record.available} available`;
    }
    return Object.entries(record)
      .map(([k, v]) => `${labelOf(k)}: ${describe(v)}`)
      .join(", ");
  }
  return String(value);
}

export interface Fact {
  label: string;
  value: string;
}

export function factsOf(facts: unknown): Fact[] {
  if (!facts || typeof facts !== "object" || Array.isArray(facts)) return [];
  return Object.entries(facts as Record<string, unknown>).map(([key, value]) => ({ label: labelOf(key), value: describe(value) }));
}

function formatTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone,
    timeZoneName: "short",
  }).format(at);
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Slack's mrkdwn treats &, < and > as control characters (links, mentions). */
function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

export function renderAlertEmail(alert: AlertForMessage, shop: ShopForMessage, link: string, timeZone = "UTC"): EmailMessage {
  const facts = factsOf(alert.facts);
  const shopName = shop.name ?? shop.domain;
  const respondBy = alert.respondBy ? formatTime(alert.respondBy, timeZone) : null;
  const subject = `[Anchorline] ${KIND_LABELS[alert.kind]}: ${alert.title}`;
  const text = [
    `${KIND_LABELS[alert.kind]} — ${shopName}`,
    alert.title,
    "",
    ...facts.map((f) => `${f.label}: ${f.value}`),
    "",
    ...(alert.playbook ? ["What to do:", alert.playbook] : []),
    ...(respondBy ? [`Respond by: ${respondBy}`] : []),
    "",
    `Open in Anchorline: ${link}`,
  ].join("\n");
  const rows = facts
    .map((f) => `<tr><th align="left" style="padding:4px 12px 4px 0">${escapeHtml(f.label)}</th><td style="padding:4px 0">${escapeHtml(f.value)}</td></tr>`)
    .join("");
  const html = [
    `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Roboto,sans-serif;color:#202223">`,
    `<p style="color:#6d7175;margin:0">${escapeHtml(KIND_LABELS[alert.kind])} — ${escapeHtml(shopName)}</p>`,
    `<h1 style="font-size:20px">${escapeHtml(alert.title)}</h1>`,
    rows ? `<table>${rows}</table>` : "",
    alert.playbook ? `<h2 style="font-size:16px">What to do</h2><p>${escapeHtml(alert.playbook)}</p>` : "",
    respondBy ? `<p><strong>Respond by: ${escapeHtml(respondBy)}</strong></p>` : "",
    `<p><a href="${escapeHtml(link)}">Open in Anchorline</a></p>`,
    `</body></html>`,
  ].join("");
  return { subject, text, html };
}

export interface SlackBlock {
  type: string;
  [key: string]: unknown;
}

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

// Block Kit limits (api.slack.com/reference/block-kit/blocks): header text 150 characters,
// section text 3000, at most 10 section fields of 2000 each, button text 75.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELDS_MAX = 10;
const FIELD_MAX = 2000;

/** `<!date^…>` renders in each reader's own time zone; the fallback is for clients that cannot. */
function slackDate(at: Date): string {
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} at {time}|${at.toISOString()}>`;
}

export function renderAlertSlack(alert: AlertForMessage, shop: ShopForMessage, link: string): SlackMessage {
  const facts = factsOf(alert.facts);
  const label = KIND_LABELS[alert.kind];
  const blocks: SlackBlock[] = [{ type: "header", text: { type: "plain_text", text: clip(`${label}: ${alert.title}`, HEADER_MAX), emoji: true } }];
  const fields = facts.map((f) => ({ type: "mrkdwn", text: clip(`*${escapeSlack(f.label)}*\n${escapeSlack(f.value)}`, FIELD_MAX) }));
  for (let i = 0; i < fields.length; i += FIELDS_MAX) blocks.push({ type: "section", fields: fields.slice(i, i + FIELDS_MAX) });
  if (alert.playbook) blocks.push({ type: "section", text: { type: "mrkdwn", text: clip(`*What to do*\n${escapeSlack(alert.playbook)}`, SECTION_MAX) } });
  const context = [`${KIND_EMOJI[alert.kind]} ${escapeSlack(shop.name ?? shop.domain)}`];
  if (alert.respondBy) context.push(`*Respond by ${slackDate(alert.respondBy)}*`);
  blocks.push({ type: "context", elements: context.map((text) => ({ type: "mrkdwn", text })) });
  blocks.push({ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open in Anchorline" }, url: link, style: "primary" }] });
  return { text: `${label}: ${alert.title}`, blocks };
}

/** One message a day for a digest route: every minor alert since the last one. */
export interface DigestEntry {
  alert: AlertForMessage;
  link: string;
}

// Slack allows 50 blocks per message; the digest keeps room for its header and footer.
const DIGEST_SLACK_ENTRIES = 40;

export function renderDigestEmail(entries: DigestEntry[], shop: ShopForMessage, timeZone = "UTC"): EmailMessage {
  const shopName = shop.name ?? shop.domain;
  const subject = `[Anchorline] Daily digest for ${shopName}: ${entries.length} alert${entries.length === 1 ? "" : "s"}`;
  const text = [
    subject.replace("[Anchorline] ", ""),
    "",
    ...entries.flatMap(({ alert, link }) => [
      `${KIND_LABELS[alert.kind]} (${formatTime(alert.createdAt, timeZone)}): ${alert.title}`,
      ...factsOf(alert.facts).map((f) => `  ${f.label}: ${f.value}`),
      `  ${link}`,
      "",
    ]),
  ].join("\n");
  const items = entries
    .map(({ alert, link }) => {
      const facts = factsOf(alert.facts)
        .map((f) => `${escapeHtml(f.label)}: ${escapeHtml(f.value)}`)
        .join("<br>");
      return `<li style="margin-bottom:12px"><strong>${escapeHtml(KIND_LABELS[alert.kind])}</strong> · ${escapeHtml(formatTime(alert.createdAt, timeZone))}<br><a href="${escapeHtml(link)}">${escapeHtml(alert.title)}</a><br><span style="color:#6d7175">${facts}</span></li>`;
    })
    .join("");
  const html = `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Roboto,sans-serif;color:#202223"><h1 style="font-size:20px">${escapeHtml(subject.replace("[Anchorline] ", ""))}</h1><ul>${items}</ul></body></html>`;
  return { subject, text, html };
}

export function renderDigestSlack(entries: DigestEntry[], shop: ShopForMessage): SlackMessage {
  const shopName = shop.name ?? shop.domain;
  const title = `Daily digest for ${shopName}: ${entries.length} alert${entries.length === 1 ? "" : "s"}`;
  const blocks: SlackBlock[] = [{ type: "header", text: { type: "plain_text", text: clip(title, HEADER_MAX), emoji: true } }];
  for (const { alert, link } of entries.slice(0, DIGEST_SLACK_ENTRIES)) {
    const facts = factsOf(alert.facts)
      .map((f) => `${escapeSlack(f.label)}: ${escapeSlack(f.value)}`)
      .join(" · ");
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: clip(`${KIND_EMOJI[alert.kind]} *${KIND_LABELS[alert.kind]}* · <${link}|${escapeSlack(alert.title)}>\n${facts}`, SECTION_MAX),
      },
    });
  }
  if (entries.length > DIGEST_SLACK_ENTRIES) {
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `…and ${entries.length - DIGEST_SLACK_ENTRIES} more in Anchorline.` }] });
  }
  return { text: title, blocks };
}
