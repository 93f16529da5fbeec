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
  List,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { formObject } from "~/lib/forms";
import { NotFoundForShop } from "~/lib/errors";
import { createPromotion, endPromotion, launchPromotion, LaunchRefused, promotionsPage, runChecklist } from "./promotions.server";
import { requireShop } from "~/lib/require-shop.server";
import { useFields } from "~/components/use-fields";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";
import { ConfirmedAction, useSubmitting } from "~/components/confirmed-action";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return promotionsPage(shop);
};

export type PromotionsActionResult = {
  ok: boolean;
  intent: string;
  promotionId?: string;
  errors: Record<string, string>;
  message?: string;
  /** How the message shows: a failing checklist is a warning, never a success. */
  tone?: "success" | "warning";
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const form = formObject(await request.formData(), ["channelIds", "autoPauseChannelIds"]);
  const intent = String(form.intent ?? "");
  const promotionId = String(form.promotionId ?? "");
  const ok = (message: string, id = promotionId, tone: "success" | "warning" = "success") =>
    data<PromotionsActionResult>({ ok: true, intent, promotionId: id, errors: {}, message, tone });
  const refused = (errors: Record<string, string>, status: number) => data<PromotionsActionResult>({ ok: false, intent, promotionId, errors }, { status });
  try {
    switch (intent) {
      case "create": {
        const outcome = await createPromotion(shop, form, actor);
        return outcome.ok ? ok("Promotion saved as a draft: run its checklist before launching", outcome.promotionId) : refused(outcome.errors, 400);
      }
      case "checklist": {
        const checklist = await runChecklist(shop, promotionId);
        // A warning (a price the guardrail will hold, a reserve that empties a channel) passes, but not as a plain success.
        const warnings = checklist.items.filter((i) => i.status === "warn").length;
        if (checklist.verdict === "fail") {
          return ok(`Checklist failed: ${checklist.reasons.length} ${checklist.reasons.length === 1 ? "issue" : "issues"}`, promotionId, "warning");
        }
        return warnings === 0
          ? ok("Checklist passed")
          : ok(`Checklist passed with ${warnings} ${warnings === 1 ? "warning" : "warnings"}: each shows its fix`, promotionId, "warning");
      }
      case "launch": {
        const launched = await launchPromotion(shop, form, actor);
        return ok(`${launched.status === "RUNNING" ? "Running" : "Launched; it starts at its window"}. ${launched.reason}`);
      }
      case "end":
        await endPromotion(shop, promotionId, actor);
        return ok("Promotion ended: reserves released, prices and other channels back to their rules");
      default:
        return refused({ form: "Unknown action" }, 400);
    }
  } catch (error) {
    if (error instanceof NotFoundForShop) return refused({ form: error.message }, 404);
    if (error instanceof LaunchRefused) return refused({ [error.field]: error.message }, 409);
    throw error;
  }
};

type PageData = Awaited<ReturnType<typeof loader>>;
type PromotionRow = PageData["promotions"][number];

const STATUS_TONE = { DRAFT: undefined, READY: "info", RUNNING: "success", PAUSED: "attention", ENDED: undefined, CANCELLED: undefined } as const;
const CHECK_TONE = { pass: "success", warn: "warning", fail: "critical" } as const;

/** A checkbox per channel, sent as `name` once per chosen channel, with the field's error under it. */
function ChannelChoice({ label, name, channels, error }: { label: string; name: string; channels: PageData["channels"]; error?: string }) {
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  return (
    <BlockStack gap="100">
      <Text as="p">{label}</Text>
      {channels.map((c) => (
        <Checkbox
          key={c.id}
          label={c.name}
          name={name}
          value={c.id}
          checked={chosen.has(c.id)}
          onChange={(on) => setChosen((prev) => (on ? new Set([...prev, c.id]) : new Set([...prev].filter((id) => id !== c.id))))}
        />
      ))}
      {error ? (
        <Text as="p" tone="critical">
          {error}
        </Text>
      ) : null}
    </BlockStack>
  );
}

