import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, Checkbox, DataTable, EmptyState, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { useState } from "react";
import { ChannelFilter } from "~/components/channel-filter";
import { fieldErrors } from "~/lib/forms";
import { requireShop } from "~/lib/require-shop.server";
import { MarginsFilterRefused, marginsPage, MarginsQuery } from "./margins.server";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const parsed = MarginsQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw data({ errors: fieldErrors(parsed.error) }, { status: 400 });
  try {
    return await marginsPage(shop, parsed.data);
  } catch (error) {
    if (error instanceof MarginsFilterRefused) throw data({ errors: error.errors }, { status: 400 });
    throw error;
  }
};

type PageData = Awaited<ReturnType<typeof loader>>;

function Summary({ summary }: { summary: PageData["summary"] }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Per channel
        </Text>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
          headings={["Channel", "Listings", "Under floor", "Cost unknown", "Average margin"]}
          rows={summary.map((s) => [s.channelName, s.listings, s.underFloor, s.costUnknown, s.averageMargin ?? "–"])}
        />
      </BlockStack>
    </Card>
  );
}

/** Channel and "under floor only", as a GET form filled from the address; a new filter starts at page 1. */
function Filters({ channels }: { channels: PageData["channels"] }) {
  const [params] = useSearchParams();
  const [underFloor, setUnderFloor] = useState(params.get("underFloor") === "1");
  return (
    <Card>
      <Form method="get">
        <InlineStack gap="300" blockAlign="end">
          <ChannelFilter channels={channels} />
          {/* Sent as "1" when ticked: Polaris gives the input an empty value otherwise. */}
          <Checkbox label="Under floor only" name="underFloor" value="1" checked={underFloor} onChange={setUnderFloor} />
          <Button submit>Show</Button>
        </InlineStack>
      </Form>
    </Card>
  );
}

function Pager({ page, pages, total }: { page: number; pages: number; total: number }) {
  const [params] = useSearchParams();
  const pageUrl = (n: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(n));
    return `?${next}`;
  };
  return (
    <InlineStack align="space-between" blockAlign="center">
      {page > 1 ? <Button url={pageUrl(page - 1)}>Previous</Button> : <span />}
      <Text as="span" tone="subdued">
        {`Page ${page} of ${pages} · ${total} ${total === 1 ? "listing" : "listings"}`}
      </Text>
      {page < pages ? <Button url={pageUrl(page + 1)}>Next</Button> : <span />}
    </InlineStack>
  );
}

export const meta: MetaFunction = () => screenTitle("Margins");
export const ErrorBoundary = screenErrorBoundary({ thing: "listing", back: { content: "Margins", url: "/app/margins" } });

export default function Margins() {
  const { summary, channels, rows, page, pages, total, currencyCode } = useLoaderData<typeof loader>();
  return (
    <Page
      title="Margins"
      subtitle={`What each listing earns at the price Anchorline gives it, after the channel's fees and shipping and Shopify's unit cost (in ${currencyCode}). Under floor: below the fee-inclusive floor your price rule sets.`}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Summary summary={summary} />
            <Filters channels={channels} />
            <Card>
              {rows.length === 0 ? (
                <EmptyState heading="No listing to show" image="">
                  <p>Listings appear here once Anchorline has computed their prices; with “Under floor only”, only unprofitable ones.</p>
                </EmptyState>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric", "text"]}
                  headings={["SKU", "Product", "Channel", "Price", "Fees", "Shipping", "Cost", "Margin", "Floor", "Explanation"]}
                  rows={rows.map((r) => [
                    <InlineStack key="sku" gap="100">
                      <Text as="span">{r.sku}</Text>
                      {r.underFloor ? <Badge tone="critical">under floor</Badge> : null}
                    </InlineStack>,
                    <BlockStack key="product" gap="050">
                      <Text as="span">{r.product}</Text>
                      {r.cause ? (
                        <Text as="span" tone="critical" variant="bodySm">
                          {r.cause}
                        </Text>
                      ) : null}
                    </BlockStack>,
                    r.channelName,
                    r.price,
                    r.fees,
                    r.shipping,
                    r.cost,
                    r.margin,
                    r.floor,
                    <Link key="why" url={r.why} accessibilityLabel={`Why? ${r.sku} on ${r.channelName}`}>
                      Why?
                    </Link>,
                  ])}
                />
              )}
            </Card>
            <Pager page={page} pages={pages} total={total} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
