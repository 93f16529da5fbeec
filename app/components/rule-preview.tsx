import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import type { Preview } from "~/rules/preview.server";

// What a quantity rule would change before it is saved (app/rules/preview.server.ts), as the
// Buffers and Artificial counts screens show it: each listing's figure now, with the rule, the
// difference, and the engine's explanation of the new figure.

export function RulePreview({ preview, marketplaceFulfilled }: { preview: Preview; marketplaceFulfilled: string }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          What this rule would change
        </Text>
        <Text as="p">
          Applies to {preview.affected} {preview.affected === 1 ? "listing" : "listings"}. Nothing is saved yet.
        </Text>
        {preview.note ? (
          <Text as="p" tone="subdued">
            {preview.note}
          </Text>
        ) : null}
        {preview.rows.length === 0 ? (
          <Text as="p" tone="subdued">
            No listing matches this rule.
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "text"]}
            headings={["Listing", "Channel", "Now", "With this rule", "Change", "Why"]}
            rows={preview.rows.map((r) => [
              `${r.sku} · ${r.title}`,
              r.channelName,
              ...(r.before === null || r.after === null
                ? ["–", "–", marketplaceFulfilled]
                : [r.before, r.after, r.after - r.before === 0 ? "–" : `${r.after - r.before > 0 ? "+" : ""}${r.after - r.before}`]),
              <span key={r.listingId} style={{ whiteSpace: "pre-line" }}>
                {r.explanationAfter}
              </span>,
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}