function CreateForm({ channels, errors }: { channels: PageData["channels"]; errors: Record<string, string> }) {
  const { values, field } = useFields(
    {
      name: "",
      startsAt: "",
      endsAt: "",
      skus: "",
      discountKind: "percent",
      discountValue: "",
      uplift: "2",
      reserveUnits: "0",
      autoPauseMode: "none",
      autoPauseUnits: "",
    },
    errors,
  );
  const [exclusive, setExclusive] = useState(true);
  const saving = useSubmitting({ intent: "create" });
  const percent = values.discountKind === "percent" || values.discountKind === "couponPercent";
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="create" />
        <FormLayout>
          <Text as="h2" variant="headingMd">
            New promotion
          </Text>
          <TextField label="Name" {...field("name")} />
          <FormLayout.Group condensed>
            <TextField label="Starts (UTC)" type="datetime-local" {...field("startsAt")} />
            <TextField label="Ends (UTC)" type="datetime-local" {...field("endsAt")} />
          </FormLayout.Group>
          <ChannelChoice label="Channels" name="channelIds" channels={channels} error={errors.channelIds} />
          <TextField label="Variant SKUs" multiline={2} helpText="Separated by commas or new lines" {...field("skus")} />
          <FormLayout.Group condensed>
            <Select
              label="Discount"
              options={[
                { label: "Percent off the list price", value: "percent" },
                { label: "Amount off the list price", value: "amount" },
                { label: "Fixed promotional price", value: "fixedPrice" },
                { label: "Coupon, percent", value: "couponPercent" },
                { label: "Coupon, amount", value: "couponAmount" },
              ]}
              {...field("discountKind")}
            />
            <TextField label={percent ? "Discount (%)" : "Discount (amount)"} type="number" {...field("discountValue")} />
            <TextField label="Expected demand uplift (×)" type="number" {...field("uplift")} />
          </FormLayout.Group>
          <TextField label="Units reserved for the promotion" type="number" {...field("reserveUnits")} />
          <Checkbox label="Withhold the reserve from other channels" name="exclusiveReserve" value="on" checked={exclusive} onChange={setExclusive} />
          <FormLayout.Group condensed>
            <Select
              label="Other channels while it runs"
              options={[
                { label: "Leave them as they are", value: "none" },
                { label: "Pause them (list 0)", value: "pause" },
                { label: "Throttle them (list at most…)", value: "throttle" },
              ]}
              {...field("autoPauseMode")}
            />
            <TextField label="At most (units)" type="number" disabled={values.autoPauseMode !== "throttle"} {...field("autoPauseUnits")} />
          </FormLayout.Group>
          {values.autoPauseMode !== "none" ? (
            <ChannelChoice
              label="Only these channels (none chosen: every channel not in the promotion)"
              name="autoPauseChannelIds"
              channels={channels}
              error={errors.autoPauseChannelIds}
            />
          ) : null}
          <InlineStack align="end">
            <Button submit variant="primary" loading={saving} disabled={channels.length === 0}>
              Save draft
            </Button>
          </InlineStack>
        </FormLayout>
      </Form>
    </Card>
  );
}

function ChecklistButton({ promotion }: { promotion: PromotionRow }) {
  const checking = useSubmitting({ intent: "checklist", promotionId: promotion.id });
  return (
    <Button submit loading={checking}>
      {promotion.checklist ? "Run the checklist again" : "Run the checklist"}
    </Button>
  );
}

function LaunchForm({ promotion, errors }: { promotion: PromotionRow; errors: Record<string, string> }) {
  const [override, setOverride] = useState(false);
  const [reason, setReason] = useState("");
  const launching = useSubmitting({ intent: "launch", promotionId: promotion.id });
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="launch" />
      <input type="hidden" name="promotionId" value={promotion.id} />
      <BlockStack gap="200">
        {promotion.checklist?.verdict === "fail" ? (
          <>
            <Checkbox label="Launch despite the failing checklist" name="override" value="on" checked={override} onChange={setOverride} />
            {override ? (
              <TextField label="Why" name="overrideReason" value={reason} onChange={setReason} autoComplete="off" error={errors.overrideReason} />
            ) : null}
          </>
        ) : null}
        <InlineStack>
          <Button submit variant="primary" loading={launching} disabled={!promotion.checklist || (promotion.checklist.verdict === "fail" && !override)}>
            Launch
          </Button>
        </InlineStack>
      </BlockStack>
    </Form>
  );
}

