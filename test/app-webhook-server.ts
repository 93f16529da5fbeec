// The app's routes that outside services call (Shopify's /webhooks, marketplaces' /notifications)
// on a real port, for simulators to deliver to in end-to-end tests.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { ActionFunctionArgs } from "@remix-run/node";
import { action as webhooksAction } from "~/routes/webhooks";
import { action as notificationsAction, loader as notificationsLoader } from "~/routes/notifications.$channelId";

type Action = (args: ActionFunctionArgs) => Promise<Response>;

/**
 * Serves one route's action, and its loader for GET where it has one (eBay's endpoint challenge);
 * `params` reads the route's params from the request path.
 */
async function startRouteEndpoint(
  action: Action,
  params: (pathname: string) => Record<string, string>,
  loader?: Action,
): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(key, value);
    const url = new URL(`http://127.0.0.1${req.url}`);
    // The body streams in as the app server hands it over, so the route's body cap applies here too.
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : (Readable.toWeb(req) as ReadableStream<Uint8Array>);
    const request = new Request(url, { method: req.method, headers, body, duplex: "half" } as RequestInit);
    const route = loader && (req.method === "GET" || req.method === "HEAD") ? loader : action;
    const response = await route({ request, params: params(url.pathname), context: {} }).catch((thrown: unknown) =>
      thrown instanceof Response ? thrown : new Response(String(thrown), { status: 500 }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(await response.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function startWebhookEndpoint(): Promise<{ url: string; close(): Promise<void> }> {
  const endpoint = await startRouteEndpoint(webhooksAction, () => ({}));
  return { url: `${endpoint.origin}/webhooks`, close: endpoint.close };
}

/** /notifications/:channelId; `urlFor(channelId)` is where a marketplace simulator posts. */
export async function startNotificationEndpoint(): Promise<{ urlFor(channelId: string): string; close(): Promise<void> }> {
  const endpoint = await startRouteEndpoint(
    notificationsAction,
    (pathname) => ({ channelId: decodeURIComponent(pathname.split("/")[2] ?? "") }),
    notificationsLoader,
  );
  return { urlFor: (channelId) => `${endpoint.origin}/notifications/${encodeURIComponent(channelId)}`, close: endpoint.close };
}
