import { createHash, timingSafeEqual } from "node:crypto";

// Who may scrape /metrics: whoever holds METRICS_TOKEN. Without one configured the endpoint does
// not exist (404), so a deployment never exposes its numbers by forgetting a setting.

export type MetricsAccess = "allowed" | "unauthorized" | "disabled";

export function metricsAccess(authorization: string | null, token = process.env.METRICS_TOKEN): MetricsAccess {
  if (!token) return "disabled";
  const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? "");
  if (!match) return "unauthorized";
  // Comparing digests keeps the comparison constant-time whatever the presented length.
  const presented = createHash("sha256").update(match[1]!.trim()).digest();
  const expected = createHash("sha256").update(token).digest();
  return timingSafeEqual(presented, expected) ? "allowed" : "unauthorized";
}