function PromotionCard({ promotion, result }: { promotion: PromotionRow; result: PromotionsActionResult | undefined }) {
  const mine = result?.promotionId === promotion.id ? result : undefined;
  const live = promotion.status === "READY" || promotion.status === "RUNNING" || promotion.status === "PAUSED";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {promotion.name}
          </Text>
          <Badge tone={STATUS_TONE[promotion.status]}>{promotion.status.toLowerCase()}</Badge>
        </InlineStack>
        <Text as="p" tone="subdued">
          {promotion.startsAt.slice(0, 16).replace("T", " ")} → {promotion.endsAt.slice(0, 16).replace("T", " ")} UTC · {promotion.discount} · reserve{" "}
          {promotion.reserveUnits} · on {promotion.channels.join(", ") || "no channel"} · {promotion.variants.join(", ")}
        </Text>
        {promotion.autoPause ? <Text as="p">{promotion.autoPause}</Text> : null}
        {mine?.message ? <Banner tone={mine.tone ?? "success"}>{mine.message}</Banner> : null}
        {mine?.errors.form ? <Banner tone="critical">{mine.errors.form}</Banner> : null}
        {mine?.errors.endsAt ? <Banner tone="critical">{mine.errors.endsAt}</Banner> : null}
        {promotion.checklist ? (
          <BlockStack gap="100">
            <InlineStack gap="200">
              <Text as="p" fontWeight="semibold">
                Pre-launch checklist
              </Text>
              <Badge tone={promotion.checklist.verdict === "pass" ? "success" : "critical"}>{promotion.checklist.verdict}</Badge>
            </InlineStack>
            {promotion.checklist.items.length === 0 ? (
              <Text as="p" tone="subdued">
                Nothing to check: no listing of these variants yet.
              </Text>
            ) : null}
            {promotion.checklist.problems.length > 0 ? (
              <Banner
                tone={promotion.checklist.verdict === "fail" ? "critical" : "warning"}
                title={
                  promotion.checklist.verdict === "fail"
                    ? `The checklist failed: ${promotion.checklist.problems.filter((p) => p.status === "fail").length} to fix before launch`
                    : "The checklist passed with warnings"
                }
              >
                <List>
                  {promotion.checklist.problems.map((item, i) => (
                    <List.Item key={i}>
                      <Badge tone={CHECK_TONE[item.status]}>{item.status}</Badge> {item.text}
                      {item.fix ? ` — Fix: ${item.fix}` : ""}
                    </List.Item>
                  ))}
                </List>
              </Banner>
            ) : null}
            {promotion.checklist.items.some((i) => i.status === "pass") ? (
              <List>
                {promotion.checklist.items
                  .filter((item) => item.status === "pass")
                  .map((item, i) => (
                    <List.Item key={i}>
                      <Badge tone={CHECK_TONE[item.status]}>{item.status}</Badge> {item.text}
                    </List.Item>
                  ))}
              </List>
            ) : null}
            {promotion.checklist.override ? (
              <Text as="p" tone="caution">
                Overridden by {promotion.checklist.override.by}: {promotion.checklist.override.reason}
              </Text>
            ) : null}
          </BlockStack>
        ) : null}
        {promotion.results ? (
          <BlockStack gap="100">
            <Text as="p">
              Sold {promotion.results.unitsSold} units
              {promotion.results.projectedUnits !== null ? ` against ${promotion.results.projectedUnits} projected` : ""}.
            </Text>
            {promotion.results.channels.length > 0 ? (
              <List>
                {promotion.results.channels.map((c) => (
                  <List.Item key={c.channelId}>
                    {c.channelName}: sold {c.soldUnits}
                    {c.projectedUnits !== null ? ` against ${c.projectedUnits} projected` : ""}
                  </List.Item>
                ))}
              </List>
            ) : null}
          </BlockStack>
        ) : null}
        <InlineStack gap="200" blockAlign="start">
          {promotion.status === "DRAFT" ? (
            <>
              <Form method="post">
                <input type="hidden" name="intent" value="checklist" />
                <input type="hidden" name="promotionId" value={promotion.id} />
                <ChecklistButton promotion={promotion} />
              </Form>
              <LaunchForm promotion={promotion} errors={mine?.errors ?? {}} />
            </>
          ) : null}
          {promotion.status === "DRAFT" ? (
            <ConfirmedAction
              fields={{ intent: "end", promotionId: promotion.id }}
              label="Cancel promotion"
              dismissLabel="Keep it"
              title={`Cancel ${promotion.name}?`}
            >
              <Text as="p">The draft is cancelled and cannot be launched; nothing was sent to any channel, so no price or quantity changes.</Text>
            </ConfirmedAction>
          ) : live ? (
            <ConfirmedAction
              fields={{ intent: "end", promotionId: promotion.id }}
              label="End now"
              dismissLabel="Keep it running"
              title={`End ${promotion.name} now?`}
            >
              <Text as="p">
                Its prices go back to the regular price rules, the stock it reserved is offered to every channel again, and channels it paused list again.
              </Text>
            </ConfirmedAction>
          ) : null}
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

export const meta: MetaFunction = () => screenTitle("Promotions");
export const ErrorBoundary = screenErrorBoundary({ thing: "promotion", back: { content: "Promotions", url: "/app/promotions" } });

export default function Promotions() {
  const { channels, promotions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <Page title="Promotions" subtitle="Reserve stock, check parity and demand before launch, and restore prices after.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {/* An answer about a promotion shows on its card; here only when that card is not shown. */}
            {result && !promotions.some((p) => p.id === result.promotionId) ? (
              <>
                {result.intent === "create" && result.ok ? <Banner tone="success">{result.message}</Banner> : null}
                {result.errors.form ? <Banner tone="critical">{result.errors.form}</Banner> : null}
              </>
            ) : null}
            {promotions.length === 0 ? (
              <Card>
                <EmptyState heading="No promotions yet" image="">
                  <p>Plan one below: Anchorline checks demand, reserves and parity before it goes live.</p>
                </EmptyState>
              </Card>
            ) : (
              promotions.map((p) => <PromotionCard key={p.id} promotion={p} result={result} />)
            )}
            <CreateForm channels={channels} errors={result?.intent === "create" ? result.errors : {}} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
