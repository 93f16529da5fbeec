import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, EmptyState, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useRef } from "react";
import { CsvImportCard } from "~/components/csv-import";
import { formObject } from "~/lib/forms";
import { answerRuleImport, importBufferRules, type ImportProblem } from "~/csv/bulk-csv.server";
import { NotFoundForShop } from "~/lib/errors";
import {
  buffersPage,
  deleteBufferRule,
  previewBufferRule,
  saveBufferRule,
  saveChannelThrottling,
  saveVelocityWindow,
} from "~/routes/app.buffers/buffers.server";
import type { Preview } from "~/rules/preview.server";
import { RulePreview } from "~/components/rule-preview";
import { SCOPE_REFERENCE } from "~/rules/scopes.server";
import { requireShop } from "~/lib/require-shop.server";
import { useFields } from "~/components/use-fields";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  // The labels travel as data: a .server module's values never reach the browser bundle.
  return { ...(await buffersPage(shop)), scopeReference: SCOPE_REFERENCE };
};

export type BuffersActionResult = {
  ok: boolean;
  intent: string;
  errors: Record<string, string>;
  message?: string;
  preview?: Preview;
  /** A refused CSV import's problems, by file line. */
  problems?: ImportProblem[];
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const form = formObject(await request.formData());
  const intent = String(form.intent ?? "");
  const answer = (body: Omit<BuffersActionResult, "intent">, status = 200) => data<BuffersActionResult>({ ...body, intent }, { status });
  try {
    switch (intent) {
      case "channel": {
        const errors = await saveChannelThrottling(shop, form, actor);
        return errors ? answer({ ok: false, errors }, 400) : answer({ ok: true, errors: {}, message: "Channel saved; quantities are being recomputed" });
      }
      case "velocity": {
        const errors = await saveVelocityWindow(shop, form, actor);
        return errors
          ? answer({ ok: false, errors }, 400)
          : answer({ ok: true, errors: {}, message: "Velocity window saved; velocity buffers are being recomputed" });
      }
      case "preview": {
        const outcome = await previewBufferRule(shop, form);
        if (!outcome.ok) return answer({ ok: false, errors: outcome.errors }, 400);
        return answer({ ok: true, errors: {}, preview: { affected: outcome.affected, rows: outcome.rows, note: outcome.note } });
      }
      case "save": {
        const outcome = await saveBufferRule(shop, form, actor);
        if (!outcome.ok) return answer({ ok: false, errors: outcome.errors }, 400);
        return answer({ ok: true, errors: {}, message: "Buffer rule saved; quantities are being recomputed" });
      }
      case "import": {
        const imported = await answerRuleImport(form.file, (csv) => importBufferRules(shop, csv, actor), { one: "rule", many: "rules" });
        return answer(imported.body, imported.status);
      }
      case "delete":
        await deleteBufferRule(shop, String(form.ruleId ?? ""), actor);
        return answer({ ok: true, errors: {}, message: "Buffer rule deleted" });
      default:
        return answer({ ok: false, errors: { form: "Unknown action" } }, 400);
    }
  } catch (error) {
    if (error instanceof NotFoundForShop) return answer({ ok: false, errors: { form: error.message } }, 404);
    throw error;
  }
};

type PageData = Awaited<ReturnType<typeof loader>>;

function ChannelRow({ channel, errors }: { channel: PageData["channels"][number]; errors: Record<string, string> }) {
  const { field } = useFields(
    {
      priority: String(channel.priority),
      riskMultiplier: channel.riskMultiplier === null ? "" : String(channel.riskMultiplier),
      lowStockThreshold: String(channel.lowStockThreshold),
      untrackedQuantity: String(channel.untrackedQuantity),
    },
    errors,
  );
  const busy = useNavigation().state === "submitting";
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="channel" />
        <input type="hidden" name="channelId" value={channel.id} />
        <BlockStack gap="300">
          <Text as="h3" variant="headingSm">
            {channel.name}
          </Text>
          <FormLayout>
            <FormLayout.Group condensed>
              <TextField label="Priority" type="number" helpText="1 gets the last units" {...field("priority")} />
              <TextField
                label="Risk multiplier"
                type="number"
                placeholder={String(channel.defaultRiskMultiplier)}
                helpText={`Blank: the ${channel.kind.toLowerCase()} default ${channel.defaultRiskMultiplier}`}
                {...field("riskMultiplier")}
              />
              <TextField label="Low-stock threshold" type="number" helpText="Below this pool the channel lists 0" {...field("lowStockThreshold")} />
              <TextField label="Untracked quantity" type="number" helpText="Listed for items Shopify does not track" {...field("untrackedQuantity")} />
            </FormLayout.Group>
          </FormLayout>
          <InlineStack align="end">
            <Button submit loading={busy}>
              Save {channel.name}
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Card>
  );
}

