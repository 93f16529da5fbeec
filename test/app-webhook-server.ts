// The app's /webhooks route on a real port, for simulators to deliver to in end-to-end tests.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { action } from "~/routes/webhooks";

export async function startWebhookEndpoint(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(key, value);
    const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
    const response = await action({ request, params: {}, context: {} }).catch((thrown: unknown) => (thrown instanceof Response ? thrown : new Response(String(thrown), { status: 500 })));
    res.writeHead(response.status);
    res.end(await response.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
