import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, EmptyState, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { fieldErrors } from "~/lib/forms";
import {
  changeChannel,
  ChannelChangeInput,
  connectChannel,
  ConnectChannelInput,
  listChannels,
  MARKETPLACES,
  ORDER_MODE_CHOICES,
  RETURNS_RESTOCK_CHOICES,
  testChannelConnection,
} from "./channels.server";
import { NotFoundForShop } from "~/lib/errors";
import { requireShop } from "~/lib/require-shop.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return {
    channels: await listChannels(shop),
    marketplaces: MARKETPLACES,
    returnsChoices: RETURNS_RESTOCK_CHOICES,
    orderModeChoices: ORDER_MODE_CHOICES,
    appOrigin: process.env.SHOPIFY_APP_URL ?? new URL(request.url).origin,
  };
};

type ActionResult = { ok: boolean; errors: Record<string, string>; message?: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "connect") {
      const credentials: Record<string, string> = {};
      for (const [key, value] of form) if (key.startsWith("credentials.")) credentials[key.slice("credentials.".length)] = String(value);
      const parsed = ConnectChannelInput.safeParse({
        kind: form.get("kind"),
        name: form.get("name"),
        accountId: form.get("accountId"),
        region: form.get("region") ?? undefined,
        credentials,
      });
      if (!parsed.success) return data<ActionResult>({ ok: false, errors: fieldErrors(parsed.error) }, { status: 400 });
      await connectChannel(shop, parsed.data, actor);
      return data<ActionResult>({ ok: true, errors: {}, message: `${parsed.data.name} connected` });
    }
    if (intent === "test") {
      const outcome = await testChannelConnection(shop, String(form.get("channelId") ?? ""));
      return data<ActionResult>({ ok: outcome.ok, errors: {}, message: outcome.ok ? "Connection works" : `Connection failed: ${outcome.message}` });
    }
    const parsed = ChannelChangeInput.safeParse(Object.fromEntries(form));
    if (!parsed.success) return data<ActionResult>({ ok: false, errors: fieldErrors(parsed.error) }, { status: 400 });
    await changeChannel(shop, parsed.data, actor);
    return data<ActionResult>({
      ok: true,
      errors: {},
      ...(parsed.data.intent === "returns" ? { message: "Returns setting saved" } : parsed.data.intent === "orders" ? { message: "Orders setting saved" } : {}),
    });
  } catch (error) {
    if (error instanceof NotFoundForShop) return data<ActionResult>({ ok: false, errors: { form: error.message } }, { status: 404 });
    throw error;
  }
};

/** One choice of a channel's order settings, saved on its own. */
function ChannelChoiceForm({
  channelId,
  intent,
  name,
  label,
  current,
  choices,
  disabled,
  error,
}: {
  channelId: string;
  intent: string;
  name: string;
  label: string;
  current: string;
  choices: readonly { value: string; label: string }[];
  disabled: boolean;
  error?: string;
}) {
  const [value, setValue] = useState(current);
  return (
    <Form method="post">
      <input type="hidden" name="channelId" value={channelId} />
      <input type="hidden" name="intent" value={intent} />
      <InlineStack gap="200" blockAlign="end">
        <Select label={label} name={name} options={[...choices]} value={value} onChange={setValue} error={error} disabled={disabled} />
        <Button submit disabled={disabled || value === current}>
          Save
        </Button>
      </InlineStack>
    </Form>
  );
}

const STATUS_TONE = { CONNECTED: "success", PAUSED: "attention", FAILING: "critical", DISCONNECTED: undefined } as const;

