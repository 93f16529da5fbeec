import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, EmptyState, InlineStack, Layout, Link, Page, Select, Text } from "@shopify/polaris";
import { useState } from "react";
import { ChannelFilter } from "~/components/channel-filter";
import { NotFoundForShop } from "~/lib/errors";
import { fieldErrors } from "~/lib/forms";
import { requireShop } from "~/lib/require-shop.server";
import { retryWritebackForShop } from "~/sync/orders.server";
import { ORDER_STATE_LABELS, ORDER_STATES } from "./order-state";
import { FilterRefused, ordersPage, OrdersQuery, RetryOrderInput } from "./orders.server";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const parsed = OrdersQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw data({ errors: fieldErrors(parsed.error) }, { status: 400 });
  try {
    return await ordersPage(shop, parsed.data);
  } catch (error) {
    if (error instanceof FilterRefused) throw data({ errors: error.errors }, { status: 400 });
    throw error;
  }
};

export type OrdersActionResult = { ok: boolean; intent: string; errors: Record<string, string>; message?: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const answer = (body: Omit<OrdersActionResult, "intent">, status = 200) => data<OrdersActionResult>({ ...body, intent }, { status });
  if (intent !== "retry") return answer({ ok: false, errors: { intent: "Unknown action" } }, 400);
  const parsed = RetryOrderInput.safeParse({ orderId: form.get("orderId") ?? "" });
  if (!parsed.success) return answer({ ok: false, errors: fieldErrors(parsed.error) }, 400);
  try {
    const message = await retryWritebackForShop(shop, parsed.data.orderId, actor);
    return answer({ ok: !message.startsWith("Still failing"), errors: {}, message });
  } catch (error) {
    if (error instanceof NotFoundForShop) return answer({ ok: false, errors: { form: error.message } }, 404);
    throw error;
  }
};

type PageData = Awaited<ReturnType<typeof loader>>;
type Order = PageData["orders"][number];

/** The same on the server and in the browser, so the first render hydrates unchanged. */
const ordered = (at: string) => new Date(at).toLocaleString("en-US", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" }) + " UTC";

function Filters({ channels }: { channels: PageData["channels"] }) {
  const [params] = useSearchParams();
  const [state, setState] = useState(params.get("state") ?? "");
  return (
    <Card>
      <Form method="get">
        <InlineStack gap="200" blockAlign="end">
          <ChannelFilter channels={channels} />
          <Select
            label="State"
            name="state"
            options={[{ label: "Any", value: "" }, ...ORDER_STATES.map((s) => ({ label: ORDER_STATE_LABELS[s], value: s }))]}
            value={state}
            onChange={setState}
          />
          <Button submit>Filter</Button>
        </InlineStack>
      </Form>
    </Card>
  );
}

function OrderStateCell({ order }: { order: Order }) {
  return (
    <InlineStack gap="100" wrap>
      <Badge tone={order.state.tone}>{order.state.words}</Badge>
      {order.state.marks.map((mark) => (
        <Badge key={mark.words} tone={mark.tone}>
          {mark.words}
        </Badge>
      ))}
    </InlineStack>
  );
}

function RetryButton({ orderId }: { orderId: string }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("orderId") === orderId;
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="retry" />
      <input type="hidden" name="orderId" value={orderId} />
      <Button submit loading={busy}>
        Retry
      </Button>
    </Form>
  );
}

function OrdersTable({ orders }: { orders: Order[] }) {
  const [params] = useSearchParams();
  const filtered = Boolean(params.get("channelId") || params.get("state"));
  if (orders.length === 0) {
    return (
      <Card>
        <EmptyState heading={filtered ? "No order matches" : "No marketplace orders yet"} image="">
          <p>
            {filtered
              ? "Try another channel or state."
              : "Orders placed on your marketplaces appear here once imported, with what Anchorline did on Shopify for each."}
          </p>
        </EmptyState>
      </Card>
    );
  }
  return (
    <Card padding="0">
      <DataTable
        columnContentTypes={["text", "text", "text", "text", "text", "text"]}
        headings={["Ordered", "Channel", "Order", "Items", "In Anchorline", "Actions"]}
        rows={orders.map((o) => [
          ordered(o.orderedAt),
          o.channelName,
          <BlockStack key={`${o.id}-order`} gap="050">
            <Text as="span">{o.externalOrderId}</Text>
            {o.shopifyOrderUrl ? (
              <Link url={o.shopifyOrderUrl} target="_top">
                Shopify order
              </Link>
            ) : null}
          </BlockStack>,
          o.items,
          <OrderStateCell key={`${o.id}-state`} order={o} />,
          o.state.retryable ? <RetryButton key={`${o.id}-retry`} orderId={o.id} /> : "",
        ])}
      />
    </Card>
  );
}

/** Newest (once past the first page) and Older, keeping the filters. */
function Pager({ nextCursor }: { nextCursor: string | null }) {
  const [params] = useSearchParams();
  const pageAfter = (cursor: string) => {
    const next = new URLSearchParams(params);
    if (cursor) next.set("after", cursor);
    else next.delete("after");
    return `?${next}`;
  };
  return (
    <InlineStack align="space-between">
      {params.get("after") ? <Button url={pageAfter("")}>Newest</Button> : <span />}
      {nextCursor ? <Button url={pageAfter(nextCursor)}>Older</Button> : null}
    </InlineStack>
  );
}

export const meta: MetaFunction = () => screenTitle("Orders");
export const ErrorBoundary = screenErrorBoundary({ thing: "order", back: { content: "Orders", url: "/app/orders" } });

export default function Orders() {
  const { channels, orders, nextCursor } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <Page title="Orders" subtitle="Marketplace orders, newest first, and what Anchorline did on Shopify for each.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.message ? <Banner tone={result.ok ? "success" : "warning"}>{result.message}</Banner> : null}
            {result?.errors.form ? <Banner tone="critical">{result.errors.form}</Banner> : null}
            <Filters channels={channels} />
            <OrdersTable orders={orders} />
            <Pager nextCursor={nextCursor} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
