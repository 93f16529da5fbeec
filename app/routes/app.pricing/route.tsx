import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
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
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { formObject } from "~/lib/forms";
import { NotFoundForShop } from "~/lib/errors";
import {
  approveHeldPush,
  deleteParityEdge,
  deletePriceRule,
  pricingPage,
  rejectHeldPush,
  ReviewRefused,
  saveParityEdge,
  savePriceRule,
  setVariantMap,
} from "./pricing.server";
import { SCOPE_REFERENCE } from "~/routes/app.buffers/rules.server";
import { requireShop } from "~/lib/require-shop.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  // The labels travel as data: a .server module's values never reach the browser bundle.
  return { ...(await pricingPage(shop)), scopeReference: SCOPE_REFERENCE };
};

export type PricingActionResult = { ok: boolean; intent: string; errors: Record<string, string>; message?: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const form = formObject(await request.formData());
  const intent = String(form.intent ?? "");
  const answer = (errors: Record<string, string> | null, message: string) =>
    errors ? data<PricingActionResult>({ ok: false, intent, errors }, { status: 400 }) : data<PricingActionResult>({ ok: true, intent, errors: {}, message });
  try {
    switch (intent) {
      case "saveRule":
        return answer(await savePriceRule(shop, form, actor), "Price rule saved; prices are being recomputed");
      case "deleteRule":
        await deletePriceRule(shop, String(form.ruleId ?? ""), actor);
        return answer(null, "Price rule deleted");
      case "map":
        return answer(await setVariantMap(shop, form, actor), "MAP saved");
      case "saveEdge":
        return answer(await saveParityEdge(shop, form, actor), "Parity matrix saved");
      case "deleteEdge":
        await deleteParityEdge(shop, String(form.edgeId ?? ""), actor);
        return answer(null, "Parity edge removed");
      case "approve":
        await approveHeldPush(shop, String(form.listingId ?? ""), actor);
        return answer(null, "Approved: the price goes out with the next push");
      case "reject":
        await rejectHeldPush(shop, String(form.listingId ?? ""), actor);
        return answer(null, "Rejected: the live price stays");
      default:
        return data<PricingActionResult>({ ok: false, intent, errors: { form: "Unknown action" } }, { status: 400 });
    }
  } catch (error) {
    if (error instanceof NotFoundForShop) return data<PricingActionResult>({ ok: false, intent, errors: { form: error.message } }, { status: 404 });
    if (error instanceof ReviewRefused) return data<PricingActionResult>({ ok: false, intent, errors: { form: error.message } }, { status: 409 });
    throw error;
  }
};

type PageData = Awaited<ReturnType<typeof loader>>;

const money = (cents: number | null) => (cents === null ? "–" : (cents / 100).toFixed(2));

function useFields(initial: Record<string, string>, errors: Record<string, string>) {
  const [values, setValues] = useState(initial);
  const field = (name: string) => ({
    name,
    value: values[name] ?? "",
    onChange: (v: string) => setValues((prev) => ({ ...prev, [name]: v })),
    autoComplete: "off",
    error: errors[name],
  });
  return { values, field };
}

function useChecks(initial: Record<string, boolean>) {
  const [values, setValues] = useState(initial);
  // value "on" as a plain checkbox posts it: without one, React gives the hydrated input value "",
  // which the action reads as unchecked.
  const check = (name: string, label: string) => ({
    name,
    label,
    value: "on",
    checked: values[name],
    onChange: (v: boolean) => setValues((prev) => ({ ...prev, [name]: v })),
  });
  return check;
}

function DeleteButton({ intent, name, value }: { intent: string; name: string; value: string }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name={name} value={value} />
      <Button submit variant="plain" tone="critical">
        Remove
      </Button>
    </Form>
  );
}

