import { collectMetrics, type CollectDeps } from "./collect.server";
import { renderPrometheus } from "./prometheus";

/** The /metrics body: every family, freshly computed. */
export async function metricsText(deps: CollectDeps = {}): Promise<string> {
  return renderPrometheus(await collectMetrics(deps));
}
