import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, DescriptionList, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";
import { KIND_LABELS } from "~/alerts/message";
import { fieldErrors } from "~/lib/forms";
import { alertForShop, AlertStateChangeInput, changeAlertState } from "~/alerts/screens.server";
import { NotFoundForShop } from "~/lib/errors";
import { requireShop } from "~/lib/require-shop.server";
import { retryWritebackForShop } from "~/sync/orders.server";
import { GroupReviewButtons } from "./app.pricing/held-pushes";
import { z } from "zod";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

// One alert, where the email's and Slack message's button lands (app/alerts/message.ts alertLink).
// The file name's "alerts_" keeps this page out of the list's layout: /app/alerts/<id> is a page of
// its own inside the app, not rendered inside the list.

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  try {
    return { alert: await alertForShop(shop, params.id ?? "") };
  } catch (error) {
    // Another shop's alert looks exactly like one that does not exist.
    if (error instanceof NotFoundForShop) throw data("Alert not found", { status: 404 });
    throw error;
  }
};

type ActionResult = { ok: boolean; errors: Record<string, string>; message?: string };

const RetryWritebackInput = z.object({ orderId: z.string().trim().min(1, "Which order?") });

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const form = await request.formData();
  if (form.get("intent") === "retry-writeback") {
    const retry = RetryWritebackInput.safeParse({ orderId: form.get("orderId") });
    if (!retry.success) return data<ActionResult>({ ok: false, errors: fieldErrors(retry.error) }, { status: 400 });
    try {
      const message = await retryWritebackForShop(shop, retry.data.orderId, actor);
      return data<ActionResult>({ ok: !message.startsWith("Still failing"), errors: {}, message });
    } catch (error) {
      if (error instanceof NotFoundForShop) return data<ActionResult>({ ok: false, errors: { form: error.message } }, { status: 404 });
      throw error;
    }
  }
  const parsed = AlertStateChangeInput.safeParse({ intent: form.get("intent"), alertId: params.id });
  if (!parsed.success) return data<ActionResult>({ ok: false, errors: fieldErrors(parsed.error) }, { status: 400 });
  try {
    const changed = await changeAlertState(shop, parsed.data, actor);
    const done = parsed.data.intent === "acknowledge" ? "acknowledged" : "resolved";
    return data<ActionResult>({ ok: changed, errors: {}, message: changed ? `Alert ${done}` : `The alert was already ${done}` });
  } catch (error) {
    if (error instanceof NotFoundForShop) return data<ActionResult>({ ok: false, errors: { form: error.message } }, { status: 404 });
    throw error;
  }
};

const STATE_TONE = { OPEN: "critical", ACKNOWLEDGED: "attention", RESOLVED: "success" } as const;

/** UTC on the server and in the first browser render (so they match), the merchant's local time after. */
function When({ at }: { at: string }) {
  const [text, setText] = useState(() => new Date(at).toLocaleString("en-US", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" }) + " UTC");
  useEffect(() => setText(new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })), [at]);
  return <time dateTime={at}>{text}</time>;
}

export const meta: MetaFunction<typeof loader> = ({ data }) => screenTitle(data ? KIND_LABELS[data.alert.kind] : "Alert");
export const ErrorBoundary = screenErrorBoundary({ thing: "alert", back: { content: "Alerts", url: "/app/alerts" } });

export default function AlertPage() {
  const { alert } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state === "submitting";
  const act = (intent: "acknowledge" | "resolve") => () => submit({ intent }, { method: "post" });
  const when: { term: string; description: ReactNode }[] = [
    { term: "Raised", description: <When at={alert.createdAt} /> },
    {
      term: "Respond by",
      description: alert.respondBy ? (
        <InlineStack gap="100">
          <When at={alert.respondBy} />
          {alert.overdue ? <Badge tone="critical">overdue</Badge> : null}
        </InlineStack>
      ) : (
        "No deadline: act when you can"
      ),
    },
    ...(alert.channel ? [{ term: "Channel", description: alert.channel }] : []),
    ...(alert.listingSku ? [{ term: "Listing", description: alert.listingSku }] : []),
    ...(alert.acknowledgedAt ? [{ term: "Acknowledged", description: <When at={alert.acknowledgedAt} /> }] : []),
    ...(alert.resolvedAt ? [{ term: "Resolved", description: <When at={alert.resolvedAt} /> }] : []),
  ];
  return (
    <Page
      backAction={{ content: "Alerts", url: "/app/alerts" }}
      title={KIND_LABELS[alert.kind]}
      titleMetadata={<Badge tone={STATE_TONE[alert.state]}>{alert.state.toLowerCase()}</Badge>}
      primaryAction={alert.state === "RESOLVED" ? undefined : { content: "Resolve", onAction: act("resolve"), disabled: busy }}
      secondaryActions={[
        ...(alert.retryOrderId
          ? [
              {
                content: "Retry write-back",
                onAction: () => submit({ intent: "retry-writeback", orderId: alert.retryOrderId! }, { method: "post" }),
                disabled: busy,
              },
            ]
          : []),
        ...(alert.state === "OPEN" ? [{ content: "Acknowledge", onAction: act("acknowledge"), disabled: busy }] : []),
      ]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.message ? <Banner tone={result.ok ? "success" : "warning"}>{result.message}</Banner> : null}
            {result?.errors.form ? <Banner tone="critical">{result.errors.form}</Banner> : null}
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {alert.title}
                </Text>
                <DescriptionList items={when} />
              </BlockStack>
            </Card>
            {alert.heldGroup ? (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Decide for the whole group
                  </Text>
                  <Text as="p">
                    Approve sends every held price of this group to its channel; reject keeps each live price. The result shows on the Pricing screen.
                  </Text>
                  <GroupReviewButtons group={alert.heldGroup.group} held={alert.heldGroup.held} action="/app/pricing" />
                </BlockStack>
              </Card>
            ) : null}
            {alert.playbook ? (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    What to do
                  </Text>
                  <Text as="p">{alert.playbook}</Text>
                </BlockStack>
              </Card>
            ) : null}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Facts
                </Text>
                {alert.facts.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No further facts were recorded.
                  </Text>
                ) : (
                  <DescriptionList items={alert.facts.map((f) => ({ term: f.label, description: f.value }))} />
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
