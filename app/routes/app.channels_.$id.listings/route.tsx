import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useLocation, useNavigation, useRevalidator } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineStack, Layout, Page, Spinner, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { z } from "zod";
import { NotFoundForShop } from "~/lib/errors";
import { fieldErrors, formObject } from "~/lib/forms";
import { requireShop } from "~/lib/require-shop.server";
import { changeListingReview, listingReview, ListingReviewInput, searchVariantsBySku, VariantSearchInput } from "./listings.server";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

// What listing discovery found on one marketplace account, and the merchant's links for the rest.
// "channels_" keeps the page out of the Channels screen's layout: /app/channels/<id>/listings.

const ChannelParams = z.object({ id: z.string().trim().min(1) });
/** While a read runs, the page looks again this often, so its result shows without a reload. */
const READING_REFRESH_MS = 3_000;

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const parsed = ChannelParams.safeParse(params);
  if (!parsed.success) throw data("Channel not found", { status: 404 });
  // The manual link's SKU search (?search=): the review is shown with the variants found.
  const text = new URL(request.url).searchParams.get("search");
  const search = text === null ? null : VariantSearchInput.safeParse(text);
  try {
    const review = await listingReview(shop, parsed.data.id);
    if (!search) return { ...review, search: null };
    if (!search.success) return { ...review, search: { text: text!, variants: [], error: search.error.issues[0].message } };
    return { ...review, search: { text: search.data, variants: await searchVariantsBySku(shop, search.data), error: null } };
  } catch (error) {
    // Another shop's channel looks exactly like one that does not exist.
    if (error instanceof NotFoundForShop) throw data("Channel not found", { status: 404 });
    throw error;
  }
};

type ActionResult = { ok: boolean; errors: Record<string, string>; message?: string; discoveredId?: string };

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const channel = ChannelParams.safeParse(params);
  if (!channel.success) return data<ActionResult>({ ok: false, errors: { form: "Channel not found" } }, { status: 404 });
  const form = formObject(await request.formData());
  const discoveredId = typeof form.discoveredId === "string" ? form.discoveredId : undefined;
  const parsed = ListingReviewInput.safeParse(form);
  if (!parsed.success) return data<ActionResult>({ ok: false, errors: fieldErrors(parsed.error), discoveredId }, { status: 400 });
  try {
    const outcome = await changeListingReview(shop, channel.data.id, parsed.data, actor);
    if (!outcome.ok) return data<ActionResult>({ ok: false, errors: outcome.errors, discoveredId }, { status: 400 });
    return data<ActionResult>({ ok: true, errors: {}, message: outcome.message, discoveredId });
  } catch (error) {
    if (error instanceof NotFoundForShop) return data<ActionResult>({ ok: false, errors: { form: error.message } }, { status: 404 });
    throw error;
  }
};

type Review = ReturnType<typeof useLoaderData<typeof loader>>;

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
/** A listing as the merchant knows it: the SKU they typed, with the marketplace's own id beside it where that differs (TikTok Shop). */
const skuOf = (row: { channelSku: string; sellerSku?: string | null }): string =>
  row.sellerSku && row.sellerSku !== row.channelSku ? `${row.sellerSku} (${row.channelSku})` : row.channelSku;

