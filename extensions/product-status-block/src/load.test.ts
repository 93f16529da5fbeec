import { describe, expect, it } from "vitest";
import type { ProductStatus } from "./contract";
import { blockView, statusPath } from "./load";

const status: ProductStatus = { productId: "10", title: "Kettle", currencyCode: "USD", link: "/app/inventory?q=Kettle", variants: [] };

describe("what the product status block fetches and shows", () => {
  it("fetches the status of the product the merchant is looking at, by its number", () => {
    expect(statusPath([{ id: "gid://shopify/Product/9007199254740993" }])).toBe("/api/product-status/9007199254740993");
  });

  it("fetches nothing when Shopify admin hands it no product", () => {
    expect(statusPath([])).toBeNull();
    expect(statusPath([{ id: "gid://shopify/Order/10" }])).toBeNull();
    expect(statusPath([{ id: "gid://shopify/Product/10/../../orders" }])).toBeNull();
  });

  it("lays out the rows when the app answers with the product's status", () => {
    const view = blockView({ status: 200, body: status });
    expect(view).toMatchObject({ kind: "content", content: { summary: "Not on any marketplace yet.", href: "app:/app/inventory?q=Kettle" } });
  });

  it("asks the merchant to reopen the app when the session token is refused", () => {
    expect(blockView({ status: 401, body: { error: "A Shopify session token is required" } })).toMatchObject({
      kind: "problem",
      problem: { title: "Reopen Anchorline", tone: "critical", href: "app:/app" },
    });
  });

  it("says the product is not imported yet when the app does not know it, and links to the inventory", () => {
    const view = blockView({ status: 404, body: { errors: { productId: "Product not found" } } });
    expect(view).toMatchObject({ kind: "problem", problem: { title: "Not in Anchorline yet", tone: "warning", href: "app:/app/inventory" } });
    if (view.kind === "problem") expect(view.problem.text).toContain("not been imported");
  });

  it("names the HTTP status of any other failure, and says when the app could not be reached at all", () => {
    const failed = blockView({ status: 502, body: null });
    expect(failed).toMatchObject({ kind: "problem", problem: { title: "Channel status unavailable" } });
    if (failed.kind === "problem") expect(failed.problem.text).toContain("HTTP 502");
    expect(blockView({ failed: true })).toMatchObject({ kind: "problem", problem: { title: "Anchorline cannot be reached" } });
  });

  it("does not render an answer of another shape as rows", () => {
    expect(blockView({ status: 200, body: "<html>login</html>" })).toMatchObject({ kind: "problem", problem: { title: "Channel status unreadable" } });
    expect(blockView({ status: 200, body: { ...status, variants: undefined } })).toMatchObject({ kind: "problem" });
  });
});