function VelocityCard({ velocity, errors }: { velocity: PageData["velocity"]; errors: Record<string, string> }) {
  const { field } = useFields({ velocityWindowDays: String(velocity.windowDays) }, errors);
  const busy = useNavigation().state === "submitting";
  const hour = `${String(velocity.localHour).padStart(2, "0")}:00`;
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="velocity" />
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Sales velocity
          </Text>
          <Text as="p">
            A computed buffer reads the variant&apos;s velocity: {velocity.counts} over the window, recent days weighted more (half-life {velocity.halfLifeDays}{" "}
            days), since every channel sells from the same stock.
          </Text>
          <FormLayout>
            <TextField label="Velocity window (days)" type="number" helpText="From 1 to 365 days" {...field("velocityWindowDays")} />
          </FormLayout>
          <Text as="p" tone="subdued">
            {velocity.lastRun
              ? `Last recomputed on schedule ${velocity.lastRun.at.replace("T", " ")} (${velocity.timeZone}): ${velocity.lastRun.variants} variants sold in the window, ${velocity.lastRun.listings} listings recomputed.`
              : "Not recomputed on schedule yet."}{" "}
            Velocity buffers are recomputed every day at {hour} ({velocity.timeZone}) as sales age, and at once when something sells.
          </Text>
          <InlineStack align="end">
            <Button submit loading={busy}>
              Save velocity window
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Card>
  );
}

const SCOPE_OPTIONS = [
  { label: "Every listing of the channel (default)", value: "channel" },
  { label: "A product tag", value: "tag" },
  { label: "A collection", value: "collection" },
  { label: "A product", value: "product" },
  { label: "A variant", value: "variant" },
  { label: "One listing", value: "listing" },
];

const KIND_OPTIONS = [
  { label: "Fixed units", value: "fixed" },
  { label: "Percent of the pool", value: "percent" },
  { label: "Computed from sales velocity", value: "velocity" },
];

function RuleForm({
  channels,
  scopeReference,
  result,
}: {
  channels: PageData["channels"];
  scopeReference: PageData["scopeReference"];
  result: BuffersActionResult | undefined;
}) {
  const errors = result && (result.intent === "save" || result.intent === "preview") ? result.errors : {};
  const { values, field } = useFields(
    {
      channelId: "",
      scope: "channel",
      scopeRef: "",
      kind: "fixed",
      units: "",
      percent: "",
      leadTimeDays: "",
      safetyStock: "",
      riskMultiplier: "",
      lowStockThreshold: "",
    },
    errors,
  );
  const formRef = useRef<HTMLFormElement>(null);
  const submit = useSubmit();
  const send = (intent: string) => {
    if (!formRef.current) return;
    const body = new FormData(formRef.current);
    body.set("intent", intent);
    submit(body, { method: "post" });
  };
  const scope = values.scope as keyof PageData["scopeReference"] | "channel";
  return (
    <Card>
      <Form
        method="post"
        ref={formRef}
        onSubmit={(event) => {
          event.preventDefault();
          send("save");
        }}
      >
        <FormLayout>
          <Text as="h2" variant="headingMd">
            New buffer rule
          </Text>
          <Text as="p" tone="subdued">
            The most specific rule wins: listing, then variant, then product, tag or collection, then the channel default.
          </Text>
          <Select
            label="Channel"
            options={[{ label: "Every channel", value: "" }, ...channels.map((c) => ({ label: c.name, value: c.id }))]}
            {...field("channelId")}
          />
          <Select label="Applies to" options={SCOPE_OPTIONS} {...field("scope")} />
          {scope !== "channel" ? <TextField label={scopeReference[scope]} {...field("scopeRef")} /> : <input type="hidden" name="scopeRef" value="" />}
          <Select label="Buffer type" options={KIND_OPTIONS} {...field("kind")} />
          {values.kind === "fixed" ? <TextField label="Units held back" type="number" {...field("units")} /> : null}
          {values.kind === "percent" ? <TextField label="Percent of the pool held back" type="number" suffix="%" {...field("percent")} /> : null}
          {values.kind === "velocity" ? (
            <FormLayout.Group condensed>
              <TextField label="Lead time (days)" type="number" {...field("leadTimeDays")} />
              <TextField label="Safety stock (units)" type="number" {...field("safetyStock")} />
              <TextField label="Risk multiplier" type="number" helpText="Blank: the channel's" {...field("riskMultiplier")} />
            </FormLayout.Group>
          ) : null}
          <TextField label="Low-stock threshold (optional)" type="number" helpText="Below this pool these listings get 0" {...field("lowStockThreshold")} />
          {errors.form ? (
            <Text as="p" tone="critical">
              {errors.form}
            </Text>
          ) : null}
          <InlineStack gap="200" align="end">
            <Button onClick={() => send("preview")}>Preview the change</Button>
            <Button submit variant="primary">
              Save rule
            </Button>
          </InlineStack>
        </FormLayout>
      </Form>
    </Card>
  );
}

