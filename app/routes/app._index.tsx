import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, EmptyState, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { authenticate } from "~/shopify.server";
import { shopOverview } from "~/services/overview.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return shopOverview(session.shop);
};

export default function Overview() {
  const { channels, lastImport } = useLoaderData<typeof loader>();
  return (
    <Page title="Overview">
      <Layout>
        {lastImport && lastImport.state === "RUNNING" ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Importing your catalog
                </Text>
                <ProgressBar progress={lastImport.total ? (100 * lastImport.done) / lastImport.total : 0} />
                <Text as="p" tone="subdued">
                  {lastImport.done} of {lastImport.total ?? "?"} items
                </Text>
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            {channels.length === 0 ? (
              <EmptyState heading="Connect your first marketplace" action={{ content: "Connect a channel", url: "/app/channels" }} image="">
                <p>Anchorline keeps Amazon, eBay, Walmart and TikTok Shop in step with this store.</p>
              </EmptyState>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric"]}
                headings={["Channel", "Status", "In sync", "Pending", "Held", "Failed"]}
                rows={channels.map((c) => [
                  c.name,
                  <Badge key={c.id} tone={c.status === "CONNECTED" ? "success" : "warning"}>
                    {c.status.toLowerCase()}
                  </Badge>,
                  c.listings.IN_SYNC,
                  c.listings.PENDING,
                  c.listings.HELD,
                  c.listings.FAILED,
                ])}
              />
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
