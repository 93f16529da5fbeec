import { Form, useNavigate, useSearchParams, useSubmit } from "@remix-run/react";
import {
  Badge,
  Button,
  ChoiceList,
  EmptySearchResult,
  IndexFilters,
  IndexFiltersMode,
  IndexTable,
  InlineStack,
  LegacyCard,
  Text,
  useIndexResourceState,
  useSetIndexFiltersMode,
} from "@shopify/polaris";
import { Fragment, useEffect, useState } from "react";
import type { inventoryPage } from "./inventory.server";

type InventoryData = Awaited<ReturnType<typeof inventoryPage>>;
type Variant = InventoryData["variants"][number];
type Listing = Variant["listings"][number];

const STATE_TONE = { IN_SYNC: "success", PENDING: "info", HELD: "warning", FAILED: "critical" } as const;
const STATE_WORDS = { IN_SYNC: "In sync", PENDING: "Pending", HELD: "Held for review", FAILED: "Failed" } as const;
const STOCK_WORDS = { out: "Out of stock", low: "Low stock" } as const;

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
      <Badge tone={STATE_TONE[listing.syncState]}>{STATE_WORDS[listing.syncState]}</Badge>
      {listing.stale ? <Badge>recomputing</Badge> : null}
      {listing.alerted ? <Badge tone="critical">alert</Badge> : null}
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

/** "Why?" for every listing (named for it, so 50 links are told apart); "Recompute" (the whole variant) on its first row. */
function ListingActions({ listing, explainUrl, variantId }: { listing: Listing; explainUrl: string; variantId: string | null }) {
  return (
    <InlineStack gap="100">
      <Button url={explainUrl} variant="plain" accessibilityLabel={`Why? ${listing.channelSku} on ${listing.channelName}`}>
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
      <Text as="span" fontWeight="semibold">{`${variant.sku ?? ""} · ${variant.title}`}</Text>
      {variant.discontinued ? <Badge tone="attention">discontinued</Badge> : null}
      {variant.heldUntil ? <Badge tone="info">{`held until ${variant.heldUntil}`}</Badge> : null}
      <Button url={linkWith({ holds: variant.id, explain: "" })} variant="plain" accessibilityLabel={`Holds of ${variant.sku ?? variant.title}`}>
        Holds
      </Button>
    </InlineStack>
  );
}

const stockText = (v: Variant) => (v.available === null ? "–" : String(v.available));

/** A row per listing (the variant named on its first), or one "not listed" row for a variant without any; ids are listing ids or the variant's. */
type Row = { id: string; variant: Variant; listing: Listing | null; first: boolean };
function rowsOf(variants: Variant[]): Row[] {
  return variants.flatMap((v) =>
    v.listings.length === 0
      ? [{ id: v.id, variant: v, listing: null, first: true }]
      : v.listings.map((l, i): Row => ({ id: l.id, variant: v, listing: l, first: i === 0 })),
  );
}

const SORT_OPTIONS = [
  { label: "SKU", value: "sku asc", directionLabel: "A–Z" },
  { label: "SKU", value: "sku desc", directionLabel: "Z–A" },
  { label: "Quantity in Shopify", value: "quantity asc", directionLabel: "Fewest first" },
  { label: "Quantity in Shopify", value: "quantity desc", directionLabel: "Most first" },
  { label: "Updated", value: "updated desc", directionLabel: "Newest first" },
  { label: "Updated", value: "updated asc", directionLabel: "Oldest first" },
] as const;

/**
 * Search (SKU, title, barcode), filters (channel, sync state, stock, alert) and sort, as Shopify's
 * admin lists do: every change is a new address, and the server reads the page it names.
 */
