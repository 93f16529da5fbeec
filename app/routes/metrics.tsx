import type { LoaderFunctionArgs } from "@remix-run/node";
import { metricsAccess } from "~/metrics/auth.server";
import { PROMETHEUS_CONTENT_TYPE } from "~/metrics/prometheus";
import { metricsText } from "~/metrics/render.server";

// Prometheus scrapes this with `Authorization: Bearer <METRICS_TOKEN>`. Not part of the embedded
// app: no Shopify session, and 404 when no token is configured so it is never open by accident.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const access = metricsAccess(request.headers.get("authorization"));
  if (access === "disabled") return new Response("Not Found", { status: 404 });
  if (access === "unauthorized") return new Response("Unauthorized", { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } });
  return new Response(await metricsText(), { status: 200, headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" } });
};
