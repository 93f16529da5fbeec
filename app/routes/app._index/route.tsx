import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, EmptyState, InlineGrid, Layout, Link, Page, ProgressBar, Text } from "@shopify/polaris";
import { duration, LatencyChart, StackedBarChart } from "~/components/charts";
import { shopOverview } from "./overview.server";
import { requireShop } from "~/lib/require-shop.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return shopOverview(shop);
};

type Channel = Awaited<ReturnType<typeof loader>>["channels"][number];

// Colours read by state as the Polaris badges do: success, info, warning, critical.
const STATE_COLORS = { IN_SYNC: "#29845a", PENDING: "#4b8ee6", HELD: "#e8a800", FAILED: "#e51c00" } as const;

const inventoryLink = (channelId: string, state: string) => `/app/inventory?${new URLSearchParams({ channelId, state })}`;

/** A count that links to where it is explained, or a plain 0 (nothing to look at). */
function CountLink({ count, url, label }: { count: number; url: string; label: string }) {
  if (count === 0) return <>0</>;
  return (
    <Link url={url} accessibilityLabel={label} removeUnderline={false}>
      {String(count)}
    </Link>
  );
}

function SyncStates({ channels }: { channels: Channel[] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Listings by sync state
        </Text>
        <StackedBarChart
          title="Listings per channel by sync state"
          bars={channels.map((c) => ({
            label: c.name,
            segments: [
              { label: "In sync", value: c.listings.IN_SYNC, color: STATE_COLORS.IN_SYNC },
              { label: "Pending", value: c.listings.PENDING, color: STATE_COLORS.PENDING },
              { label: "Held", value: c.listings.HELD, color: STATE_COLORS.HELD },
              { label: "Failed", value: c.listings.FAILED, color: STATE_COLORS.FAILED },
            ],
          }))}
        />
        <DataTable
          columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric"]}
          headings={["Channel", "Status", "In sync", "Pending", "Held", "Failed"]}
          rows={channels.map((c) => [
            c.name,
            <Badge key={c.id} tone={c.status === "CONNECTED" ? "success" : "warning"}>
              {c.status.toLowerCase()}
            </Badge>,
            c.listings.IN_SYNC,
            <CountLink key="p" count={c.listings.PENDING} url={inventoryLink(c.id, "PENDING")} label={`${c.listings.PENDING} pending on ${c.name}`} />,
            <CountLink key="h" count={c.listings.HELD} url={inventoryLink(c.id, "HELD")} label={`${c.listings.HELD} held on ${c.name}`} />,
            <CountLink key="f" count={c.listings.FAILED} url={inventoryLink(c.id, "FAILED")} label={`${c.listings.FAILED} failed on ${c.name}`} />,
          ])}
        />
      </BlockStack>
    </Card>
  );
}

function Latency({ channels }: { channels: Channel[] }) {
  const pushed = channels.some((c) => c.latency);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Sync latency, last 24 hours
        </Text>
        <Text as="p" tone="subdued">
          From a change in Shopify (or a rule) to the marketplace confirming the new quantity or price.
        </Text>
        {!pushed ? (
          <Text as="p" tone="subdued">
            Nothing was pushed in the last 24 hours.
          </Text>
        ) : (
          <>
            <LatencyChart
              title="Sync latency per channel, median and 95th percentile, last 24 hours"
              format={duration}
              rows={channels.map((c) => ({ label: c.name, p50: c.latency?.p50 ?? null, p95: c.latency?.p95 ?? null }))}
            />
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric"]}
              headings={["Channel", "Median (p50)", "p95", "Pushes"]}
              rows={channels.map((c) => [c.name, c.latency ? duration(c.latency.p50) : "–", c.latency ? duration(c.latency.p95) : "–", c.latency?.pushes ?? 0])}
            />
          </>
        )}
      </BlockStack>
    </Card>
  );
}

function Problems({ channels, openAlerts }: { channels: Channel[]; openAlerts: Awaited<ReturnType<typeof loader>>["openAlerts"] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Oversells, parity and drift
        </Text>
        <InlineGrid columns={3} gap="300">
          {(
            [
              ["Open oversell alerts", openAlerts.OVERSELL, "/app/alerts?kind=OVERSELL"],
              ["Open parity alerts", openAlerts.PARITY_VIOLATION, "/app/alerts?kind=PARITY_VIOLATION"],
              ["Open drift alerts", openAlerts.DRIFT, "/app/alerts?kind=DRIFT"],
            ] as const
          ).map(([label, count, url]) => (
            <BlockStack key={label} gap="100">
              <Text as="p" tone="subdued">
                {label}
              </Text>
              <Text as="p" variant="headingLg" tone={count > 0 ? "critical" : undefined}>
                <Link url={url} accessibilityLabel={`${count} ${label.toLowerCase()}`}>
                  {String(count)}
                </Link>
              </Text>
            </BlockStack>
          ))}
        </InlineGrid>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "text"]}
          headings={["Channel", "Oversold orders", "Prices held for review", "Drifting listings (units)", "Suspended", "Read back"]}
          rows={channels.map((c) => [
            c.name,
            <CountLink key="o" count={c.oversells} url="/app/alerts?kind=OVERSELL" label={`${c.oversells} oversold orders on ${c.name}`} />,
            <CountLink
              key="p"
              count={c.parityHeld}
              url={inventoryLink(c.id, "HELD")}
              label={`${c.parityHeld} listings held for price review (parity or the price guardrail) on ${c.name}`}
            />,
            c.driftListings === 0 ? (
              "0"
            ) : (
              <Link
                key="d"
                url="/app/alerts?kind=DRIFT"
                accessibilityLabel={`${c.driftListings} drifting listings on ${c.name}`}
              >{`${c.driftListings} (${c.driftUnits})`}</Link>
            ),
            <CountLink
              key="s"
              count={c.suspended}
              url="/app/alerts?kind=LISTING_SUSPENDED"
              label={`${c.suspended} listings suspended by the marketplace on ${c.name}`}
            />,
            c.readBack.problem ??
              (c.readBack.at ? `${c.readBack.listings} read ${new Date(c.readBack.at).toISOString().slice(0, 16).replace("T", " ")} UTC` : "not yet"),
          ])}
        />
      </BlockStack>
    </Card>
  );
}

export default function Overview() {
  const { channels, lastImport, openAlerts } = useLoaderData<typeof loader>();
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
        {channels.length === 0 ? (
          <Layout.Section>
            <Card>
              <EmptyState heading="Connect your first marketplace" action={{ content: "Connect a channel", url: "/app/channels" }} image="">
                <p>Anchorline keeps Amazon, eBay, Walmart and TikTok Shop in step with this store.</p>
              </EmptyState>
            </Card>
          </Layout.Section>
        ) : (
          <Layout.Section>
            <BlockStack gap="400">
              <SyncStates channels={channels} />
              <Latency channels={channels} />
              <Problems channels={channels} openAlerts={openAlerts} />
            </BlockStack>
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}
