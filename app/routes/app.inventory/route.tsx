import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, InlineStack, Layout, List, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { CsvImportCard } from "~/components/csv-import";
import { fieldErrors } from "~/lib/forms";
import { type ImportProblem, importListingLinks, refusedImport, uploadedCsv } from "~/csv/bulk-csv.server";
import { importVariantHolds } from "~/csv/variant-holds.server";
import {
  BulkFulfilmentForm,
  HoldsForm,
  inventoryPage,
  InventoryQuery,
  recomputeVariant,
  recomputeVariants,
  saveHoldsForm,
  switchFulfilment,
} from "./inventory.server";
import { NotFoundForShop } from "~/lib/errors";
import { requireShop } from "~/lib/require-shop.server";
import { setFulfilledByMarketplace } from "~/sync/listing-fulfilment.server";
import { z } from "zod";

const FulfilmentForm = z.object({
  listingId: z.string().trim().min(1, "Choose the listing"),
  fulfilledBy: z.enum(["merchant", "marketplace"], { message: 'Fulfilled by is "merchant" (your stock) or "marketplace" (its own warehouse)' }),
});
import { VariantTable } from "./variant-table";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const parsed = InventoryQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw data({ errors: fieldErrors(parsed.error) }, { status: 400 });
  try {
    return await inventoryPage(shop, parsed.data);
  } catch (error) {
    if (error instanceof NotFoundForShop) throw data({ errors: { form: error.message } }, { status: 404 });
    throw error;
  }
};

export type InventoryActionResult = { ok: boolean; intent: string; errors: Record<string, string>; message?: string; problems?: ImportProblem[] };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, shopId, actor } = await requireShop(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const answer = (body: Omit<InventoryActionResult, "intent">, status = 200) => data<InventoryActionResult>({ ...body, intent }, { status });
  try {
    if (intent === "recompute") {
      const marked = await recomputeVariant(shop, String(form.get("variantId") ?? ""), actor);
      return answer({
        ok: true,
        errors: {},
        message: marked > 0 ? `Recomputing ${marked} ${marked === 1 ? "listing" : "listings"}` : "This variant has no listing to compute",
      });
    }
    if (intent === "bulk-recompute") {
      const ids = String(form.get("variantIds") ?? "")
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean);
      if (ids.length === 0)
        return answer({ ok: false, errors: { variantIds: "Choose the variants to recompute", form: "Choose the variants to recompute" } }, 400);
      const marked = await recomputeVariants(shop, ids, actor);
      return answer({
        ok: true,
        errors: {},
        message: `Recomputing ${marked} ${marked === 1 ? "listing" : "listings"} of ${ids.length} ${ids.length === 1 ? "variant" : "variants"}`,
      });
    }
    if (intent === "bulk-fulfilment") {
      const parsed = BulkFulfilmentForm.safeParse(Object.fromEntries(form));
      if (!parsed.success) {
        const errors = fieldErrors(parsed.error);
        return answer({ ok: false, errors: { ...errors, form: Object.values(errors)[0] } }, 400);
      }
      const outcome = await switchFulfilment(shopId, parsed.data, actor);
      return outcome.ok
        ? answer({ ok: true, errors: {}, message: outcome.message })
        : answer({ ok: false, errors: { fulfilledBy: outcome.message, form: outcome.message } }, 400);
    }
    if (intent === "fulfilment") {
      const parsed = FulfilmentForm.safeParse(Object.fromEntries(form));
      if (!parsed.success) return answer({ ok: false, errors: fieldErrors(parsed.error) }, 400);
      const outcome = await setFulfilledByMarketplace(shopId, parsed.data.listingId, parsed.data.fulfilledBy === "marketplace", actor);
      return outcome.ok
        ? answer({ ok: true, errors: {}, message: outcome.message })
        : answer({ ok: false, errors: { fulfilledBy: outcome.message, form: outcome.message } }, 400);
    }
    if (intent === "holds") {
      const parsed = HoldsForm.safeParse(Object.fromEntries(form));
      if (!parsed.success) return answer({ ok: false, errors: fieldErrors(parsed.error) }, 400);
      const outcome = await saveHoldsForm(shopId, parsed.data, actor);
      return outcome.ok ? answer({ ok: true, errors: {}, message: outcome.message }) : answer({ ok: false, errors: outcome.errors }, 400);
    }
    if (intent === "import-holds") {
      const file = await uploadedCsv(form.get("file"));
      if (!file.ok) return answer({ ok: false, errors: { file: file.message } }, 400);
      const outcome = await importVariantHolds(shop, file.text, actor);
      if (!outcome.ok) return answer(refusedImport(outcome.problems), 400);
      return answer({
        ok: true,
        errors: {},
        message: `Imported: ${outcome.updated} ${outcome.updated === 1 ? "variant's holds" : "variants' holds"} changed; their listings are being computed`,
      });
    }
    if (intent === "import-listings") {
      const channelId = String(form.get("channelId") ?? "").trim();
      if (!channelId) return answer({ ok: false, errors: { channelId: "Choose the channel these listings are on" } }, 400);
      const file = await uploadedCsv(form.get("file"));
      if (!file.ok) return answer({ ok: false, errors: { file: file.message } }, 400);
      const outcome = await importListingLinks(shop, channelId, file.text, actor);
      if (!outcome.ok) return answer(refusedImport(outcome.problems), 400);
      return answer({
        ok: true,
        errors: {},
        message: `Imported: ${outcome.created} ${outcome.created === 1 ? "listing" : "listings"} linked, ${outcome.updated} relinked; quantities are being computed`,
      });
    }
    return answer({ ok: false, errors: { form: "Unknown action" } }, 400);
  } catch (error) {
    if (error instanceof NotFoundForShop) return answer({ ok: false, errors: { form: error.message } }, 404);
    throw error;
  }
};