export const meta: MetaFunction = () => screenTitle("Buffers and throttling");
export const ErrorBoundary = screenErrorBoundary({ thing: "rule", back: { content: "Buffers and throttling", url: "/app/buffers" } });

export default function Buffers() {
  const { channels, rules, scopeReference, velocity } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <Page title="Buffers and throttling" subtitle="Units held back per channel, and who gets the last units when stock runs low.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.message ? <Banner tone="success">{result.message}</Banner> : null}
            {result?.errors.form && result.intent !== "save" && result.intent !== "preview" && result.intent !== "import" ? (
              <Banner tone="critical">{result.errors.form}</Banner>
            ) : null}
            <Text as="h2" variant="headingMd">
              Channel defaults and throttling
            </Text>
            {channels.length === 0 ? (
              <Card>
                <EmptyState heading="No channel connected" image="">
                  <p>Connect a marketplace on the Channels page; its buffers and throttling are set here.</p>
                </EmptyState>
              </Card>
            ) : (
              channels.map((c) => <ChannelRow key={c.id} channel={c} errors={result?.intent === "channel" ? result.errors : {}} />)
            )}
            <VelocityCard velocity={velocity} errors={result?.intent === "velocity" ? result.errors : {}} />
            <Text as="h2" variant="headingMd">
              Buffer rules
            </Text>
            <Card>
              {rules.length === 0 ? (
                <EmptyState heading="No buffer rules yet" image="">
                  <p>Without a rule every unit in the pool is offered. Add a channel default below, then narrower rules for products, tags or variants.</p>
                </EmptyState>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text", "text"]}
                  headings={["Channel", "Applies to", "Buffer", "Low-stock threshold", "Actions"]}
                  rows={rules.map((r) => [
                    r.channelName,
                    r.target,
                    r.kind === "fixed"
                      ? `${r.units} units`
                      : r.kind === "percent"
                        ? `${r.percent}% of the pool`
                        : `velocity × ${r.leadTimeDays} days + ${r.safetyStock}${r.riskMultiplier !== null ? `, × ${r.riskMultiplier}` : ""}`,
                    r.lowStockThreshold === null ? "–" : String(r.lowStockThreshold),
                    <Form method="post" key={r.id}>
                      <input type="hidden" name="intent" value="delete" />
                      <input type="hidden" name="ruleId" value={r.id} />
                      <Button submit tone="critical" variant="plain">
                        Delete
                      </Button>
                    </Form>,
                  ])}
                />
              )}
            </Card>
            {result?.preview ? <RulePreview preview={result.preview} marketplaceFulfilled="ships from the marketplace's warehouse: no buffer applies" /> : null}
            <RuleForm channels={channels} scopeReference={scopeReference} result={result} />
            <CsvImportCard
              title="Bulk edit buffer rules"
              intent="import"
              exportUrl="/app/csv/buffer-rules"
              filename="buffer-rules.csv"
              result={result}
              description={
                <>
                  Export the rules, edit them in a spreadsheet, import the file back. A row with an id changes that rule; a row without one adds a rule; rules
                  left out of the file stay as they are. Channel is a channel&apos;s name or &quot;every channel&quot;; applies_to is channel, tag, collection,
                  product, variant or listing; target is the tag, collection handle, product handle, variant SKU or channel SKU. If any line is wrong, nothing
                  is imported and every problem is listed by line.
                </>
              }
            />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