function PriceRuleForm({
  channels,
  scopeReference,
  errors,
}: {
  channels: PageData["channels"];
  scopeReference: PageData["scopeReference"];
  errors: Record<string, string>;
}) {
  const { values, field } = useFields(
    {
      channelId: channels[0]?.id ?? "",
      scope: "channel",
      scopeRef: "",
      differentialPercent: "0",
      differentialAmount: "0",
      rounding: "none",
      feePercent: "0",
      fixedFee: "0",
      shipping: "0",
      minMarginPercent: "0",
    },
    errors,
  );
  const check = useChecks({ mapIsAnchor: false });
  const scope = values.scope as keyof PageData["scopeReference"] | "channel";
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="saveRule" />
        <FormLayout>
          <Text as="h3" variant="headingSm">
            New price rule
          </Text>
          <Text as="p" tone="subdued">
            Channel price = anchor × (1 + differential %) + amount, then rounding; never below MAP.
          </Text>
          <FormLayout.Group condensed>
            <Select label="Channel" options={channels.map((c) => ({ label: c.name, value: c.id }))} {...field("channelId")} />
            <Select
              label="Applies to"
              options={[
                { label: "Every listing of the channel", value: "channel" },
                { label: "A product tag", value: "tag" },
                { label: "A product", value: "product" },
                { label: "A variant", value: "variant" },
                { label: "One listing", value: "listing" },
              ]}
              {...field("scope")}
            />
            {scope !== "channel" ? <TextField label={scopeReference[scope]} {...field("scopeRef")} /> : <input type="hidden" name="scopeRef" value="" />}
          </FormLayout.Group>
          <FormLayout.Group condensed>
            <TextField label="Differential" type="number" suffix="%" {...field("differentialPercent")} />
            <TextField label="Plus amount" type="number" {...field("differentialAmount")} />
            <Select
              label="Rounding"
              options={[
                { label: "None", value: "none" },
                { label: "Up to .99", value: "cents99" },
                { label: "Up to .95", value: "cents95" },
                { label: "Up to a whole amount", value: "whole" },
              ]}
              {...field("rounding")}
            />
          </FormLayout.Group>
          <Checkbox {...check("mapIsAnchor", "Start from MAP instead of the Shopify price")} />
          <FormLayout.Group condensed>
            <TextField label="Channel fee" type="number" suffix="%" {...field("feePercent")} />
            <TextField label="Fixed fee" type="number" {...field("fixedFee")} />
            <TextField label="Shipping cost" type="number" {...field("shipping")} />
            <TextField label="Minimum margin" type="number" suffix="%" {...field("minMarginPercent")} />
          </FormLayout.Group>
          <InlineStack align="end">
            <Button submit variant="primary" disabled={channels.length === 0}>
              Save price rule
            </Button>
          </InlineStack>
        </FormLayout>
      </Form>
    </Card>
  );
}

function MapForm({ errors }: { errors: Record<string, string> }) {
  const { field } = useFields({ sku: "", map: "" }, errors);
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="map" />
      <FormLayout>
        <FormLayout.Group condensed>
          <TextField label="Variant SKU" {...field("sku")} />
          <TextField label="MAP" type="number" helpText="Blank clears it" {...field("map")} />
        </FormLayout.Group>
        <InlineStack align="end">
          <Button submit>Save MAP</Button>
        </InlineStack>
      </FormLayout>
    </Form>
  );
}

function EdgeForm({ channels, errors }: { channels: PageData["channels"]; errors: Record<string, string> }) {
  const options = channels.map((c) => ({ label: c.name, value: c.id }));
  const { field } = useFields(
    { watcherId: channels[0]?.id ?? "", watchedId: channels[1]?.id ?? channels[0]?.id ?? "", tolerancePercent: "0", toleranceAmount: "0" },
    errors,
  );
  const check = useChecks({ includeShipping: true, includeCoupons: true, allowViolations: false });
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="saveEdge" />
      <FormLayout>
        <FormLayout.Group condensed>
          <Select label="Watcher" options={options} {...field("watcherId")} />
          <Select label="Watches" options={options} {...field("watchedId")} />
          <TextField label="Tolerance" type="number" suffix="%" {...field("tolerancePercent")} />
          <TextField label="or amount" type="number" {...field("toleranceAmount")} />
        </FormLayout.Group>
        <InlineStack gap="400">
          <Checkbox {...check("includeShipping", "Count shipping")} />
          <Checkbox {...check("includeCoupons", "Count visible coupons")} />
          <Checkbox {...check("allowViolations", "Allow violations (never hold)")} />
        </InlineStack>
        <InlineStack align="end">
          <Button submit disabled={channels.length < 2}>
            Save edge
          </Button>
        </InlineStack>
      </FormLayout>
    </Form>
  );
}

