// The plumbing every simulator shares: a node:http server on 127.0.0.1, JSON in and out, and a
// log of the requests it served (tests assert on what was called).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  rawBody: string;
  /** Parsed JSON, or undefined when the body is empty; `invalidJson` when it did not parse. */
  body: unknown;
  invalidJson: boolean;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send as-is instead of JSON (feed documents, reports); a Buffer for binary (gzip) content. */
  raw?: string | Buffer;
}

export type SimHandler = (request: SimRequest) => Promise<SimResponse> | SimResponse;

export interface RunningServer {
  url: string;
  port: number;
  requests: Array<{ method: string; path: string; status: number; at: number }>;
  close(): Promise<void>;
}

export async function startHttpServer(handler: SimHandler, port = 0): Promise<RunningServer> {
  const requests: RunningServer["requests"] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let body: unknown;
    let invalidJson = false;
    if (rawBody.length) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        invalidJson = true;
      }
    }
    let answer: SimResponse;
    try {
      answer = await handler({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers, rawBody, body, invalidJson });
    } catch (error) {
      answer = { status: 500, body: { message: `simulator error: ${String(error)}` } };
    }
    requests.push({ method: req.method ?? "GET", path: url.pathname, status: answer.status, at: Date.now() });
    const headers: Record<string, string> = { ...(answer.headers ?? {}) };
    let payload: string | Buffer = "";
    if (answer.raw !== undefined) payload = answer.raw;
    else if (answer.body !== undefined) {
      payload = JSON.stringify(answer.body);
      headers["content-type"] ??= "application/json";
    }
    res.writeHead(answer.status, headers);
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
