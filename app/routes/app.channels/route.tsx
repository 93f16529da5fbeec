import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  EmptyState,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
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
  DRIFT_REPAIR_CHOICES,
  DriftThresholdInput,
  driftThresholdOf,
  PRICE_DRIFT_CHOICES,
  SUSPENDED_UNITS_CHOICES,
  saveDriftThreshold,
  reconnectChannel,
  removeChannel,
  testChannelConnection,
} from "./channels.server";
import { consentAvailable, ConsentStartInput, consentOutcomeOf, startConsent } from "./consent.server";
import { NotFoundForShop, RequestRefused } from "~/lib/errors";
import { requireShop } from "~/lib/require-shop.server";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";
import { ConfirmedAction, useSubmitting } from "~/components/confirmed-action";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  // Back from a marketplace's consent page (routes/consent.$kind.tsx): how it ended.
  const consentId = new URL(request.url).searchParams.get("consent");
  return {
    consentOutcome: consentId ? await consentOutcomeOf(shop, consentId) : null,
    channels: await listChannels(shop),
    // Which marketplaces this deployment can connect through their consent page (app credentials set).
    marketplaces: MARKETPLACES.map((m) => ({ ...m, consent: consentAvailable(m.kind) })),
    returnsChoices: RETURNS_RESTOCK_CHOICES,
    orderModeChoices: ORDER_MODE_CHOICES,
    driftRepairChoices: DRIFT_REPAIR_CHOICES,
    priceDriftChoices: PRICE_DRIFT_CHOICES,
    suspendedUnitsChoices: SUSPENDED_UNITS_CHOICES,
    driftUnits: await driftThresholdOf(shop),
    appOrigin: process.env.SHOPIFY_APP_URL ?? new URL(request.url).origin,
  };
};

type MarketplaceChoice = (typeof MARKETPLACES)[number] & { consent: boolean };

/**
 * Where a Walmart seller creates the keys Anchorline asks for (Walmart Developer Portal, "Get
 * started as a Marketplace seller": Seller Center → Settings → API Key Management). Walmart grants
 * access that way, not through a consent page.
 */
const WALMART_KEYS_HELP =
  "Create them in Walmart Seller Center: Settings → API Key Management → Add new key (Marketplace API, full access to Items, Inventory, Orders).";

type ActionResult = { ok: boolean; errors: Record<string, string>; message?: string; consentUrl?: string };

