import { logger } from "./logger.server";

/**
 * Reads the body of a request that arrives before anyone is authenticated (a Shopify webhook, a
 * marketplace notification) as UTF-8 text, refusing it with 413 once more than `maxBytes` have
 * arrived. The bytes are counted as they stream in, so a forged 100 MB body costs at most
 * `maxBytes` of memory instead of being read whole and then refused for its signature. Throws the
 * 413 Response, which the route answers as it is.
 *
 * The 413 says `Connection: close`: the rest of the body is never read, so the server ends the
 * connection once the answer is sent rather than keep it open for a request that cannot finish.
 */
export async function readBodyWithin(request: Request, maxBytes: number, route: string): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw tooLarge(route, maxBytes, `declares ${declared} bytes`);
  if (!request.body) return "";

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) throw tooLarge(route, maxBytes, `passed ${maxBytes} bytes while arriving`);
    chunks.push(value);
  }
  // Decoded as Request.text() decodes (a byte-order mark dropped, invalid bytes replaced).
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function tooLarge(route: string, maxBytes: number, why: string): Response {
  logger.warn({ route, maxBytes }, `request refused before reading it: body ${why}`);
  return new Response(`Body larger than ${maxBytes} bytes`, { status: 413, headers: { Connection: "close" } });
}
