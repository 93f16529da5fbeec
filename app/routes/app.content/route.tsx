import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { BlockStack, Button, Card, EmptyState, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { contentRulesOf } from "~/channels/registry";
import { ChannelCard } from "./channel-content-card";
import { ContentNotFound, ContentSettingsInput, contentProducts, productContentPreview, saveChannelContentSettings } from "./content.server";
import { fieldErrors, formObject } from "~/lib/forms";
import { requireShop } from "~/lib/require-shop.server";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

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
  if (!parsed.success) return data({ ok: false as const, errors: fieldErrors(parsed.error), recomputing: 0 }, { status: 400 });
  try {
    const result = await saveChannelContentSettings(shop, parsed.data, actor);
    return { ok: true as const, errors: {} as Record<string, string>, recomputing: result.recomputing };
  } catch (error) {
    if (error instanceof ContentNotFound) return data({ ok: false as const, errors: { form: error.message }, recomputing: 0 }, { status: 404 });
    throw error;
  }
};

export const meta: MetaFunction = () => screenTitle("Listing content");
export const ErrorBoundary = screenErrorBoundary({ thing: "product", back: { content: "Listing content", url: "/app/content" } });

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
            {result?.ok ? (
              <Text as="p">Saved: the content of {result.recomputing} listings is being recomputed; what changed is sent to the channel.</Text>
            ) : null}
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
