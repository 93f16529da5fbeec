import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, Checkbox, EmptyState, InlineStack, Layout, List, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { contentRulesOf } from "~/channels/registry";
import { ContentNotFound, ContentSettingsInput, contentProducts, productContentPreview, saveChannelContentSettings } from "~/content/preview.server";
import { fieldErrors, formObject } from "~/lib/forms";
import { requireShop } from "~/lib/require-shop.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  const query = (url.searchParams.get("q") ?? "").slice(0, 200);
  const productId = url.searchParams.get("productId");
  const products = await contentProducts(shop, query);
  if (!productId) return { query, products, preview: null };
  try {
    return { query, products, preview: await productContentPreview(shop, productId, contentRulesOf) };
  } catch (error) {
    if (error instanceof ContentNotFound) throw data({ message: error.message }, { status: 404 });
    throw error;
  }
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const parsed = ContentSettingsInput.safeParse(formObject(await request.formData(), ["syncedFields"]));
  if (!parsed.success) return data({ ok: false as const, errors: fieldErrors(parsed.error), changed: 0 }, { status: 400 });
  try {
    const result = await saveChannelContentSettings(shop, parsed.data, actor, { contentRules: contentRulesOf });
    return { ok: true as const, errors: {} as Record<string, string>, changed: result.changed };
  } catch (error) {
    if (error instanceof ContentNotFound) return data({ ok: false as const, errors: { form: error.message }, changed: 0 }, { status: 404 });
    throw error;
  }
};

type Preview = NonNullable<Awaited<ReturnType<typeof loader>>["preview"]>;
type ChannelPreview = Preview["channels"][number];

function show(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join("\n• ");
  return typeof value === "string" ? value : JSON.stringify(value);
}

function ChannelCard({ channel, productId, errors }: { channel: ChannelPreview; productId: string; errors: Record<string, string> }) {
  const [title, setTitle] = useState(channel.templates.title ?? "");
  const [description, setDescription] = useState(channel.templates.description ?? "");
  const [synced, setSynced] = useState(new Set(channel.map.filter((r) => r.synced).map((r) => r.field)));
  const busy = useNavigation().state === "submitting";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {channel.name}
          </Text>
          {channel.unsupported ? <Badge tone="info">no content sync</Badge> : null}
        </InlineStack>
        {channel.unsupported ? (
          <Text as="p" tone="subdued">
            {channel.unsupported}
          </Text>
        ) : (
          <>
            {channel.variants.map((variant) => (
              <Box key={variant.variantId} padding="200" background={variant.blocked ? "bg-surface-critical" : "bg-surface-secondary"} borderRadius="200">
                <BlockStack gap="100">
                  <InlineStack gap="200">
                    <Text as="h3" variant="headingSm">
                      {variant.title} {variant.sku ? `(${variant.sku})` : ""}
                    </Text>
                    {variant.listing ? <Badge>{variant.listing.channelSku}</Badge> : <Badge tone="attention">not listed</Badge>}
                    {variant.blocked ? (
                      <Badge tone="critical">will not be sent</Badge>
                    ) : variant.listing?.pendingFields.length ? (
                      <Badge tone="warning">{`to send: ${variant.listing.pendingFields.join(", ")}`}</Badge>
                    ) : null}
                  </InlineStack>
                  {Object.entries(variant.fields).map(([name, value]) => (
                    <Text as="p" key={name}>
                      <Text as="span" fontWeight="semibold">
                        {name}:
                      </Text>{" "}
                      {show(value)}
                    </Text>
                  ))}
                  {variant.issues.length > 0 ? (
                    <List>
                      {variant.issues.map((issue, i) => (
                        <List.Item key={i}>
                          <Text as="span" tone={issue.severity === "error" ? "critical" : "caution"}>
                            {issue.field}: {issue.message}
                          </Text>
                        </List.Item>
                      ))}
                    </List>
                  ) : null}
                </BlockStack>
              </Box>
            ))}
            <Form method="post">
              <input type="hidden" name="channelId" value={channel.id} />
              <input type="hidden" name="productId" value={productId} />
              <BlockStack gap="200">
                <Text as="h3" variant="headingSm">
                  Fields sent to {channel.name}
                </Text>
                {channel.map.map((row) => (
                  <Checkbox
                    key={row.field}
                    label={`${row.label} (${row.sharing})`}
                    name="syncedFields"
                    value={row.field}
                    disabled={!row.carried}
                    helpText={row.carried ? undefined : row.reason}
                    checked={synced.has(row.field)}
                    onChange={(on) => setSynced((prev) => (on ? new Set([...prev, row.field]) : new Set([...prev].filter((f) => f !== row.field))))}
                  />
                ))}
                <TextField
                  label="Title template"
                  name="title"
                  value={title}
                  onChange={setTitle}
                  autoComplete="off"
                  error={errors.title}
                  helpText="e.g. {{vendor}} {{title}} – {{option1}}; metafields as {{metafields.custom.material}}"
                />
                <TextField
                  label="Description template"
                  name="description"
                  value={description}
                  onChange={setDescription}
                  autoComplete="off"
                  multiline={3}
                  error={errors.description}
                />
                {channel.templates.subtitle !== undefined ? <input type="hidden" name="subtitle" value={channel.templates.subtitle} /> : null}
                <InlineStack align="end">
                  <Button submit variant="primary" loading={busy}>
                    Save and recompute
                  </Button>
                </InlineStack>
              </BlockStack>
            </Form>
          </>
        )}
      </BlockStack>
    </Card>
  );
}

export default function ContentPreview() {
  const { query, products, preview } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [search, setSearch] = useState(query);
  return (
    <Page title="Listing content" subtitle="A product's content as each channel will receive it, checked against each channel's rules before anything is sent.">
      <Layout>
        <Layout.Section variant="oneThird">
          <Card>
            <Form method="get">
              <BlockStack gap="200">
                <TextField label="Find a product" name="q" value={search} onChange={setSearch} autoComplete="off" />
                <Button submit>Search</Button>
                {products.map((p) => (
                  <Link key={p.id} to={`?productId=${encodeURIComponent(p.id)}&q=${encodeURIComponent(query)}`}>
                    {p.title}
                  </Link>
                ))}
              </BlockStack>
            </Form>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.errors.form ? (
              <Text as="p" tone="critical">
                {result.errors.form}
              </Text>
            ) : null}
            {result?.ok ? <Text as="p">Saved: {result.changed} listings have new content to send.</Text> : null}
            {preview ? (
              preview.channels.map((channel) => <ChannelCard key={channel.id} channel={channel} productId={preview.product.id} errors={result?.errors ?? {}} />)
            ) : (
              <Card>
                <EmptyState heading="Pick a product" image="">
                  <p>Its title, description, bullets and images appear here as each channel will receive them.</p>
                </EmptyState>
              </Card>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
