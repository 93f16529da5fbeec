import { secretMatches } from "~/lib/secrets.server";

// Who may scrape /metrics: whoever holds METRICS_TOKEN. Without one configured the endpoint does
// not exist (404), so a deployment never exposes its numbers by forgetting a setting.

export type MetricsAccess = "allowed" | "unauthorized" | "disabled";

export function metricsAccess(authorization: string | null, token = process.env.METRICS_TOKEN): MetricsAccess {
  if (!token) return "disabled";
  const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? "");
  if (!match) return "unauthorized";
  return secretMatches(match[1]!.trim(), token) ? "allowed" : "unauthorized";
}
