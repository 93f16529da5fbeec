import { escapeHtml, type EmailMessage } from "~/alerts/message";
import { duration } from "~/components/charts";
import { UPTIME_DEFINITION, type HealthReport } from "./report.server";

// The weekly report as sections of rows: the screen (routes/app.health-report) and the email
// (renderHealthReportEmail) draw the same sections, so they never say different things.

export interface ReportSection {
  title: string;
  headings: string[];
  rows: string[][];
  note?: string;
}

const latencyText = (l: { p50: number; p95: number; p99: number } | null) =>
  l ? `${duration(l.p50)} / ${duration(l.p95)} / ${duration(l.p99)}` : "nothing pushed";
const percent = (share: number | null) => (share === null ? "–" : `${(Math.floor(share * 1000) / 10).toFixed(1)}%`);

/** "Dec 7 to Dec 13, 2026": the week's days (its end is the next Monday, not shown). */
export function weekLabel(report: Pick<HealthReport, "week">): string {
  const day = (iso: string, year: boolean) =>
    new Date(`${iso}T12:00:00Z`).toLocaleDateString("en-US", { timeZone: "UTC", month: "short", day: "numeric", ...(year ? { year: "numeric" } : {}) });
  const last = new Date(Date.parse(`${report.week.week}T12:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10);
  return `${day(report.week.week, false)} to ${day(last, true)}`;
}

export function reportSections(report: HealthReport): ReportSection[] {
  const t = report.totals;
  const i = report.interventions;
  return [
    {
      title: "The week at a glance",
      headings: ["What happened", "This week"],
      rows: [
        ["Oversold orders", String(t.oversells)],
        ["Price parity violations", String(t.parityViolations)],
        ["Drift found / repaired", `${t.driftFound} / ${t.driftRepaired}`],
        ["Listings suspended by a marketplace", String(t.suspensions)],
        ["Pushes acknowledged", String(t.pushes)],
        ["Push failures (refused or retried)", String(t.failures)],
        ["Sync latency p50 / p95 / p99", latencyText(t.latency)],
        ["Manual interventions", String(i.total)],
      ],
    },
    {
      title: "Per channel account",
      headings: [
        "Channel",
        "Pushes",
        "Refused / retried",
        "Latency p50 / p95 / p99",
        "Oversells",
        "Parity violations",
        "Drift found (units)",
        "Drift repaired",
        "Suspended",
        "Uptime",
      ],
      rows: report.channels.map((c) => [
        c.name,
        String(c.pushes),
        `${c.rejected} / ${c.retried}`,
        latencyText(c.latency),
        String(c.oversells),
        String(c.parityViolations),
        `${c.driftFound} (${c.driftUnits})`,
        String(c.driftRepaired),
        String(c.suspensions),
        c.uptime === null ? "–" : `${percent(c.uptime)}${c.downHours > 0 ? ` (${c.downHours} h down)` : ""}`,
      ]),
      note: UPTIME_DEFINITION,
    },
    {
      title: "Manual interventions",
      headings: ["What the merchant did by hand (Activity)", "Times"],
      rows: [
        ["Held prices approved or rejected", String(i.approvals)],
        ["Listings linked or variants mapped by hand", String(i.manualLinks)],
        ["Alerts acknowledged or resolved", String(i.alertsHandled)],
        ["Other edits (rules, settings, kits, promotions…)", String(i.edits)],
      ],
    },
  ];
}

/** The email: a plain-text part and an HTML part with the screen's tables, and a link to the screen. */
export function renderHealthReportEmail(report: HealthReport, link: string): EmailMessage {
  const shopName = report.shop.name ?? report.shop.domain;
  const subject = `[Anchorline] Weekly sync health for ${shopName}: ${weekLabel(report)}`;
  const sections = reportSections(report);
  const text = [
    subject.replace("[Anchorline] ", ""),
    "",
    ...sections.flatMap((s) => [
      s.title,
      ...s.rows.map((row) => (row.length === 2 ? `${row[0]}: ${row[1]}` : row.map((cell, k) => (k === 0 ? cell : `${s.headings[k]}: ${cell}`)).join("; "))),
      ...(s.note ? [s.note] : []),
      "",
    ]),
    `On the screen: ${link}`,
  ].join("\n");
  const cell = "padding:4px 8px;border-bottom:1px solid #e1e3e5;text-align:left";
  const tables = sections
    .map(
      (s) =>
        `<h2 style="font-size:16px">${escapeHtml(s.title)}</h2><table style="border-collapse:collapse"><thead><tr>${s.headings
          .map((h) => `<th style="${cell}">${escapeHtml(h)}</th>`)
          .join("")}</tr></thead><tbody>${s.rows
          .map((row) => `<tr>${row.map((c) => `<td style="${cell}">${escapeHtml(c)}</td>`).join("")}</tr>`)
          .join("")}</tbody></table>${s.note ? `<p style="color:#6d7175">${escapeHtml(s.note)}</p>` : ""}`,
    )
    .join("");
  const html = `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Roboto,sans-serif;color:#202223"><h1 style="font-size:20px">${escapeHtml(
    subject.replace("[Anchorline] ", ""),
  )}</h1>${tables}<p><a href="${escapeHtml(link)}">Open the report in Anchorline</a></p></body></html>`;
  return { subject, text, html };
}