type PageData = Awaited<ReturnType<typeof loader>>;

function Explanation({ explanation }: { explanation: NonNullable<PageData["explanation"]> }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Why {explanation.channelSku} on {explanation.channelName} gets {explanation.desiredQuantity ?? "–"} at {explanation.desiredPrice}
        </Text>
        {!explanation.computed ? (
          <Text as="p" tone="subdued">
            Not computed yet: the engine explains a listing once it has computed it.
          </Text>
        ) : (
          <>
            <Text as="h3" variant="headingSm">
              Quantity
            </Text>
            <List type="number">
              {explanation.quantity.map((line, i) => (
                <List.Item key={i}>{line}</List.Item>
              ))}
            </List>
            <Text as="h3" variant="headingSm">
              Price
            </Text>
            <List type="number">
              {explanation.price.map((line, i) => (
                <List.Item key={i}>{line}</List.Item>
              ))}
            </List>
            {[...explanation.notices, ...explanation.held].map((line, i) => (
              <Text as="p" tone="caution" key={i}>
                {line}
              </Text>
            ))}
          </>
        )}
      </BlockStack>
    </Card>
  );
}

function ListingLinksImport({ channels, result }: { channels: PageData["channels"]; result: InventoryActionResult | undefined }) {
  const [channelId, setChannelId] = useState(channels[0]?.id ?? "");
  const channel = channels.find((c) => c.id === channelId);
  const errors = result?.intent === "import-listings" ? result.errors : {};
  return (
    <CsvImportCard
      title="Bulk edit listing links"
      intent="import-listings"
      exportUrl={channel ? `/app/csv/listings?channelId=${encodeURIComponent(channel.id)}` : null}
      filename={`listings-${(channel?.name ?? "channel").toLowerCase().replace(/[^a-z0-9]+/g, "-")}.csv`}
      result={result}
      description="Which Shopify SKU each of a channel's listings sells: columns sku, channel_sku, external_id (the ASIN, item or product id, where the channel needs one) and fulfilled_by: merchant (from Shopify's stock, the default) or marketplace (shipped from the marketplace's own warehouse, such as Amazon FBA: no quantity is pushed, its own stock is shown). Listings are added or relinked; if any line is wrong, nothing is imported and every problem is listed by line."
    >
      {channels.length === 0 ? (
        <Text as="p" tone="subdued">
          Connect a channel on the Channels page to import its listings.
        </Text>
      ) : (
        <Select
          label="Channel"
          name="channelId"
          options={channels.map((c) => ({ label: c.name, value: c.id }))}
          value={channelId}
          onChange={setChannelId}
          error={errors.channelId}
        />
      )}
    </CsvImportCard>
  );
}

