import type { AlertKind } from "@prisma/client";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  DataTable,
  EmptyState,
  FormLayout,
  InlineStack,
  Layout,
  Link,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { KIND_LABELS } from "~/alerts/message";
import { fieldErrors, formObject } from "~/lib/forms";
import {
  AlertListQuery,
  AlertRouteForm,
  alertRoutesForShop,
  alertsPage,
  AlertStateChangeInput,
  changeAlertState,
  createAlertRouteForShop,
  deleteAlertRouteForShop,
} from "~/alerts/screens.server";
import { HealthReportForm, healthReportSettingsOfShop, saveHealthReportSettings } from "~/health/settings.server";
import { NotFoundForShop } from "~/lib/errors";
import { requireShop } from "~/lib/require-shop.server";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, shopId } = await requireShop(request);
  const parsed = AlertListQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw data({ errors: fieldErrors(parsed.error) }, { status: 400 });
  const [page, routes, healthReport] = await Promise.all([alertsPage(shop, parsed.data), alertRoutesForShop(shop), healthReportSettingsOfShop(shopId)]);
  return { ...page, routes, healthReport };
};

type Intent = "acknowledge" | "resolve" | "createRoute" | "deleteRoute" | "healthReport";
type ActionResult = { ok: boolean; intent: Intent | null; errors: Record<string, string>; message?: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const form = formObject(await request.formData());
  const intent = String(form.intent ?? "");
  try {
    if (intent === "createRoute") {
      const parsed = AlertRouteForm.safeParse(form);
      if (!parsed.success) return data<ActionResult>({ ok: false, intent, errors: fieldErrors(parsed.error) }, { status: 400 });
      const outcome = await createAlertRouteForShop(shop, parsed.data, actor);
      if (!outcome.ok) return data<ActionResult>({ ok: false, intent, errors: outcome.errors }, { status: 400 });
      return data<ActionResult>({ ok: true, intent, errors: {}, message: "Route added" });
    }
    if (intent === "healthReport") {
      const parsed = HealthReportForm.safeParse(form);
      if (!parsed.success) return data<ActionResult>({ ok: false, intent, errors: fieldErrors(parsed.error) }, { status: 400 });
      await saveHealthReportSettings(shop, parsed.data, actor);
      return data<ActionResult>({ ok: true, intent, errors: {}, message: "Weekly report settings saved" });
    }
    if (intent === "deleteRoute") {
      await deleteAlertRouteForShop(shop, String(form.routeId ?? ""), actor);
      return data<ActionResult>({ ok: true, intent, errors: {}, message: "Route deleted" });
    }
    const parsed = AlertStateChangeInput.safeParse(form);
    if (!parsed.success) return data<ActionResult>({ ok: false, intent: null, errors: fieldErrors(parsed.error) }, { status: 400 });
    const changed = await changeAlertState(shop, parsed.data, actor);
    const done = parsed.data.intent === "acknowledge" ? "acknowledged" : "resolved";
    return data<ActionResult>({ ok: changed, intent: parsed.data.intent, errors: {}, message: changed ? `Alert ${done}` : `The alert was already ${done}` });
  } catch (error) {
    if (error instanceof NotFoundForShop) return data<ActionResult>({ ok: false, intent: null, errors: { form: error.message } }, { status: 404 });
    throw error;
  }
};

const KIND_OPTIONS = Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }));
const STATE_TONE = { OPEN: "critical", ACKNOWLEDGED: "attention", RESOLVED: "success" } as const;

/**
 * A time the server and the browser render the same (UTC), then the merchant's local time once
 * mounted: formatting in the browser's zone during the first render would not match the server's
 * HTML and React would throw the page away and render it again.
 */
function When({ at }: { at: string }) {
  const [text, setText] = useState(() => new Date(at).toLocaleString("en-US", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" }) + " UTC");
  useEffect(() => setText(new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })), [at]);
  return <time dateTime={at}>{text}</time>;
}

type LoaderData = Awaited<ReturnType<typeof loader>>;

function StateButtons({ alert }: { alert: { id: string; state: string } }) {
  const busy = useNavigation().state === "submitting";
  return (
    <InlineStack gap="200" wrap={false}>
      {alert.state === "OPEN" ? (
        <Form method="post">
          <input type="hidden" name="intent" value="acknowledge" />
          <input type="hidden" name="alertId" value={alert.id} />
          <Button submit disabled={busy}>
            Acknowledge
          </Button>
        </Form>
      ) : null}
      <Form method="post">
        <input type="hidden" name="intent" value="resolve" />
        <input type="hidden" name="alertId" value={alert.id} />
        <Button submit disabled={busy}>
          Resolve
        </Button>
      </Form>
    </InlineStack>
  );
}

