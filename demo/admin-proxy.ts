// A stand-in for Shopify admin around the embedded app, for the demo only. Inside Shopify admin,
// App Bridge (loaded from cdn.shopify.com) signs every request of the app with a session token; no
// Shopify admin exists here, so this proxy does that for the demo shop: it forwards each request
// to the app with a session token signed by the demo's own app secret, and serves a small App
// Bridge stand-in in place of the CDN script. The app itself runs unchanged, with its ordinary
// authentication. demo/main.ts starts it only after assertDemoAllowed().
import { randomUUID } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT } from "jose";

export interface AdminProxyOptions {
  appUrl: string;
  shop: string;
  apiKey: string;
  apiSecret: string;
  port?: number;
}

async function sessionToken(options: AdminProxyOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ dest: `https://${options.shop}`, sid: randomUUID() })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(`https://${options.shop}/admin`)
    .setAudience(options.apiKey)
    .setSubject("1")
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + 60)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(options.apiSecret));
}

// window.shopify as the app's components call it; the proxy adds the real token to every request.
const APP_BRIDGE_STAND_IN = `window.shopify = {
  idToken: async () => "signed-by-the-demo-proxy",
  toast: { show(message) { console.log("toast:", message); } },
  loading() {},
  config: {},
};`;

const APP_BRIDGE_SRC = "https://cdn.shopify.com/shopifycloud/app-bridge.js";
const STAND_IN_PATH = "/__demo/app-bridge.js";

export async function startAdminProxy(options: AdminProxyOptions): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(options.appUrl);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      if (req.url === STAND_IN_PATH) {
        res.writeHead(200, { "content-type": "text/javascript" });
        res.end(APP_BRIDGE_STAND_IN);
        return;
      }
      const url = new URL(req.url ?? "/", "http://demo");
      // A document load from Shopify admin names the shop and says it is embedded.
      if (!url.searchParams.has("shop")) url.searchParams.set("shop", options.shop);
      if (!url.searchParams.has("host")) url.searchParams.set("host", Buffer.from(`${options.shop}/admin`).toString("base64url"));
      if (!url.searchParams.has("embedded")) url.searchParams.set("embedded", "1");
      // Host stays the browser's, as a tunnel in front of an app (`shopify app dev`'s) keeps it: in
      // Shopify admin the browser talks to the app's own address, so a form's Origin names the host
      // the request went to, and Remix refuses an action whose Origin and Host differ. That check
      // is what keeps a page of another site from posting here, since every request that reaches
      // this proxy is signed as the demo shop: the Origin is forwarded untouched.
      const headers = { ...req.headers, authorization: `Bearer ${await sessionToken(options)}`, "accept-encoding": "identity" };
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: `${url.pathname}${url.search}`, headers },
        (answer) => {
          const type = String(answer.headers["content-type"] ?? "");
          if (!type.includes("text/html")) {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
            return;
          }
          const chunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => chunks.push(chunk));
          answer.on("end", () => {
            const html = Buffer.concat(chunks).toString("utf8").replaceAll(APP_BRIDGE_SRC, STAND_IN_PATH);
            const { "content-length": _length, "content-security-policy": _csp, ...rest } = answer.headers;
            res.writeHead(answer.statusCode ?? 502, rest);
            res.end(html);
          });
        },
      );
      forward.on("error", (error) => {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`the app is not answering yet: ${error.message}`);
      });
      req.pipe(forward);
    })();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