function UnmatchedRow({ row, error, linking }: { row: Review["unmatched"][number]; error?: string; linking: boolean }) {
  const [sku, setSku] = useState("");
  // A refusal speaks of the SKU that was posted: it goes once the merchant changes the field.
  const [refusedSku, setRefusedSku] = useState<string | null>(null);
  useEffect(() => setRefusedSku(error ? sku : null), [error]);
  const refusal = error && refusedSku === sku ? error : undefined;
  // The SKU search: what the merchant types looks up the store's variants as they type.
  const search = useFetcher<typeof loader>();
  const location = useLocation();
  const found = sku.trim().length >= 2 && search.data?.search?.text === sku.trim() ? search.data.search : null;
  const type = (value: string) => {
    setSku(value);
    if (value.trim().length < 2) return;
    // The page's own query stays (Shopify admin's shop, host and session token ride on it).
    const query = new URLSearchParams(location.search);
    query.set("search", value.trim());
    search.load(`${location.pathname}?${query}`);
  };
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="link" />
      <input type="hidden" name="discoveredId" value={row.id} />
      <BlockStack gap="200">
        <InlineStack gap="400" blockAlign="end" wrap={false}>
          <BlockStack gap="050">
            <Text as="span" fontWeight="semibold">
              {skuOf(row)}
            </Text>
            <Text as="span" tone="subdued">
              {[row.title, row.gtin ? `barcode ${row.gtin}` : null, row.quantity === null ? null : `${row.quantity} on hand`, row.price]
                .filter(Boolean)
                .join(" · ")}
            </Text>
          </BlockStack>
          <TextField
            label="Shopify SKU"
            name="sku"
            value={sku}
            onChange={type}
            autoComplete="off"
            error={refusal ?? found?.error ?? undefined}
            helpText="Type part of a SKU to search the store's variants"
          />
          <Button submit loading={linking}>
            Link
          </Button>
        </InlineStack>
        {found && !found.error ? (
          <InlineStack gap="200" blockAlign="center">
            <Text as="span" tone="subdued">
              {found.variants.length ? "Variants with this in their SKU:" : "No variant has this in its SKU."}
            </Text>
            {found.variants.map((variant) => (
              <Button key={variant.id} variant="plain" onClick={() => setSku(variant.sku ?? "")}>
                {`${variant.sku} (${variant.name})`}
              </Button>
            ))}
          </InlineStack>
        ) : null}
      </BlockStack>
    </Form>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => screenTitle(data ? `Listings on ${data.channel.name}` : "Listings");
export const ErrorBoundary = screenErrorBoundary({ thing: "channel", back: { content: "Channels", url: "/app/channels" } });

export default function ListingReview() {
  const review = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const { channel, counts } = review;
  const posting = (intent: string, discoveredId?: string) =>
    navigation.state !== "idle" &&
    navigation.formData?.get("intent") === intent &&
    (discoveredId === undefined || navigation.formData?.get("discoveredId") === discoveredId);
  const rowError = (id: string, field: string) => (result && !result.ok && result.discoveredId === id ? result.errors[field] : undefined);

  useEffect(() => {
    if (!channel.reading) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, READING_REFRESH_MS);
    return () => clearInterval(timer);
  }, [channel.reading, revalidator]);

  return (
    <Page title={`Listings on ${channel.name}`} backAction={{ content: "Channels", url: "/app/channels" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.message ? <Banner tone="success">{result.message}</Banner> : null}
            {result?.errors.form ? <Banner tone="critical">{result.errors.form}</Banner> : null}
            {result && !result.ok && result.errors.discoveredId ? <Banner tone="critical">{result.errors.discoveredId}</Banner> : null}
            {channel.reading ? (
              <Banner tone="info" title={`Reading ${channel.name}'s listings`}>
                <InlineStack gap="200" blockAlign="center">
                  <Spinner size="small" accessibilityLabel="Reading listings" />
                  <Text as="span">Listings already linked stay as they are; this page shows what was found when the read is done.</Text>
                </InlineStack>
              </Banner>
            ) : null}
            {channel.problem ? (
              <Banner tone="critical" title="The last read did not finish">
                {channel.problem}
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    {channel.readAt
                      ? `${plural(counts.found, "listing")} found on ${channel.marketplace}`
                      : `${channel.marketplace}'s listings have not been read yet`}
                  </Text>
                  <Form method="post">
                    <input type="hidden" name="intent" value="read-again" />
                    <Button submit loading={posting("read-again") || channel.reading} disabled={!channel.connected}>
                      Read listings again
                    </Button>
                  </Form>
                </InlineStack>
                {channel.readAt ? (
                  <InlineStack gap="200">
                    <Badge tone="success">{`${counts.linked} linked`}</Badge>
                    <Badge>{`${counts.bySku} by SKU`}</Badge>
                    <Badge>{`${counts.byBarcode} by barcode`}</Badge>
                    <Badge>{`${counts.byHand} by hand`}</Badge>
                    <Badge>{`${counts.before} linked before`}</Badge>
                    <Badge tone={counts.unmatched ? "attention" : undefined}>{`${counts.unmatched} not matched`}</Badge>
                    <Badge tone={counts.conflicts ? "warning" : undefined}>{`${plural(counts.conflicts, "conflict")}`}</Badge>
                  </InlineStack>
                ) : null}
                {channel.readAt ? (
                  <Text as="p" tone="subdued">
                    Read {new Date(channel.readAt).toLocaleString("en-US")}. Linked listings are computed now and sent once the account is live.
                    {counts.found > review.rowsShown ? ` Each group below shows its first ${review.rowsShown}.` : ""}
                  </Text>
                ) : null}
              </BlockStack>
            </Card>
            {review.conflicts.length > 0 ? (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Conflicts: choose the variant
                  </Text>
                  {review.conflicts.map((row) => (
                    <BlockStack key={row.id} gap="100">
                      <Text as="p">
                        <Text as="span" fontWeight="semibold">
                          {skuOf(row)}
                        </Text>
                        {row.title ? ` · ${row.title}` : ""}: {row.reason}
                      </Text>
                      <InlineStack gap="200">
                        {row.candidates.map((variant) => (
                          <Form method="post" key={variant.id}>
                            <input type="hidden" name="intent" value="choose" />
                            <input type="hidden" name="discoveredId" value={row.id} />
                            <input type="hidden" name="variantId" value={variant.id} />
                            <Button submit loading={posting("choose", row.id) && navigation.formData?.get("variantId") === variant.id}>
                              {`Link to ${variant.sku ?? "no SKU"} (${variant.name})`}
                            </Button>
                          </Form>
                        ))}
                      </InlineStack>
                      {rowError(row.id, "variantId") ? (
                        <Text as="p" tone="critical">
                          {rowError(row.id, "variantId")}
                        </Text>
                      ) : null}
                    </BlockStack>
                  ))}
                </BlockStack>
              </Card>
            ) : null}
            {review.unmatched.length > 0 ? (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Not matched: link by hand
                  </Text>
                  <Text as="p" tone="subdued">
                    No variant in Shopify has these SKUs or barcodes. Type the Shopify SKU of the variant each one sells.
                  </Text>
                  {review.unmatched.map((row) => (
                    <UnmatchedRow key={row.id} row={row} error={rowError(row.id, "sku")} linking={posting("link", row.id)} />
                  ))}
                </BlockStack>
              </Card>
            ) : null}
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Linked
                </Text>
                {review.linked.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No listing of this account is linked yet.
                  </Text>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "text", "text"]}
                    headings={[`${channel.marketplace} SKU`, "Title", "Shopify variant", "How"]}
                    rows={review.linked.map((row) => [
                      skuOf(row),
                      row.title ?? "",
                      row.variant ? `${row.variant.sku ?? "no SKU"} · ${row.variant.name}` : "",
                      row.how,
                    ])}
                  />
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