function AlertList({ alerts, nextCursor }: Pick<LoaderData, "alerts" | "nextCursor">) {
  const [params] = useSearchParams();
  const [kind, setKind] = useState(params.get("kind") ?? "");
  const [state, setState] = useState(params.get("state") ?? "");
  const filtered = Boolean(params.get("kind") || params.get("state"));
  return (
    <BlockStack gap="400">
      <Card>
        <Form method="get">
          <InlineStack gap="200" blockAlign="end">
            <Select label="Kind" name="kind" options={[{ value: "", label: "All kinds" }, ...KIND_OPTIONS]} value={kind} onChange={setKind} />
            <Select
              label="State"
              name="state"
              options={[
                { value: "", label: "Open and acknowledged" },
                { value: "OPEN", label: "Open" },
                { value: "ACKNOWLEDGED", label: "Acknowledged" },
              ]}
              value={state}
              onChange={setState}
            />
            <Button submit>Filter</Button>
          </InlineStack>
        </Form>
      </Card>
      <Card>
        {alerts.length === 0 ? (
          <EmptyState heading={filtered ? "No alerts match" : "No open alerts"} image="">
            <p>
              {filtered
                ? "Nothing open or acknowledged of this kind and state."
                : "Oversells, parity violations, drift and failing channels appear here when they happen."}
            </p>
          </EmptyState>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text", "text"]}
            headings={["Kind", "Alert", "Respond by", "Channel", "State", "Actions"]}
            rows={alerts.map((a) => [
              KIND_LABELS[a.kind],
              <Link key="title" url={`/app/alerts/${a.id}`}>
                {a.title}
              </Link>,
              a.respondBy ? (
                <InlineStack key="respond" gap="100" wrap={false}>
                  <When at={a.respondBy} />
                  {a.overdue ? <Badge tone="critical">overdue</Badge> : null}
                </InlineStack>
              ) : (
                "—"
              ),
              a.channel ?? "—",
              <Badge key="state" tone={STATE_TONE[a.state]}>
                {a.state.toLowerCase()}
              </Badge>,
              <StateButtons key="actions" alert={a} />,
            ])}
          />
        )}
      </Card>
      {nextCursor ? (
        <InlineStack align="end">
          <Button url={`?${new URLSearchParams({ ...Object.fromEntries(params), before: nextCursor })}`}>Older</Button>
        </InlineStack>
      ) : null}
    </BlockStack>
  );
}

function describeRoute(route: LoaderData["routes"][number]): string {
  const parts = [route.kind ? KIND_LABELS[route.kind] : "All kinds"];
  if (route.quietHours) parts.push(`quiet ${route.quietHours.start}–${route.quietHours.end} ${route.timeZone}`);
  if (route.digest) parts.push(`daily digest of minor alerts (${route.timeZone})`);
  return parts.join(" · ");
}

function RouteForm({ errors }: { errors: Record<string, string> }) {
  const [transport, setTransport] = useState<"EMAIL" | "SLACK">("EMAIL");
  const [kind, setKind] = useState<AlertKind | "ALL">("ALL");
  const [target, setTarget] = useState("");
  const [quietStart, setQuietStart] = useState("");
  const [quietEnd, setQuietEnd] = useState("");
  const [timeZone, setTimeZone] = useState("");
  const [digest, setDigest] = useState(false);
  const busy = useNavigation().state === "submitting";
  return (
    <Form method="post" autoComplete="off">
      <input type="hidden" name="intent" value="createRoute" />
      <FormLayout>
        <Text as="h3" variant="headingSm">
          Add a route
        </Text>
        {errors.form ? (
          <Text as="p" tone="critical">
            {errors.form}
          </Text>
        ) : null}
        <FormLayout.Group>
          <Select
            label="Send by"
            name="transport"
            options={[
              { value: "EMAIL", label: "Email" },
              { value: "SLACK", label: "Slack" },
            ]}
            value={transport}
            onChange={(v) => setTransport(v === "SLACK" ? "SLACK" : "EMAIL")}
            error={errors.transport}
          />
          <Select
            label="Alerts"
            name="kind"
            options={[{ value: "ALL", label: "All kinds" }, ...KIND_OPTIONS]}
            value={kind}
            onChange={(v) => setKind(v as AlertKind | "ALL")}
            error={errors.kind}
          />
        </FormLayout.Group>
        <TextField
          label={transport === "SLACK" ? "Slack incoming-webhook URL" : "Email addresses"}
          helpText={transport === "SLACK" ? "https://hooks.slack.com/services/… It is stored encrypted and not shown again." : "Separate several with commas."}
          // A password field so the webhook URL is not left readable on the merchant's screen.
          type={transport === "SLACK" ? "password" : "text"}
          name="target"
          value={target}
          onChange={setTarget}
          autoComplete="off"
          error={errors.target}
        />
        <FormLayout.Group>
          <TextField
            label="Quiet hours from"
            name="quietStart"
            type="time"
            value={quietStart}
            onChange={setQuietStart}
            autoComplete="off"
            error={errors.quietStart}
          />
          <TextField label="Quiet hours until" name="quietEnd" type="time" value={quietEnd} onChange={setQuietEnd} autoComplete="off" error={errors.quietEnd} />
          <TextField
            label="Time zone"
            name="quietTimeZone"
            value={timeZone}
            onChange={setTimeZone}
            placeholder="UTC"
            helpText="e.g. Europe/Berlin"
            autoComplete="off"
            error={errors.quietTimeZone}
          />
        </FormLayout.Group>
        <Text as="p" tone="subdued">
          During quiet hours alerts wait until morning, except oversells and alerts whose respond-by would pass first.
        </Text>
        <Checkbox
          label="Collect drift, latency and promotion-reserve alerts into one message a day"
          name="digest"
          value="on"
          checked={digest}
          onChange={setDigest}
          error={errors.digest}
        />
        <Button submit variant="primary" loading={busy}>
          Add route
        </Button>
      </FormLayout>
    </Form>
  );
}