/**
 * One variant's holds: discontinued (no buffer; the channel ranked first sells the last units) and
 * a release date before which every channel lists 0, in the shop's time zone.
 */
function HoldsCard({ holds, timeZone, result }: { holds: NonNullable<PageData["holds"]>; timeZone: string; result: InventoryActionResult | undefined }) {
  const [discontinued, setDiscontinued] = useState(holds.discontinued);
  const [releaseAt, setReleaseAt] = useState(holds.releaseAt);
  const errors = result?.intent === "holds" ? result.errors : {};
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="holds" />
        <input type="hidden" name="variantId" value={holds.variantId} />
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Holds of {holds.name}
          </Text>
          <Checkbox
            label="Discontinued"
            helpText="No buffer, and the channel ranked first is never throttled: the last units sell, then every channel shows 0."
            name="discontinued"
            // Sent as "yes" when ticked: Polaris gives the input an empty value otherwise.
            value="yes"
            checked={discontinued}
            onChange={setDiscontinued}
            error={errors.discontinued}
          />
          <TextField
            label="Release date"
            name="releaseAt"
            value={releaseAt}
            onChange={setReleaseAt}
            autoComplete="off"
            placeholder="2027-01-15 or 2027-01-15T09:00"
            helpText={`Every channel lists 0 until then (pre-order or release hold); the listings follow when it passes. In ${timeZone}; blank for none.`}
            error={errors.releaseAt}
          />
          {holds.tagged.discontinued || holds.tagged.releaseAt ? (
            <Text as="p" tone="subdued">
              {`The product's Shopify tags also hold it: ${[
                holds.tagged.discontinued ? "anchorline:discontinued" : null,
                holds.tagged.releaseAt ? `anchorline:release:${holds.tagged.releaseAt} (UTC)` : null,
              ]
                .filter(Boolean)
                .join(", ")}. Remove the tag in Shopify to lift it.`}
            </Text>
          ) : null}
          <InlineStack>
            <Button submit variant="primary">
              Save holds
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Card>
  );
}

function HoldsImport({ timeZone, result }: { timeZone: string; result: InventoryActionResult | undefined }) {
  return (
    <CsvImportCard
      title="Bulk edit holds"
      intent="import-holds"
      exportUrl="/app/csv/variant-holds"
      filename="variant-holds.csv"
      result={result}
      description={`Per SKU: discontinued (yes or no) and release_at (2027-01-15, or 2027-01-15T09:00 for a time, in ${timeZone}; blank for none). A column left out keeps what each variant has; if any line is wrong, nothing is imported and every problem is listed by line.`}
    />
  );
}

export const meta: MetaFunction = () => screenTitle("Inventory");
export const ErrorBoundary = screenErrorBoundary({ thing: "variant", back: { content: "Inventory", url: "/app/inventory" } });

export default function Inventory() {
  const page = useLoaderData<typeof loader>();
  const { channels, explanation, holds, timeZone, notice } = page;
  const result = useActionData<typeof action>();
  return (
    <Page title="Inventory" subtitle="What each channel is given, per variant: quantity, price and sync state.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.message ? <Banner tone="success">{result.message}</Banner> : null}
            {result?.errors.form ? <Banner tone="critical">{result.errors.form}</Banner> : null}
            {notice ? <Banner tone="warning">{notice}</Banner> : null}
            {explanation ? <Explanation explanation={explanation} /> : null}
            {holds ? <HoldsCard key={holds.variantId} holds={holds} timeZone={timeZone} result={result} /> : null}
            <VariantTable data={page} />
            <ListingLinksImport channels={channels} result={result} />
            <HoldsImport timeZone={timeZone} result={result} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
