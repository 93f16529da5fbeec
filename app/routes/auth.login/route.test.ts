import { describe, expect, it } from "vitest";
import { action } from "./route";

const CHUNK = 64 * 1024;

/** A request body streamed in 64 KiB chunks as it is read, counting what the reader pulled. */
function streamedBody(totalBytes: number) {
  const chunk = new Uint8Array(CHUNK).fill(0x61);
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= totalBytes) return controller.close();
      const size = Math.min(CHUNK, totalBytes - pulled);
      pulled += size;
      controller.enqueue(chunk.subarray(0, size));
    },
  });
  return { stream, pulled: () => pulled };
}

const post = (body: BodyInit) =>
  action({
    request: new Request("https://anchorline.test/auth/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
      duplex: "half",
    } as RequestInit),
    params: {},
    context: {},
  }).catch((thrown: unknown) => thrown as Response);

describe("POST /auth/login: the form of someone not signed in is never read whole", () => {
  it("given a 100 MB form, when it is posted, then it is answered 413 after reading no more than the cap", async () => {
    const body = streamedBody(100 * 1024 * 1024);
    const response = (await post(body.stream)) as Response;
    expect(response.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(16 * 1024 + 2 * CHUNK);
  });

  it("given a shop's domain, when the form is posted, then it is sent on to Shopify to install or log in", async () => {
    const response = (await post("shop=kettle-goods")) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toContain("kettle-goods");
  });
});
