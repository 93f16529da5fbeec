import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, DataTable, InlineStack, Layout, List, Modal, Page, Text } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { fieldErrors, formObject } from "~/lib/forms";
import { NotFoundForShop } from "~/lib/errors";
import { requireShop } from "~/lib/require-shop.server";
import { goLive, GoLiveInput, goLivePreview, type PriceChange } from "./go-live.server";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

// The review of a newly connected account's first push, and its go-live. The file name's
// "channels_" keeps this page out of the Channels screen's layout: /app/channels/<id>/go-live is a
// page of its own.

const ChannelParams = z.object({ id: z.string().trim().min(1) });

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const parsed = ChannelParams.safeParse(params);
  if (!parsed.success) throw data("Channel not found", { status: 404 });
  try {
    return await goLivePreview(shop, parsed.data.id);
  } catch (error) {
    // Another shop's channel looks exactly like one that does not exist.
    if (error instanceof NotFoundForShop) throw data("Channel not found", { status: 404 });
    throw error;
  }
};

type ActionResult = { ok: boolean; errors: Record<string, string>; message?: string };

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const channel = ChannelParams.safeParse(params);
  if (!channel.success) return data<ActionResult>({ ok: false, errors: { form: "Channel not found" } }, { status: 404 });
  const parsed = GoLiveInput.safeParse(formObject(await request.formData(), ["overwriteContent"]));
  if (!parsed.success) return data<ActionResult>({ ok: false, errors: fieldErrors(parsed.error) }, { status: 400 });
  try {
    const outcome = await goLive(shop, channel.data.id, parsed.data, actor);
    if (!outcome.ok) return data<ActionResult>({ ok: false, errors: outcome.errors, message: outcome.message }, { status: outcome.status });
    const message = outcome.alreadyLive
      ? `${outcome.name} is live already`
      : `${outcome.name} is live: its first push of ${outcome.listings} listing${outcome.listings === 1 ? "" : "s"} is under way`;
    return data<ActionResult>({ ok: true, errors: {}, message });
  } catch (error) {
    if (error instanceof NotFoundForShop) return data<ActionResult>({ ok: false, errors: { form: error.message } }, { status: 404 });
    throw error;
  }
};

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
/** "1 listing goes", "3 listings go": a count with its noun and verb agreeing. */
const counted = (n: number, noun: string, verb: string, verbOfOne = `${verb}s`) => `${plural(n, noun)} ${n === 1 ? verbOfOne : verb}`;

/** A field's label inside a sentence: "title", "bullet points", but "GTIN (UPC/EAN)" as it is. */
const inSentence = (label: string) => (/^[A-Z][a-z]/.test(label) ? label[0].toLowerCase() + label.slice(1) : label);

function percentText(change: PriceChange): string {
  if (change.percent === null) return "from 0";
  return `${change.percent > 0 ? "+" : ""}${change.percent.toLocaleString("en-US")}%`;
}

function PriceTable({ changes, guardrailPercent }: { changes: PriceChange[]; guardrailPercent: number }) {
  return (
    <DataTable
      columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "text"]}
      headings={["SKU", "Product", "Marketplace shows", "First push", "Change", "Flags"]}
      rows={changes.map((c) => [
        c.channelSku,
        c.title,
        c.before,
        c.after,
        percentText(c),
        <InlineStack key={c.listingId} gap="100">
          {c.beyondGuardrail ? <Badge tone="critical">{`Beyond ±${guardrailPercent}%`}</Badge> : null}
          {c.held ? <Badge tone="attention">Held for review</Badge> : null}
        </InlineStack>,
      ])}
    />
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => screenTitle(data ? `Go live on ${data.channel.name}` : "Go live");
export const ErrorBoundary = screenErrorBoundary({ thing: "channel", back: { content: "Channels", url: "/app/channels" } });

