import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, EmptyState, InlineStack, Layout, List, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { fieldErrors } from "~/lib/forms";
import { inventoryPage, InventoryQuery, recomputeVariant } from "~/services/inventory.server";
import { NotFoundForShop } from "~/services/locations.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = InventoryQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw data({ errors: fieldErrors(parsed.error) }, { status: 400 });
  try {
    return await inventoryPage(session.shop, parsed.data);
  } catch (error) {
    if (error instanceof NotFoundForShop) throw data({ errors: { form: error.message } }, { status: 404 });
    throw error;
  }
};

export type InventoryActionResult = { ok: boolean; errors: Record<string, string>; message?: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const actor = `merchant:${session.onlineAccessInfo?.associated_user.id ?? session.id}`;
  const form = await request.formData();
  if (form.get("intent") !== "recompute") return data<InventoryActionResult>({ ok: false, errors: { form: "Unknown action" } }, { status: 400 });
  try {
    const marked = await recomputeVariant(session.shop, String(form.get("variantId") ?? ""), actor);
    return data<InventoryActionResult>({ ok: true, errors: {}, message: marked > 0 ? `Recomputing ${marked} ${marked === 1 ? "listing" : "listings"}` : "This variant has no listing to compute" });
  } catch (error) {
    if (error instanceof NotFoundForShop) return data<InventoryActionResult>({ ok: false, errors: { form: error.message } }, { status: 404 });
    throw error;
  }
};

const STATE_TONE = { IN_SYNC: "success", PENDING: "info", HELD: "warning", FAILED: "critical" } as const;
const money = (cents: number | null) => (cents === null ? "–" : (cents / 100).toFixed(2));

type PageData = Awaited<ReturnType<typeof loader>>;

function Explanation({ explanation }: { explanation: NonNullable<PageData["explanation"]> }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Why {explanation.channelSku} on {explanation.channelName} gets {explanation.desiredQuantity ?? "–"} at {money(explanation.desiredPriceCents)}
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
            {[...explanation.notices, ...explanation.parity].map((line, i) => (
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

export default function Inventory() {
  const { channels, variants, nextCursor, explanation } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [q, setQ] = useState(params.get("q") ?? "");
  const [channelId, setChannelId] = useState(params.get("channelId") ?? "");
  const [state, setState] = useState(params.get("state") ?? "");
  const linkWith = (change: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    return `?${next}`;
  };
  return (
    <Page title="Inventory" subtitle="What each channel is given, per variant: quantity, price and sync state.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.message ? <Banner tone="success">{result.message}</Banner> : null}
            {result?.errors.form ? <Banner tone="critical">{result.errors.form}</Banner> : null}
            <Card>
              <Form method="get">
                <InlineStack gap="200" blockAlign="end">
                  <TextField label="SKU or title" name="q" value={q} onChange={setQ} autoComplete="off" />
                  <Select label="Channel" name="channelId" options={[{ label: "Every channel", value: "" }, ...channels.map((c) => ({ label: c.name, value: c.id }))]} value={channelId} onChange={setChannelId} />
                  <Select
                    label="State"
                    name="state"
                    options={[
                      { label: "Any", value: "" },
                      { label: "In sync", value: "IN_SYNC" },
                      { label: "Pending", value: "PENDING" },
                      { label: "Held for review", value: "HELD" },
                      { label: "Failed", value: "FAILED" },
                    ]}
                    value={state}
                    onChange={setState}
                  />
                  <Button submit>Search</Button>
                </InlineStack>
              </Form>
            </Card>
            {explanation ? <Explanation explanation={explanation} /> : null}
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
                      ? [[`${v.sku ?? ""} · ${v.title}`, "not listed", "–", money(v.priceCents), "", ""]]
                      : v.listings.map((l, i) => [
                          i === 0 ? `${v.sku ?? ""} · ${v.title}` : "",
                          `${l.channelName} (${l.channelSku})`,
                          `${l.desiredQuantity ?? "–"} / ${l.pushedQuantity ?? "–"}`,
                          `${money(l.desiredPriceCents)} / ${money(l.pushedPriceCents)}`,
                          <InlineStack gap="100" key={`${l.id}-state`}>
                            <Badge tone={STATE_TONE[l.syncState]}>{l.syncState.toLowerCase().replace("_", " ")}</Badge>
                            {l.stale ? <Badge>recomputing</Badge> : null}
                            {l.syncMessage ? <Text as="span" tone="subdued">{l.syncMessage}</Text> : null}
                          </InlineStack>,
                          <InlineStack gap="100" key={`${l.id}-actions`}>
                            <Button url={linkWith({ explain: l.id })} variant="plain">
                              Why?
                            </Button>
                            {i === 0 ? (
                              <Form method="post">
                                <input type="hidden" name="intent" value="recompute" />
                                <input type="hidden" name="variantId" value={v.id} />
                                <Button submit variant="plain">
                                  Recompute
                                </Button>
                              </Form>
                            ) : null}
                          </InlineStack>,
                        ]),
                  )}
                />
              )}
            </Card>
            <InlineStack align="space-between">
              {params.get("after") ? <Button url={linkWith({ after: "", explain: "" })}>First page</Button> : <span />}
              {nextCursor ? <Button url={linkWith({ after: nextCursor, explain: "" })}>Next page</Button> : null}
            </InlineStack>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
