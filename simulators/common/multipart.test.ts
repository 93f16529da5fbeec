import { describe, expect, it } from "vitest";
import { multipartBoundary, parseMultipart } from "./multipart";

describe("multipart/form-data bodies", () => {
  it("given a body fetch built from FormData, when parsed, then the file part comes back with its name and content", async () => {
    const form = new FormData();
    form.append("file", new Blob(['{"a":1}'], { type: "application/json" }), "feed.json");
    form.append("note", "hello");
    const request = new Request("http://127.0.0.1/", { method: "POST", body: form });
    const boundary = multipartBoundary(request.headers.get("content-type") ?? undefined);
    expect(boundary).not.toBeNull();
    const parts = parseMultipart(await request.text(), boundary!);
    expect(parts).toEqual([
      { name: "file", filename: "feed.json", contentType: "application/json", content: '{"a":1}' },
      { name: "note", filename: undefined, contentType: undefined, content: "hello" },
    ]);
  });

  it("given a JSON content type, when asked for a boundary, then there is none", () => {
    expect(multipartBoundary("application/json")).toBeNull();
  });
});
