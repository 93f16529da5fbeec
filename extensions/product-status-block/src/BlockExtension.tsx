// The block's rendering entry: Shopify admin runs it on the product details page. It only fetches
// and lays out; what each answer means is decided in load.ts and rows.ts, which are tested.
import { AdminBlock, Badge, Banner, BlockStack, InlineStack, Link, reactExtension, Text, useApi } from "@shopify/ui-extensions-react/admin";
import { useEffect, useState } from "react";
import { type BlockView, blockView, statusPath } from "./load";

const TARGET = "admin.product-details.block.render";

export default reactExtension(TARGET, () => <ProductStatusBlock />);

function ProductStatusBlock() {
  const { data } = useApi(TARGET);
  const path = statusPath(data.selected);
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

  if (!path) return <AdminBlock title="Anchorline channel status"><Text>This block shows a product&apos;s marketplace listings.</Text></AdminBlock>;
  if (view.kind === "loading") return <AdminBlock title="Anchorline channel status"><Text>Loading the channel status…</Text></AdminBlock>;
  if (view.kind === "problem") {
    const { title, text, tone, href } = view.problem;
    return (
      <AdminBlock title="Anchorline channel status">
        <Banner title={title} tone={tone}>
          <BlockStack gap="small">
            <Text>{text}</Text>
            <Link href={href}>Open Anchorline</Link>
          </BlockStack>
        </Banner>
      </AdminBlock>
    );
  }
  const { summary, empty, rows, href } = view.content;
  return (
    <AdminBlock title="Anchorline channel status" collapsedSummary={summary}>
      <BlockStack gap="base">
        <Text fontWeight="bold">{summary}</Text>
        {empty ? (
          <InlineStack gap="small">
            <Text>{empty.text}</Text>
            <Link href={empty.href}>Open in Anchorline</Link>
          </InlineStack>
        ) : (
          rows.map((row) => (
            <BlockStack key={row.key} gap="small">
              <InlineStack gap="base" blockAlignment="center">
                <Text fontWeight="bold">{row.variant}</Text>
                <Text>{row.channel}</Text>
                <Badge tone={row.tone}>{row.status}</Badge>
              </InlineStack>
              <InlineStack gap="base" blockAlignment="center">
                <Text>Quantity {row.quantity}</Text>
                <Text>Price {row.price}</Text>
                <Link href={row.href}>Why?</Link>
              </InlineStack>
              {row.detail ? <Text>{row.detail}</Text> : null}
            </BlockStack>
          ))
        )}
        {empty ? null : <Link href={href}>All variants in Anchorline</Link>}
      </BlockStack>
    </AdminBlock>
  );
}