function InventoryIndexFilters({ channels }: { channels: InventoryData["channels"] }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const linkWith = useLinkWith();
  const { mode, setMode } = useSetIndexFiltersMode(params.get("q") ? IndexFiltersMode.Filtering : IndexFiltersMode.Default);
  const [query, setQuery] = useState(params.get("q") ?? "");
  // Every filter change goes back to the first page and closes the explanation.
  const go = (change: Record<string, string>) => navigate(linkWith({ ...change, page: "", explain: "" }), { preventScrollReset: true, replace: true });
  useEffect(() => {
    if (query === (params.get("q") ?? "")) return;
    // Typed search waits for a pause, not every key.
    const timer = setTimeout(() => go({ q: query }), 300);
    return () => clearTimeout(timer);
  });
  const one = (name: string) => (params.get(name) ? [params.get(name)!] : []);
  const channelName = channels.find((c) => c.id === params.get("channelId"))?.name;
  const state = params.get("state") as keyof typeof STATE_WORDS | null;
  const stock = params.get("stock") as keyof typeof STOCK_WORDS | null;
  const choice = (name: string, title: string, choices: { label: string; value: string }[]) => ({
    key: name,
    label: title,
    shortcut: true,
    filter: <ChoiceList title={title} titleHidden choices={choices} selected={one(name)} onChange={(picked) => go({ [name]: picked[0] ?? "" })} />,
  });
  const applied = [
    channelName ? { key: "channelId", label: `Channel: ${channelName}`, onRemove: () => go({ channelId: "" }) } : null,
    state && STATE_WORDS[state] ? { key: "state", label: `Sync: ${STATE_WORDS[state]}`, onRemove: () => go({ state: "" }) } : null,
    stock && STOCK_WORDS[stock] ? { key: "stock", label: STOCK_WORDS[stock], onRemove: () => go({ stock: "" }) } : null,
    params.get("alert") ? { key: "alert", label: "Has an open alert", onRemove: () => go({ alert: "" }) } : null,
  ].filter((f) => f !== null);
  const sort = `${params.get("sort") ?? "sku"} ${params.get("dir") ?? (params.get("sort") === "updated" ? "desc" : "asc")}`;
  return (
    <IndexFilters
      queryValue={query}
      queryPlaceholder="Search by SKU, title or barcode"
      onQueryChange={setQuery}
      onQueryClear={() => {
        setQuery("");
        go({ q: "" });
      }}
      sortOptions={[...SORT_OPTIONS]}
      sortSelected={[sort]}
      onSort={([picked]) => {
        const [by, dir] = (picked ?? "sku asc").split(" ");
        go({ sort: by === "sku" ? "" : by, dir: dir === "asc" && by !== "updated" ? "" : dir });
      }}
      filters={[
        choice(
          "channelId",
          "Channel",
          channels.map((c) => ({ label: c.name, value: c.id })),
        ),
        choice(
          "state",
          "Sync state",
          Object.entries(STATE_WORDS).map(([value, label]) => ({ label, value })),
        ),
        choice(
          "stock",
          "Stock",
          Object.entries(STOCK_WORDS).map(([value, label]) => ({ label, value })),
        ),
        choice("alert", "Alerts", [{ label: "Has an open alert", value: "open" }]),
      ]}
      appliedFilters={applied}
      onClearAll={() => {
        setQuery("");
        go({ q: "", channelId: "", state: "", stock: "", alert: "" });
      }}
      tabs={[]}
      selected={0}
      mode={mode}
      setMode={setMode}
      canCreateNewView={false}
    />
  );
}