/** The credentials.* fields of a form, by their name. */
function credentialsOf(form: FormData): Record<string, string> {
  const credentials: Record<string, string> = {};
  for (const [key, value] of form) if (key.startsWith("credentials.")) credentials[key.slice("credentials.".length)] = String(value);
  return credentials;
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "connect") {
      const parsed = ConnectChannelInput.safeParse({
        kind: form.get("kind"),
        name: form.get("name"),
        accountId: form.get("accountId"),
        region: form.get("region") ?? undefined,
        credentials: credentialsOf(form),
      });
      if (!parsed.success) return data<ActionResult>({ ok: false, errors: fieldErrors(parsed.error) }, { status: 400 });
      const connected = await connectChannel(shop, parsed.data, actor);
      if (!connected.ok) return data<ActionResult>({ ok: false, errors: {}, message: connected.message }, { status: 422 });
      return data<ActionResult>({ ok: true, errors: {}, message: `${parsed.data.name} connected` });
    }
    if (intent === "consent") {
      const parsed = ConsentStartInput.safeParse(Object.fromEntries(form));
      if (!parsed.success) return data<ActionResult>({ ok: false, errors: fieldErrors(parsed.error) }, { status: 400 });
      const { url } = await startConsent(shop, parsed.data);
      return data<ActionResult>({ ok: true, errors: {}, consentUrl: url });
    }
    if (intent === "reconnect") {
      const reconnected = await reconnectChannel(shop, String(form.get("channelId") ?? ""), credentialsOf(form), actor);
      if ("errors" in reconnected) return data<ActionResult>({ ok: false, errors: reconnected.errors }, { status: 400 });
      if (!reconnected.ok) return data<ActionResult>({ ok: false, errors: {}, message: reconnected.message }, { status: 422 });
      return data<ActionResult>({ ok: true, errors: {}, message: "Reconnected: its listings sync again" });
    }
    if (intent === "test") {
      const outcome = await testChannelConnection(shop, String(form.get("channelId") ?? ""));
      return data<ActionResult>({ ok: outcome.ok, errors: {}, message: outcome.ok ? "Connection works" : outcome.message });
    }
    if (intent === "remove") {
      const removed = await removeChannel(shop, String(form.get("channelId") ?? ""), actor);
      if (!removed.ok) return data<ActionResult>({ ok: false, errors: {}, message: removed.message }, { status: 409 });
      return data<ActionResult>({
        ok: true,
        errors: {},
        message: `${removed.name} removed with its ${removed.listings} listing${removed.listings === 1 ? "" : "s"}`,
      });
    }
    if (intent === "driftThreshold") {
      const threshold = DriftThresholdInput.safeParse(Object.fromEntries(form));
      if (!threshold.success) return data<ActionResult>({ ok: false, errors: fieldErrors(threshold.error) }, { status: 400 });
      await saveDriftThreshold(shop, threshold.data.driftUnits, actor);
      return data<ActionResult>({ ok: true, errors: {}, message: "Drift threshold saved" });
    }
    const parsed = ChannelChangeInput.safeParse(Object.fromEntries(form));
    if (!parsed.success) return data<ActionResult>({ ok: false, errors: fieldErrors(parsed.error) }, { status: 400 });
    await changeChannel(shop, parsed.data, actor);
    return data<ActionResult>({
      ok: true,
      errors: {},
      ...(parsed.data.intent === "returns"
        ? { message: "Returns setting saved" }
        : parsed.data.intent === "orders"
          ? { message: "Orders setting saved" }
          : parsed.data.intent === "drift" || parsed.data.intent === "priceDrift"
            ? { message: "Drift setting saved" }
            : parsed.data.intent === "suspendedUnits"
              ? { message: "Suspended listings setting saved" }
              : parsed.data.intent === "disconnect"
                ? { message: "Disconnected: nothing is pushed or imported; its listings are kept for a reconnect" }
                : {}),
    });
  } catch (error) {
    if (error instanceof NotFoundForShop) return data<ActionResult>({ ok: false, errors: { form: error.message } }, { status: 404 });
    if (error instanceof RequestRefused) return data<ActionResult>({ ok: false, errors: {}, message: error.message }, { status: 422 });
    throw error;
  }
};

/** Whether this form's submission (its intent, for its channel) is the one under way. */
function useChannelSubmitting(intent: string, channelId?: string): boolean {
  return useSubmitting(channelId === undefined ? { intent } : { intent, channelId });
}

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
  const saving = useChannelSubmitting(intent, channelId);
  return (
    <Form method="post">
      <input type="hidden" name="channelId" value={channelId} />
      <input type="hidden" name="intent" value={intent} />
      <InlineStack gap="200" blockAlign="end">
        <Select label={label} name={name} options={[...choices]} value={value} onChange={setValue} error={error} disabled={disabled} />
        <Button submit loading={saving} disabled={disabled || value === current}>
          Save
        </Button>
      </InlineStack>
    </Form>
  );
}

/** The shop's drift threshold: how many units a marketplace may show away from the push before it is drift. */
function DriftThresholdForm({ current, error }: { current: number; error?: string }) {
  const [value, setValue] = useState(String(current));
  const saving = useChannelSubmitting("driftThreshold");
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="driftThreshold" />
        <InlineStack gap="200" blockAlign="end">
          <TextField
            label="Drift threshold (units)"
            name="driftUnits"
            type="number"
            value={value}
            onChange={setValue}
            error={error}
            autoComplete="off"
            helpText="A marketplace showing more than this many units away from Anchorline's last push (less what it sold since) raises a drift alert. The playbook's default is 5."
          />
          <Button submit loading={saving} disabled={value === String(current)}>
            Save
          </Button>
        </InlineStack>
      </Form>
    </Card>
  );
}