export default function GoLive() {
  const preview = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const [overwrite, setOverwrite] = useState<string[]>(preview.content.filter((f) => f.overwrite).map((f) => f.field));
  const [confirming, setConfirming] = useState(false);
  const going = navigation.state !== "idle" && navigation.formData?.get("intent") === "go-live";
  const { channel, quantities, prices } = preview;
  const live = channel.liveAt !== null;

  const confirm = () => {
    const form = new FormData();
    form.set("intent", "go-live");
    for (const field of overwrite) form.append("overwriteContent", field);
    submit(form, { method: "post" });
    setConfirming(false);
  };

  return (
    <Page title={`Go live on ${channel.name}`} backAction={{ content: "Channels", url: "/app/channels" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.message ? <Banner tone={result.ok ? "success" : "critical"}>{result.message}</Banner> : null}
            {result?.errors.form ? <Banner tone="critical">{result.errors.form}</Banner> : null}
            {result?.errors.overwriteContent ? <Banner tone="critical">{result.errors.overwriteContent}</Banner> : null}
            {live ? (
              <Banner tone="success" title={`Live since ${new Date(channel.liveAt!).toLocaleString("en-US")}`}>
                Anchorline pushes quantities, prices and the content fields you chose to {channel.name}. Change which content fields it sends on the Content
                screen.
              </Banner>
            ) : (
              <Banner tone="warning" title="Not live yet: nothing has been sent">
                Below is what the first push changes on {channel.name}, against what {channel.marketplace} showed when its listings were read. Orders placed
                there are already imported and lower Shopify&apos;s stock.
              </Banner>
            )}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Quantities
                </Text>
                <List>
                  <List.Item>{counted(quantities.change, "listing", "change")} quantity</List.Item>
                  <List.Item>{counted(quantities.goToZero, "listing", "go", "goes")} to 0</List.Item>
                  <List.Item>{counted(quantities.keep, "listing", "keep")} the quantity the marketplace shows</List.Item>
                  {quantities.unknown > 0 ? (
                    <List.Item>
                      {plural(quantities.unknown, "listing")} with a quantity {channel.marketplace} has not shown yet (unknown)
                    </List.Item>
                  ) : null}
                  {quantities.notComputed > 0 ? <List.Item>{plural(quantities.notComputed, "listing")} still being computed</List.Item> : null}
                  {quantities.marketplaceFulfilled > 0 ? (
                    <List.Item>{plural(quantities.marketplaceFulfilled, "listing")} fulfilled by the marketplace: no quantity is sent</List.Item>
                  ) : null}
                </List>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Prices
                </Text>
                <Text as="p">
                  {counted(prices.change, "price", "change")}, {counted(prices.keep, "price", "stay")} the same
                  {prices.unknown > 0 ? `, ${prices.unknown} unknown (not read from ${channel.marketplace})` : ""}.
                  {preview.heldForReview > 0
                    ? ` ${counted(preview.heldForReview, "listing", "hold")} a price for your review: it is not sent until approved.`
                    : ""}
                </Text>
                {prices.largest.length > 0 ? (
                  <>
                    <Text as="h3" variant="headingSm">
                      Largest price changes
                    </Text>
                    <PriceTable changes={prices.largest} guardrailPercent={preview.guardrailPercent} />
                  </>
                ) : null}
                {prices.beyondGuardrailCount > 0 ? (
                  <Banner
                    tone="critical"
                    title={`${counted(prices.beyondGuardrailCount, "price", "move")} more than the ±${preview.guardrailPercent}% price guardrail`}
                  >
                    <List>
                      {prices.beyondGuardrail.map((c) => (
                        <List.Item key={c.listingId}>
                          {c.channelSku}: {c.before} → {c.after} ({percentText(c)})
                        </List.Item>
                      ))}
                    </List>
                  </Banner>
                ) : null}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Content
                </Text>
                {preview.content.length === 0 ? (
                  <Text as="p">Anchorline sends no content to {channel.marketplace}.</Text>
                ) : (
                  <>
                    <Text as="p" tone="subdued">
                      Left unticked, a field keeps what {channel.marketplace} shows now and Anchorline never sends it (turn it on later on the Content screen).
                    </Text>
                    {preview.content.map((f) => (
                      <Checkbox
                        key={f.field}
                        label={`Overwrite ${channel.marketplace}'s ${inSentence(f.label)} on the first push`}
                        checked={overwrite.includes(f.field)}
                        disabled={live}
                        onChange={(on) => setOverwrite((prev) => (on ? [...prev, f.field] : prev.filter((x) => x !== f.field)))}
                      />
                    ))}
                  </>
                )}
              </BlockStack>
            </Card>
            {live ? null : (
              <InlineStack>
                <Button variant="primary" loading={going} disabled={channel.status === "DISCONNECTED"} onClick={() => setConfirming(true)}>
                  Go live
                </Button>
              </InlineStack>
            )}
          </BlockStack>
          <Modal
            open={confirming}
            onClose={() => setConfirming(false)}
            title={`Go live on ${channel.name}?`}
            primaryAction={{ content: "Go live", loading: going, onAction: confirm }}
            secondaryActions={[{ content: "Cancel", onAction: () => setConfirming(false) }]}
          >
            <Modal.Section>
              <BlockStack gap="200">
                <Text as="p">
                  Anchorline starts pushing to {channel.name} now: {plural(quantities.change + quantities.unknown, "quantity", "quantities")} set (
                  {quantities.goToZero} to 0) and {plural(prices.change + prices.unknown, "price")}.
                </Text>
                <Text as="p">
                  {overwrite.length === 0
                    ? `No content is sent: ${channel.marketplace} keeps its own.`
                    : `Content overwritten: ${preview.content
                        .filter((f) => overwrite.includes(f.field))
                        .map((f) => inSentence(f.label))
                        .join(", ")}.`}
                </Text>
              </BlockStack>
            </Modal.Section>
          </Modal>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
