import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  ButtonGroup,
  Button,
  Card,
  DataTable,
  EmptyState,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { z } from "zod";
import { duration, LatencyChart, Sparkbars, StackedBarChart } from "~/components/charts";
import { fieldErrors } from "~/lib/forms";
import { shopOverview } from "./overview.server";
import { TREND_WINDOWS } from "./trend-windows";
import { requireShop } from "~/lib/require-shop.server";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

const OverviewQuery = z.object({
  window: z.enum(["24h", "30d"], { message: "Window must be 24h or 30d" }).default("24h"),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const parsed = OverviewQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw data({ errors: fieldErrors(parsed.error) }, { status: 400 });
  return shopOverview(shop, undefined, new Date(), parsed.data.window);
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

type Trends = Awaited<ReturnType<typeof loader>>["trends"];

const TREND_COLORS = { pushes: "#29845a", failures: "#e51c00", latency: "#1d4f91", oversells: "#e51c00", drift: "#e8a800", suspensions: "#8051ff" } as const;

type TrendChannel = Trends["channels"][number];

/** The charts' columns: what is counted per bucket, its colour, and the window's figure beside it. */
const TREND_COLUMNS: { what: string; color: string; values: (c: TrendChannel) => readonly (number | null)[]; figure: (c: TrendChannel) => string }[] = [
  {
    what: "Pushes",
    color: TREND_COLORS.pushes,
    values: (c) => c.acknowledged.buckets,
    figure: (c) => `${c.acknowledged.total} (${c.rejected.total + c.retried.total})`,
  },
  {
    what: "95th-percentile sync latency",
    color: TREND_COLORS.latency,
    values: (c) => c.latencyP95,
    figure: (c) => (c.latency ? `${duration(c.latency.p50)} / ${duration(c.latency.p95)}` : "–"),
  },
  { what: "Oversold orders", color: TREND_COLORS.oversells, values: (c) => c.oversells.buckets, figure: (c) => String(c.oversells.total) },
  { what: "Drift found", color: TREND_COLORS.drift, values: (c) => c.drifts.buckets, figure: (c) => `${c.drifts.total} (${c.driftUnits.total})` },
  { what: "Listings suspended", color: TREND_COLORS.suspensions, values: (c) => c.suspensions.buckets, figure: (c) => String(c.suspensions.total) },
];

/** A sparkline with its figure beside it. */
function Trend({ title, values, color, figure }: { title: string; values: readonly (number | null)[]; color: string; figure: string }) {
  const peak = Math.max(0, ...values.map((v) => v ?? 0));
  return (
    <InlineStack gap="200" blockAlign="center" wrap={false}>
      <Sparkbars title={title} values={values} color={color} summary={`${figure}; peak ${Number.isInteger(peak) ? peak : peak.toFixed(1)} in one bucket`} />
      <Text as="span">{figure}</Text>
    </InlineStack>
  );
}

function Trends({ trends }: { trends: Trends }) {
  // A client-side navigation: the loader runs again for the window, within the embedded session.
  const [, setSearchParams] = useSearchParams();
  const { label } = TREND_WINDOWS[trends.window];
  const by = trends.window === "24h" ? "hour" : "day";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Sync health, {label}
          </Text>
          <ButtonGroup variant="segmented">
            {(["24h", "30d"] as const).map((w) => (
              <Button key={w} pressed={trends.window === w} onClick={() => setSearchParams({ window: w })}>
                {w === "24h" ? "24 hours" : "30 days"}
              </Button>
            ))}
          </ButtonGroup>
        </InlineStack>
        <Text as="p" tone="subdued">
          One bar per {by}, oldest on the left. Pushes the marketplace acknowledged (failed: refused or tried again), the 95th-percentile time from a change to
          its acknowledgement, oversold orders, drift the read-back found (units in brackets) and listings the marketplace suspended.
        </Text>
        <DataTable
          columnContentTypes={["text", "text", "text", "text", "text", "text"]}
          headings={["Channel", "Pushes (failed)", "Latency p50 / p95", "Oversells", "Drift found (units)", "Suspended"]}
          rows={trends.channels.map((c) => [
            c.name,
            ...TREND_COLUMNS.map((column) => (
              <Trend
                key={column.what}
                title={`${column.what} per ${by} on ${c.name}, ${label}`}
                values={column.values(c)}
                color={column.color}
                figure={column.figure(c)}
              />
            )),
          ])}
        />
        <Link url="/app/health-report">Weekly sync-health report</Link>
      </BlockStack>
    </Card>
  );
}

export const meta: MetaFunction = () => screenTitle("Overview");
export const ErrorBoundary = screenErrorBoundary({ thing: "page", back: { content: "Overview", url: "/app" } });

export default function Overview() {
  const { channels, lastImport, openAlerts, trends } = useLoaderData<typeof loader>();
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
              <Trends trends={trends} />
              <Latency channels={channels} />
              <Problems channels={channels} openAlerts={openAlerts} />
            </BlockStack>
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}
