import { Form, useSearchParams } from "@remix-run/react";
import { Badge, Button, Card, DataTable, EmptyState, InlineStack, Text } from "@shopify/polaris";
import type { inventoryPage } from "./inventory.server";

type InventoryData = Awaited<ReturnType<typeof inventoryPage>>;
type Variant = InventoryData["variants"][number];
type Listing = Variant["listings"][number];

const STATE_TONE = { IN_SYNC: "success", PENDING: "info", HELD: "warning", FAILED: "critical" } as const;
export const money = (cents: number | null) => (cents === null ? "–" : (cents / 100).toFixed(2));

/** The current address with some search parameters changed (an empty value drops one). */
export function useLinkWith() {
  const [params] = useSearchParams();
  return (change: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    return `?${next}`;
  };
}

function ListingState({ listing }: { listing: Listing }) {
  return (
    <InlineStack gap="100">
      <Badge tone={STATE_TONE[listing.syncState]}>{listing.syncState.toLowerCase().replace("_", " ")}</Badge>
      {listing.stale ? <Badge>recomputing</Badge> : null}
      {listing.syncMessage ? (
        <Text as="span" tone="subdued">
          {listing.syncMessage}
        </Text>
      ) : null}
    </InlineStack>
  );
}

/**
 * Who ships the listing, where its marketplace has a fulfilment programme of its own (Amazon FBA):
 * switching it moves the listing in or out of the pool Shopify's stock feeds.
 */
function FulfilmentSwitch({ listing }: { listing: Listing }) {
  if (!listing.marketplaceFulfilment) return null;
  const toMarketplace = !listing.fulfilledByMarketplace;
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="fulfilment" />
      <input type="hidden" name="listingId" value={listing.id} />
      <input type="hidden" name="fulfilledBy" value={toMarketplace ? "marketplace" : "merchant"} />
      <Button
        submit
        variant="plain"
        accessibilityLabel={`${listing.channelSku}: ${toMarketplace ? `ship with ${listing.marketplaceFulfilment}` : "ship from your stock"}`}
      >
        {toMarketplace ? `Ship with ${listing.marketplaceFulfilment}` : "Ship from your stock"}
      </Button>
    </Form>
  );
}

/** "Why?" for every listing; "Recompute" (the whole variant) on its first listing's row only. */
function ListingActions({ listing, explainUrl, variantId }: { listing: Listing; explainUrl: string; variantId: string | null }) {
  return (
    <InlineStack gap="100">
      <Button url={explainUrl} variant="plain">
        Why?
      </Button>
      <FulfilmentSwitch listing={listing} />
      {variantId !== null ? (
        <Form method="post">
          <input type="hidden" name="intent" value="recompute" />
          <input type="hidden" name="variantId" value={variantId} />
          <Button submit variant="plain">
            Recompute
          </Button>
        </Form>
      ) : null}
    </InlineStack>
  );
}

/** The variant's name, with its holds as badges and the link to the holds card. */
function VariantName({ variant }: { variant: Variant }) {
  const linkWith = useLinkWith();
  return (
    <InlineStack gap="100" blockAlign="center">
      <Text as="span">{`${variant.sku ?? ""} · ${variant.title}`}</Text>
      {variant.discontinued ? <Badge tone="attention">discontinued</Badge> : null}
      {variant.heldUntil ? <Badge tone="info">{`held until ${variant.heldUntil}`}</Badge> : null}
      <Button url={linkWith({ holds: variant.id, explain: "" })} variant="plain" accessibilityLabel={`Holds of ${variant.sku ?? variant.title}`}>
        Holds
      </Button>
    </InlineStack>
  );
}

/** One row per listing (the variant named on its first), or one "not listed" row for a variant without any. */
export function VariantTable({ variants }: { variants: Variant[] }) {
  const [params] = useSearchParams();
  const linkWith = useLinkWith();
  return (
    <Card>
      {variants.length === 0 ? (
        <EmptyState heading={params.toString() ? "No variant matches" : "No variants yet"} image="">
          <p>{params.toString() ? "Try another SKU, title, channel or state." : "Variants appear once the first import from Shopify has run."}</p>
        </EmptyState>
      ) : (
        <DataTable
          columnContentTypes={["text", "text", "numeric", "numeric", "text", "text"]}
          headings={["Variant", "Channel", "Quantity (given / pushed)", "Price (given / pushed)", "State", ""]}
          rows={variants.flatMap((v) =>
            v.listings.length === 0
              ? [[<VariantName key={`${v.id}-name`} variant={v} />, "not listed", "–", money(v.priceCents), "", ""]]
              : v.listings.map((l, i) => [
                  i === 0 ? <VariantName key={`${v.id}-name`} variant={v} /> : "",
                  `${l.channelName} (${l.channelSku})`,
                  // Fulfilled by the marketplace (FBA): its own stock, shown beside the pool the others share.
                  l.ownStock ? l.ownStock.text : `${l.desiredQuantity ?? "–"} / ${l.pushedQuantity ?? "–"}`,
                  `${money(l.desiredPriceCents)} / ${money(l.pushedPriceCents)}`,
                  <ListingState key={`${l.id}-state`} listing={l} />,
                  <ListingActions key={`${l.id}-actions`} listing={l} explainUrl={linkWith({ explain: l.id })} variantId={i === 0 ? v.id : null} />,
                ]),
          )}
        />
      )}
    </Card>
  );
}

/** First page (once past it) and Next page; both leave the explained listing behind. */
export function Pager({ nextCursor }: { nextCursor: string | null }) {
  const [params] = useSearchParams();
  const linkWith = useLinkWith();
  return (
    <InlineStack align="space-between">
      {params.get("after") ? <Button url={linkWith({ after: "", explain: "" })}>First page</Button> : <span />}
      {nextCursor ? <Button url={linkWith({ after: nextCursor, explain: "" })}>Next page</Button> : null}
    </InlineStack>
  );
}