function ConnectForm({ marketplaces, errors }: { marketplaces: typeof MARKETPLACES; errors: Record<string, string> }) {
  const [kind, setKind] = useState(marketplaces[0].kind);
  const chosen = marketplaces.find((m) => m.kind === kind) ?? marketplaces[0];
  const [values, setValues] = useState<Record<string, string>>({});
  const field = (name: string) => ({
    value: values[name] ?? "",
    onChange: (v: string) => setValues((prev) => ({ ...prev, [name]: v })),
    name,
    autoComplete: "off",
    error: errors[name],
  });
  return (
    <Card>
      <Form method="post" autoComplete="off">
        <input type="hidden" name="intent" value="connect" />
        <FormLayout>
          <Text as="h2" variant="headingMd">
            Connect a marketplace account
          </Text>
          <Select
            label="Marketplace"
            name="kind"
            options={marketplaces.map((m) => ({ label: m.label, value: m.kind }))}
            value={kind}
            onChange={(v) => setKind(v as typeof kind)}
            error={errors.kind}
          />
          <TextField label="Name" helpText="How this account appears in Anchorline, e.g. Amazon US" {...field("name")} />
          <TextField label="Account id" helpText="Seller id, eBay user, Walmart partner id or TikTok shop id" {...field("accountId")} />
          <TextField label="Region or marketplace id" {...field("region")} />
          {chosen.credentialFields.map((f) => (
            <TextField key={f.name} label={f.label} type="password" {...field(`credentials.${f.name}`)} />
          ))}
          <Button submit variant="primary">
            Connect
          </Button>
        </FormLayout>
      </Form>
    </Card>
  );
}

export default function Channels() {
  const { channels, marketplaces, returnsChoices, orderModeChoices, appOrigin } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <Page title="Channels">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.message ? <Banner tone={result.ok ? "success" : "critical"}>{result.message}</Banner> : null}
            {result?.errors.form ? <Banner tone="critical">{result.errors.form}</Banner> : null}
            {channels.length === 0 ? (
              <Card>
                <EmptyState heading="No marketplace connected yet" image="">
                  <p>Connect Amazon, eBay, Walmart or TikTok Shop below; Anchorline starts pushing quantities once listings are matched.</p>
                </EmptyState>
              </Card>
            ) : (
              channels.map((c) => (
                <Card key={c.id}>
                  <BlockStack gap="200">
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="h3" variant="headingSm">
                        {c.name}
                      </Text>
                      <Badge tone={STATUS_TONE[c.status]}>{c.status.toLowerCase()}</Badge>
                      <Text as="span" tone="subdued">
                        {c.kind.toLowerCase()} · {c.accountId} · priority {c.priority}
                      </Text>
                    </InlineStack>
                    {c.statusReason ? (
                      <Text as="p" tone="subdued">
                        {c.statusReason}
                      </Text>
                    ) : null}
                    {c.orderNotifications && c.status !== "DISCONNECTED" ? (
                      <Text as="p" tone="subdued">
                        Orders arrive in seconds when the marketplace notifies Anchorline: point an EventBridge API destination for ORDER_CHANGE at{" "}
                        <code>{appOrigin + c.orderNotifications.path}</code> with the header <code>{c.orderNotifications.header}</code> ={" "}
                        <code>{c.orderNotifications.key}</code>. Without it, orders are polled.
                      </Text>
                    ) : null}
                    <ChannelChoiceForm
                      channelId={c.id}
                      intent="orders"
                      name="ordersInShopify"
                      label="Marketplace orders"
                      current={c.ordersInShopify ? "orders-in-shopify" : "stock-only"}
                      choices={orderModeChoices}
                      disabled={c.status === "DISCONNECTED"}
                      error={result?.errors.ordersInShopify}
                    />
                    <ChannelChoiceForm
                      channelId={c.id}
                      intent="returns"
                      name="returnsRestock"
                      label="Restock returned units"
                      current={c.returnsRestock}
                      choices={returnsChoices}
                      disabled={c.status === "DISCONNECTED"}
                      error={result?.errors.returnsRestock}
                    />
                    {c.returnsNote ? (
                      <Text as="p" tone="subdued">
                        {c.returnsNote}
                      </Text>
                    ) : null}
                    <InlineStack gap="200">
                      {(["test", c.status === "PAUSED" ? "resume" : "pause", "disconnect"] as const).map((intent) => (
                        <Form method="post" key={intent}>
                          <input type="hidden" name="channelId" value={c.id} />
                          <input type="hidden" name="intent" value={intent} />
                          <Button submit tone={intent === "disconnect" ? "critical" : undefined} disabled={c.status === "DISCONNECTED"}>
                            {intent === "test" ? "Test connection" : intent[0].toUpperCase() + intent.slice(1)}
                          </Button>
                        </Form>
                      ))}
                    </InlineStack>
                  </BlockStack>
                </Card>
              ))
            )}
            <ConnectForm marketplaces={marketplaces} errors={result?.errors ?? {}} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