function Routes({ routes, errors }: { routes: LoaderData["routes"]; errors: Record<string, string> }) {
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Where alerts go
        </Text>
        {routes.length === 0 ? (
          <Text as="p" tone="subdued">
            No routes yet: alerts are listed here but not sent anywhere. Add an email address or a Slack channel below.
          </Text>
        ) : (
          routes.map((route) => (
            <InlineStack key={route.id} gap="200" align="space-between" blockAlign="center">
              <BlockStack gap="100">
                <InlineStack gap="200" blockAlign="center">
                  <Badge>{route.transport === "SLACK" ? "Slack" : "Email"}</Badge>
                  <Text as="span">{route.target}</Text>
                </InlineStack>
                <Text as="span" tone="subdued">
                  {describeRoute(route)}
                </Text>
              </BlockStack>
              <Form method="post">
                <input type="hidden" name="intent" value="deleteRoute" />
                <input type="hidden" name="routeId" value={route.id} />
                <Button submit tone="critical">
                  Delete
                </Button>
              </Form>
            </InlineStack>
          ))
        )}
        {/* Keyed by the routes so the form empties after a route is added, and keeps what was typed when refused. */}
        <RouteForm key={routes.map((r) => r.id).join()} errors={errors} />
      </BlockStack>
    </Card>
  );
}

/** Whether the weekly sync-health report is emailed, and to whom (blank: the email routes' addresses). */
function WeeklyReport({ settings, errors }: { settings: LoaderData["healthReport"]; errors: Record<string, string> }) {
  const [email, setEmail] = useState(settings.email);
  const [recipients, setRecipients] = useState(settings.recipients.join(", "));
  const busy = useNavigation().state === "submitting";
  return (
    <Card>
      <Form method="post" autoComplete="off">
        <input type="hidden" name="intent" value="healthReport" />
        <FormLayout>
          <Text as="h2" variant="headingMd">
            Weekly sync-health report
          </Text>
          <Text as="p" tone="subdued">
            Every Monday morning: last week&apos;s oversells, parity violations, drift, suspensions, latency, pushes and failures, manual interventions and each
            account&apos;s uptime. <Link url="/app/health-report">See it on screen</Link>.
          </Text>
          <Checkbox label="Email the weekly report" name="email" value="on" checked={email} onChange={setEmail} error={errors.email} />
          <TextField
            label="Recipients"
            name="recipients"
            value={recipients}
            onChange={setRecipients}
            helpText="Separate several with commas. Leave blank to send it to the addresses of the email routes above."
            autoComplete="off"
            error={errors.recipients}
          />
          <Button submit loading={busy}>
            Save report settings
          </Button>
        </FormLayout>
      </Form>
    </Card>
  );
}

export const meta: MetaFunction = () => screenTitle("Alerts");
export const ErrorBoundary = screenErrorBoundary({ thing: "alert", back: { content: "Alerts", url: "/app/alerts" } });

export default function Alerts() {
  const { alerts, nextCursor, routes, healthReport } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const routeErrors = result?.intent === "createRoute" ? result.errors : {};
  const reportErrors = result?.intent === "healthReport" ? result.errors : {};
  return (
    <Page title="Alerts" subtitle="Problems that need someone, and where Anchorline sends them.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.message ? <Banner tone={result.ok ? "success" : "warning"}>{result.message}</Banner> : null}
            {result?.intent !== "createRoute" && result?.intent !== "healthReport" && result?.errors.form ? (
              <Banner tone="critical">{result.errors.form}</Banner>
            ) : null}
            <AlertList alerts={alerts} nextCursor={nextCursor} />
            <Routes routes={routes} errors={routeErrors} />
            <WeeklyReport settings={healthReport} errors={reportErrors} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