const STATUS_TONE = { CONNECTED: "success", PAUSED: "attention", FAILING: "critical", DISCONNECTED: undefined } as const;

function ConnectForm({ marketplaces, errors }: { marketplaces: MarketplaceChoice[]; errors: Record<string, string> }) {
  const [kind, setKind] = useState(marketplaces[0].kind);
  const chosen = marketplaces.find((m) => m.kind === kind) ?? marketplaces[0];
  const [values, setValues] = useState<Record<string, string>>({});
  // A seller's private developer app: keys typed here instead of the consent page.
  const [ownKeys, setOwnKeys] = useState(false);
  const throughConsent = chosen.consent && !ownKeys;
  const connecting = useChannelSubmitting(throughConsent ? "consent" : "connect");
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
        <input type="hidden" name="intent" value={throughConsent ? "consent" : "connect"} />
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
          <TextField
            label="Region or marketplace id"
            helpText="Amazon: the marketplace id, e.g. ATVPDKIKX0DER for Amazon.com; eBay: the site, e.g. EBAY_US; TikTok Shop: the shop's region, e.g. GB, when the seller holds shops in several (US when left empty)"
            {...field("region")}
          />
          {throughConsent ? (
            <Text as="p" tone="subdued">
              You sign in to {chosen.label} and allow Anchorline to manage your listings and orders there; {chosen.label} then sends you back here. Anchorline
              never sees your {chosen.label} password.
            </Text>
          ) : (
            <>
              <TextField label="Account id" helpText="Seller id, eBay user, Walmart partner id or TikTok shop id" {...field("accountId")} />
              {chosen.kind === "WALMART" ? (
                <Text as="p" tone="subdued">
                  {WALMART_KEYS_HELP}
                </Text>
              ) : null}
              {chosen.credentialFields.map((f) => (
                <TextField key={f.name} label={f.label} type="password" {...field(`credentials.${f.name}`)} />
              ))}
            </>
          )}
          {chosen.consent ? (
            <Checkbox label={`Use ${chosen.label} developer keys of my own instead of the consent page`} checked={ownKeys} onChange={setOwnKeys} />
          ) : null}
          <Button submit variant="primary" loading={connecting}>
            {throughConsent ? `Continue to ${chosen.label}` : "Connect"}
          </Button>
        </FormLayout>
      </Form>
    </Card>
  );
}

type ChannelRow = ReturnType<typeof useLoaderData<typeof loader>>["channels"][number];

/** A button that posts one intent for one channel, loading while that post is under way. */
function ChannelButton({ channelId, intent, label, tone }: { channelId: string; intent: string; label: string; tone?: "critical" }) {
  const loading = useChannelSubmitting(intent, channelId);
  return (
    <Form method="post">
      <input type="hidden" name="channelId" value={channelId} />
      <input type="hidden" name="intent" value={intent} />
      <Button submit tone={tone} loading={loading}>
        {label}
      </Button>
    </Form>
  );
}

function ConnectedActions({ channel }: { channel: ChannelRow }) {
  return (
    <InlineStack gap="200">
      <ChannelButton channelId={channel.id} intent="test" label="Test connection" />
      {channel.status === "PAUSED" ? (
        <ChannelButton channelId={channel.id} intent="resume" label="Resume" />
      ) : (
        <ChannelButton channelId={channel.id} intent="pause" label="Pause" />
      )}
      <ConfirmedAction fields={{ intent: "disconnect", channelId: channel.id }} label="Disconnect" title={`Disconnect ${channel.name}?`}>
        <BlockStack gap="200">
          <Text as="p">
            Anchorline stops pushing quantities, prices and content to {channel.name} and stops importing its orders. Its stored credentials are erased
            {channel.notificationSubscription ? `, and its order notifications at ${channel.marketplace} are removed` : ""}.
          </Text>
          <Text as="p">
            Its listing links and their history are kept: reconnect the same account later (you will be asked for its credentials again) and sync carries on.
          </Text>
        </BlockStack>
      </ConfirmedAction>
    </InlineStack>
  );
}