export default function Pricing() {
  const { channels, rules, edges, mapped, held, violations, scopeReference } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errorsFor = (...intents: string[]) => (result && intents.includes(result.intent) ? result.errors : {});
  return (
    <Page title="Pricing and parity" subtitle="Channel prices from the Shopify price, MAP floors, margin floors, and who watches whose price.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.message ? <Banner tone="success">{result.message}</Banner> : null}
            {result?.errors.form ? <Banner tone="critical">{result.errors.form}</Banner> : null}

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Held pushes
                </Text>
                {held.length === 0 ? (
                  <EmptyState heading="Nothing waiting for review" image="">
                    <p>A price that would break parity on an edge you have not allowed waits here for your decision.</p>
                  </EmptyState>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "numeric", "numeric", "text", "text"]}
                    headings={["Listing", "Channel", "Live", "Held", "Why", ""]}
                    rows={held.map((l) => [
                      `${l.channelSku} · ${l.title}`,
                      l.channelName,
                      money(l.pushedPriceCents),
                      money(l.desiredPriceCents),
                      l.reason ?? "",
                      <InlineStack gap="100" key={l.id}>
                        {(["approve", "reject"] as const).map((intent) => (
                          <Form method="post" key={intent}>
                            <input type="hidden" name="intent" value={intent} />
                            <input type="hidden" name="listingId" value={l.id} />
                            <Button submit variant={intent === "approve" ? "primary" : undefined}>
                              {intent === "approve" ? "Approve" : "Reject"}
                            </Button>
                          </Form>
                        ))}
                      </InlineStack>,
                    ])}
                  />
                )}
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Parity violations live now
                </Text>
                {violations.length === 0 ? (
                  <EmptyState heading="No violations" image="">
                    <p>No watched channel shows a price under its watcher&apos;s by more than the tolerance.</p>
                  </EmptyState>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "text"]}
                    headings={["SKU", "Violation", ""]}
                    rows={violations.map((v) => [
                      v.sku ?? v.variantId,
                      v.text,
                      v.allowed ? (
                        <Badge key={v.variantId}>allowed</Badge>
                      ) : (
                        <Badge tone="critical" key={v.variantId}>
                          violation
                        </Badge>
                      ),
                    ])}
                  />
                )}
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Price rules
                </Text>
                {rules.length === 0 ? (
                  <EmptyState heading="No price rules" image="">
                    <p>Every channel gets the Shopify price until you add a differential.</p>
                  </EmptyState>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "text", "text", "text", "text"]}
                    headings={["Channel", "Applies to", "Differential", "Rounding", "Fees and floor", ""]}
                    rows={rules.map((r) => [
                      r.channelName,
                      r.target,
                      `${r.differentialPercent}% ${r.differentialCents >= 0 ? "+" : "−"} ${money(Math.abs(r.differentialCents))}${r.mapIsAnchor ? " (from MAP)" : ""}`,
                      r.rounding,
                      `fee ${r.feePercent}% + ${money(r.fixedFeeCents)}, shipping ${money(r.shippingCents)}, margin ${r.minMarginPercent}%`,
                      <DeleteButton key={r.id} intent="deleteRule" name="ruleId" value={r.id} />,
                    ])}
                  />
                )}
              </BlockStack>
            </Card>
            {channels.length === 0 ? null : <PriceRuleForm channels={channels} scopeReference={scopeReference} errors={errorsFor("saveRule")} />}

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Parity matrix
                </Text>
                {edges.length === 0 ? (
                  <EmptyState heading="No channel watches another" image="">
                    <p>Amazon and Walmart compare your prices with every other channel; add who watches whom.</p>
                  </EmptyState>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "text", "text", "text"]}
                    headings={["Watcher", "Watches", "Tolerance", "Counts", ""]}
                    rows={edges.map((e) => [
                      e.watcherName,
                      e.watchedName,
                      `${e.tolerancePercent}% or ${money(e.toleranceCents)}${e.allowViolations ? " · violations allowed" : ""}`,
                      [e.includeShipping ? "shipping" : null, e.includeCoupons ? "coupons" : null].filter(Boolean).join(", ") || "price only",
                      <DeleteButton key={e.id} intent="deleteEdge" name="edgeId" value={e.id} />,
                    ])}
                  />
                )}
                <EdgeForm channels={channels} errors={errorsFor("saveEdge")} />
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Minimum advertised prices
                </Text>
                {mapped.length === 0 ? (
                  <EmptyState heading="No MAP set" image="">
                    <p>Set a variant&apos;s MAP by its SKU; no channel then publishes it lower.</p>
                  </EmptyState>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "numeric", "numeric"]}
                    headings={["SKU", "Variant", "Shopify price", "MAP"]}
                    rows={mapped.map((v) => [v.sku ?? "", v.title, money(v.priceCents), money(v.mapCents)])}
                  />
                )}
                <MapForm errors={errorsFor("map")} />
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
