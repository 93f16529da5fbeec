/** @jsxImportSource preact */
// The block's rendering entry: Shopify admin runs it on the product details page (API 2026-10,
// Preact and Polaris web components). It only fetches and lays out; what each answer means is
// decided in load.ts and rows.ts, which are tested.
//
// The pragma above makes this file's JSX Preact's wherever it is compiled: the root tsconfig.json
// (whose `jsx: react-jsx` serves the Remix app) and the Shopify CLI's esbuild, which reads it too.
import "@shopify/ui-extensions/preact";
import type { Api } from "@shopify/ui-extensions/admin.product-details.block.render";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { type BlockView, blockView, statusPath } from "./load";

// Shopify admin provides the target's API as the global `shopify`. Typed here rather than by the
// shopify.d.ts the CLI generates, so `npm run typecheck` needs no CLI run first.
declare const shopify: Api;

const HEADING = "Anchorline channel status";

export default async () => {
  render(<ProductStatusBlock />, document.body);
};

function ProductStatusBlock() {
  const path = statusPath(shopify.data.selected);
  const [view, setView] = useState<BlockView>({ kind: "loading" });

  useEffect(() => {
    if (!path) return;
    let current = true;
    // Shopify admin resolves the path against the app's URL and adds the session token.
    fetch(path)
      .then(async (response) => ({ status: response.status, body: await response.json().catch(() => null) }))
      .catch(() => ({ failed: true as const }))
      .then((outcome) => {
        if (current) setView(blockView(outcome));
      });
    return () => {
      current = false;
    };
  }, [path]);

  if (!path) {
    return (
      <s-admin-block heading={HEADING}>
        <s-text>This block shows a product&apos;s marketplace listings.</s-text>
      </s-admin-block>
    );
  }
  if (view.kind === "loading") {
    return (
      <s-admin-block heading={HEADING}>
        <s-text>Loading the channel status…</s-text>
      </s-admin-block>
    );
  }
  if (view.kind === "problem") {
    const { title, text, tone, href } = view.problem;
    return (
      <s-admin-block heading={HEADING}>
        <s-banner heading={title} tone={tone}>
          <s-stack gap="small">
            <s-text>{text}</s-text>
            <s-link href={href}>Open Anchorline</s-link>
          </s-stack>
        </s-banner>
      </s-admin-block>
    );
  }
  const { summary, empty, rows, more, href } = view.content;
  return (
    <s-admin-block heading={HEADING} collapsedSummary={summary}>
      <s-stack gap="base">
        <s-text type="strong">{summary}</s-text>
        {empty ? (
          <s-stack direction="inline" gap="small">
            <s-text>{empty.text}</s-text>
            <s-link href={empty.href}>Open in Anchorline</s-link>
          </s-stack>
        ) : (
          rows.map((row) => (
            <s-stack key={row.key} gap="small">
              <s-stack direction="inline" gap="base" alignItems="center">
                <s-text type="strong">{row.variant}</s-text>
                <s-text>{row.channel}</s-text>
                <s-badge tone={row.tone}>{row.status}</s-badge>
              </s-stack>
              <s-stack direction="inline" gap="base" alignItems="center">
                <s-text>Quantity {row.quantity}</s-text>
                <s-text>Price {row.price}</s-text>
                <s-link href={row.href}>Why?</s-link>
              </s-stack>
              {row.detail ? <s-text color="subdued">{row.detail}</s-text> : null}
            </s-stack>
          ))
        )}
        {empty ? null : more ? <s-link href={more.href}>{more.text}</s-link> : <s-link href={href}>All variants in Anchorline</s-link>}
      </s-stack>
    </s-admin-block>
  );
}