/** The inventory as Shopify's admin lists it: search, filters, sort, bulk actions and pages with totals. */
export function VariantTable({ data }: { data: Pick<InventoryData, "variants" | "channels" | "page"> }) {
  const { variants, channels, page } = data;
  const linkWith = useLinkWith();
  const navigate = useNavigate();
  const submit = useSubmit();
  const rows = rowsOf(variants);
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(
    rows as unknown as { [key: string]: unknown }[],
  );
  // A new page or filter is a new set of rows: nothing stays ticked that is not shown.
  const rowKey = rows.map((r) => r.id).join(",");
  useEffect(() => clearSelection(), [rowKey]);
  const picked = rows.filter((r) => allResourcesSelected || selectedResources.includes(r.id));
  const pickedListings = picked.flatMap((r) => (r.listing ? [r.listing] : []));
  const post = (form: Record<string, string>) => submit(form, { method: "post" });
  const programme = channels.find((c) => c.marketplaceFulfilment)?.marketplaceFulfilment ?? null;
  const fulfilled = pickedListings.filter((l) => l.marketplaceFulfilment);
  const lastPage = Math.max(1, Math.ceil(page.total / page.size));
  const go = (n: number) => navigate(linkWith({ page: n === 1 ? "" : String(n), explain: "" }), { preventScrollReset: true });
  const number = new Intl.NumberFormat("en-US");
  return (
    <LegacyCard>
      <InventoryIndexFilters channels={channels} />
      <IndexTable
        resourceName={{ singular: "listing", plural: "listings" }}
        itemCount={rows.length}
        selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
        onSelectionChange={handleSelectionChange}
        emptyState={<EmptySearchResult title="No variant matches" description="Try another SKU, title, barcode or filter." withIllustration />}
        promotedBulkActions={[
          {
            content: "Recompute",
            onAction: () => post({ intent: "bulk-recompute", variantIds: [...new Set(picked.map((r) => r.variant.id))].join(",") }),
          },
        ]}
        bulkActions={
          programme && fulfilled.length > 0
            ? [
                {
                  content: `Ship with ${programme}`,
                  onAction: () => post({ intent: "bulk-fulfilment", fulfilledBy: "marketplace", listingIds: fulfilled.map((l) => l.id).join(",") }),
                },
                {
                  content: "Ship from your stock",
                  onAction: () => post({ intent: "bulk-fulfilment", fulfilledBy: "merchant", listingIds: fulfilled.map((l) => l.id).join(",") }),
                },
              ]
            : []
        }
        headings={[
          { title: "Variant" },
          { title: "Channel" },
          { title: "In Shopify", alignment: "end" },
          { title: "Quantity (to list / sent)", alignment: "end" },
          { title: "Price (to list / sent)", alignment: "end" },
          { title: "Sync state" },
          { title: "Actions" },
        ]}
        pagination={{
          hasPrevious: page.number > 1,
          hasNext: page.number < lastPage,
          onPrevious: () => go(page.number - 1),
          onNext: () => go(page.number + 1),
          label: page.total === 0 ? "No variants" : `${number.format(page.from)}–${number.format(page.to)} of ${number.format(page.total)} variants`,
        }}
      >
        {rows.map((row, position) => (
          <Fragment key={row.id}>
            <IndexTable.Row id={row.id} position={position} selected={allResourcesSelected || selectedResources.includes(row.id)}>
              <IndexTable.Cell>{row.first ? <VariantName variant={row.variant} /> : null}</IndexTable.Cell>
              <IndexTable.Cell>{row.listing ? `${row.listing.channelName} (${row.listing.channelSku})` : "not listed"}</IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" alignment="end" numeric>
                  {row.first ? stockText(row.variant) : ""}
                </Text>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" alignment="end" numeric>
                  {/* Fulfilled by the marketplace (FBA): its own stock, shown beside the pool the others share. */}
                  {row.listing
                    ? row.listing.ownStock
                      ? row.listing.ownStock.text
                      : `${row.listing.desiredQuantity ?? "–"} / ${row.listing.pushedQuantity ?? "–"}`
                    : "–"}
                </Text>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" alignment="end" numeric>
                  {row.listing ? `${row.listing.desiredPrice} / ${row.listing.pushedPrice}` : row.variant.price}
                </Text>
              </IndexTable.Cell>
              <IndexTable.Cell>{row.listing ? <ListingState listing={row.listing} /> : null}</IndexTable.Cell>
              <IndexTable.Cell>
                {row.listing ? (
                  <ListingActions listing={row.listing} explainUrl={linkWith({ explain: row.listing.id })} variantId={row.first ? row.variant.id : null} />
                ) : null}
              </IndexTable.Cell>
            </IndexTable.Row>
          </Fragment>
        ))}
      </IndexTable>
    </LegacyCard>
  );
}