function DisconnectedActions({ channel, marketplaces, errors }: { channel: ChannelRow; marketplaces: MarketplaceChoice[]; errors: Record<string, string> }) {
  const marketplace = marketplaces.find((m) => m.kind === channel.kind);
  const reconnecting = useChannelSubmitting("reconnect", channel.id);
  const consenting = useChannelSubmitting("consent");
  const [values, setValues] = useState<Record<string, string>>({});
  return (
    <BlockStack gap="200">
      {marketplace?.consent ? (
        <Form method="post">
          <input type="hidden" name="intent" value="consent" />
          <input type="hidden" name="kind" value={channel.kind} />
          <input type="hidden" name="name" value={channel.name} />
          <input type="hidden" name="region" value={channel.region ?? ""} />
          <InlineStack gap="200" blockAlign="center">
            <Text as="p" tone="subdued">
              Reconnect {channel.accountId} by allowing Anchorline on {marketplace.label} again; its kept listings sync again.
            </Text>
            <Button submit variant="primary" loading={consenting}>
              {`Reconnect through ${marketplace.label}`}
            </Button>
          </InlineStack>
        </Form>
      ) : null}
      <Form method="post" autoComplete="off">
        <input type="hidden" name="channelId" value={channel.id} />
        <input type="hidden" name="intent" value="reconnect" />
        <FormLayout>
          <Text as="p" tone="subdued">
            {marketplace?.consent ? "Or reconnect" : "Reconnect"} {channel.accountId} with its credentials; its kept listings sync again.
          </Text>
          {marketplace?.credentialFields.map((f) => (
            <TextField
              key={f.name}
              label={f.label}
              type="password"
              name={`credentials.${f.name}`}
              autoComplete="off"
              value={values[f.name] ?? ""}
              onChange={(v) => setValues((prev) => ({ ...prev, [f.name]: v }))}
              error={errors[`credentials.${f.name}`]}
            />
          ))}
          <InlineStack gap="200">
            <Button submit variant="primary" loading={reconnecting}>
              Reconnect
            </Button>
            <ConfirmedAction fields={{ intent: "remove", channelId: channel.id }} label="Remove channel" title={`Remove ${channel.name}?`}>
              <Text as="p">
                {channel.name} is removed from Anchorline with its {channel.listings} listing{channel.listings === 1 ? "" : "s"}, their links and history.
                Nothing changes on {marketplace?.label ?? "the marketplace"}. This cannot be undone; you can connect the marketplace again afterwards.
              </Text>
            </ConfirmedAction>
          </InlineStack>
        </FormLayout>
      </Form>
    </BlockStack>
  );
}

export const meta: MetaFunction = () => screenTitle("Channels");
export const ErrorBoundary = screenErrorBoundary({ thing: "channel", back: { content: "Channels", url: "/app/channels" } });

export default function Channels() {
  const {
    channels,
    marketplaces,
    returnsChoices,
    orderModeChoices,
    driftRepairChoices,
    priceDriftChoices,
    suspendedUnitsChoices,
    driftUnits,
    appOrigin,
    consentOutcome,
  } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  // The consent page is the marketplace's: the whole window goes there (out of the admin's frame)
  // and the marketplace sends it back to Anchorline's redirect URL (routes/consent.$kind.tsx).
  const consentUrl = result?.consentUrl;
  useEffect(() => {
    if (consentUrl) window.open(consentUrl, "_top");
  }, [consentUrl]);
  return (
    <Page title="Channels">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {consentOutcome && !result ? <Banner tone={consentOutcome.ok ? "success" : "critical"}>{consentOutcome.message}</Banner> : null}
            {result?.message ? <Banner tone={result.ok ? "success" : "critical"}>{result.message}</Banner> : null}
            {result?.errors.form ? <Banner tone="critical">{result.errors.form}</Banner> : null}
            {channels.length > 0 ? <DriftThresholdForm current={driftUnits} error={result?.errors.driftUnits} /> : null}
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
                      <Button variant="plain" url={`/app/channels/${c.id}/listings`}>
                        {`Listings (${c.listings})`}
                      </Button>
                    </InlineStack>
                    {c.statusReason ? (
                      <Text as="p" tone="subdued">
                        {c.statusReason}
                      </Text>
                    ) : null}
                    {c.liveAt === null && c.status !== "DISCONNECTED" ? (
                      <Banner
                        tone="warning"
                        title="Not live yet — review the first push"
                        action={{ content: "Review the first push", url: `/app/channels/${c.id}/go-live` }}
                      >
                        Nothing is sent to {c.name} until you review what its first push changes and go live.
                      </Banner>
                    ) : null}
                    {c.orderNotifications && c.status !== "DISCONNECTED" ? (
                      <Text as="p" tone="subdued">
                        Orders arrive in seconds when the marketplace notifies Anchorline: point an EventBridge API destination for ORDER_CHANGE
                        {c.kind === "AMAZON"
                          ? " (and LISTINGS_ITEM_MFN_QUANTITY_CHANGE and LISTINGS_ITEM_STATUS_CHANGE, so a listing edited by hand or suppressed is seen at once)"
                          : ""}{" "}
                        at <code>{appOrigin + c.orderNotifications.path}</code> with the header <code>{c.orderNotifications.header}</code> ={" "}
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
                    <ChannelChoiceForm
                      channelId={c.id}
                      intent="drift"
                      name="repairQuantityDrift"
                      label="When the marketplace shows another quantity"
                      current={c.repairQuantityDrift ? "repair" : "alert-only"}
                      choices={driftRepairChoices}
                      disabled={c.status === "DISCONNECTED"}
                      error={result?.errors.repairQuantityDrift}
                    />
                    <ChannelChoiceForm
                      channelId={c.id}
                      intent="priceDrift"
                      name="repairPriceDrift"
                      label="When the marketplace shows another price"
                      current={c.repairPriceDrift ? "repair" : "alert-only"}
                      choices={priceDriftChoices}
                      disabled={c.status === "DISCONNECTED"}
                      error={result?.errors.repairPriceDrift}
                    />
                    <Text as="p" tone="subdued">
                      Off by default: a price set on {c.name} by hand may be on purpose (a sale, a price match), and pushing Anchorline&apos;s price again would
                      undo it. Either way the Alerts screen shows the difference.
                    </Text>
                    <ChannelChoiceForm
                      channelId={c.id}
                      intent="suspendedUnits"
                      name="offerSuspendedUnits"
                      label={`When ${c.name} suspends a listing`}
                      current={c.offerSuspendedUnits ? "offer" : "keep"}
                      choices={suspendedUnitsChoices}
                      disabled={c.status === "DISCONNECTED"}
                      error={result?.errors.offerSuspendedUnits}
                    />
                    <Text as="p" tone="subdued">
                      {c.driftReadProblem ??
                        (c.driftReadAt
                          ? `What ${c.name} shows was last read ${new Date(c.driftReadAt).toLocaleString()}.`
                          : `What ${c.name} shows has not been read yet.`)}
                    </Text>
                    {c.status === "DISCONNECTED" ? (
                      <DisconnectedActions channel={c} marketplaces={marketplaces} errors={result?.errors ?? {}} />
                    ) : (
                      <ConnectedActions channel={c} />
                    )}
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
