import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, EmptyState, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { CsvImportCard } from "~/components/csv-import";
import { RulePreview } from "~/components/rule-preview";
import { useFields } from "~/components/use-fields";
import { importArtificialCounts } from "~/csv/artificial-counts.server";
import { answerRuleImport, type ImportProblem } from "~/csv/bulk-csv.server";
import { NotFoundForShop } from "~/lib/errors";
import { formObject } from "~/lib/forms";
import { requireShop } from "~/lib/require-shop.server";
import type { Preview } from "~/rules/preview.server";
import { SCOPE_REFERENCE } from "~/rules/scopes.server";
import { artificialCountsPage, deleteArtificialCount, previewArtificialCount, saveArtificialCount } from "./artificial-counts.server";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  // The labels travel as data: a .server module's values never reach the browser bundle.
  return { ...(await artificialCountsPage(shop)), scopeReference: SCOPE_REFERENCE };
};

export type ArtificialCountsActionResult = {
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
  const answer = (body: Omit<ArtificialCountsActionResult, "intent">, status = 200) => data<ArtificialCountsActionResult>({ ...body, intent }, { status });
  try {
    switch (intent) {
      case "preview": {
        const outcome = await previewArtificialCount(shop, form);
        if (!outcome.ok) return answer({ ok: false, errors: outcome.errors }, 400);
        return answer({ ok: true, errors: {}, preview: { affected: outcome.affected, rows: outcome.rows, note: outcome.note } });
      }
      case "save": {
        const outcome = await saveArtificialCount(shop, form, actor);
        if (!outcome.ok) return answer({ ok: false, errors: outcome.errors }, 400);
        return answer({ ok: true, errors: {}, message: "Artificial count saved; quantities are being recomputed" });
      }
      case "import": {
        const imported = await answerRuleImport(form.file, (csv) => importArtificialCounts(shop, csv, actor), { one: "count", many: "counts" });
        return answer(imported.body, imported.status);
      }
      case "delete":
        await deleteArtificialCount(shop, String(form.ruleId ?? ""), actor);
        return answer({ ok: true, errors: {}, message: "Artificial count deleted; quantities are being recomputed" });
      default:
        return answer({ ok: false, errors: { form: "Unknown action" } }, 400);
    }
  } catch (error) {
    if (error instanceof NotFoundForShop) return answer({ ok: false, errors: { form: error.message } }, 404);
    throw error;
  }
};

type PageData = Awaited<ReturnType<typeof loader>>;
type Rule = PageData["rules"][number];

const SCOPE_OPTIONS = [
  { label: "Every listing of the channel", value: "channel" },
  { label: "A product tag", value: "tag" },
  { label: "A collection", value: "collection" },
  { label: "A product", value: "product" },
  { label: "A variant", value: "variant" },
  { label: "One listing", value: "listing" },
];

const KIND_OPTIONS = [
  { label: "Cap: list at most a number", value: "cap" },
  { label: "Share of the pool", value: "pool_share" },
  { label: "Fixed number (replaces the computed figure)", value: "fixed" },
  { label: "Share of one vendor's quantity", value: "vendor_share" },
];

function CountForm({
  page,
  editing,
  result,
  onDone,
}: {
  page: PageData;
  editing: Rule | null;
  result: ArtificialCountsActionResult | undefined;
  onDone: () => void;
}) {
  const errors = result && (result.intent === "save" || result.intent === "preview") ? result.errors : {};
  const { values, field } = useFields(
    {
      ruleId: editing?.id ?? "",
      channelId: editing?.channelId ?? page.channels[0]?.id ?? "",
      scope: editing?.scope ?? "channel",
      scopeRef: editing?.scopeRef ?? "",
      kind: editing?.kind ?? "cap",
      units: editing?.units === null || editing?.units === undefined ? "" : String(editing.units),
      percent: editing?.percent === null || editing?.percent === undefined ? "" : String(editing.percent),
      locationId: editing?.locationId ?? "",
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
  const locationOptions = [
    { label: "Choose a location", value: "" },
    ...page.locations.map((l) => ({ label: l.isDropShip ? `${l.name} (vendor)` : l.name, value: l.id })),
  ];
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
        <input type="hidden" name="ruleId" value={values.ruleId} />
        <FormLayout>
          <Text as="h2" variant="headingMd">
            {editing ? `Change the count for ${editing.channelName}, ${editing.target}` : "New artificial count"}
          </Text>
          <Text as="p" tone="subdued">
            The most specific count wins: listing, then variant, then product, tag or collection, then the whole channel. Caps and shares only ever lower what
            the channel would list; a fixed number replaces it but never offers units reserved for a promotion.
          </Text>
          <Select label="Channel" options={page.channels.map((c) => ({ label: c.name, value: c.id }))} {...field("channelId")} />
          <Select label="Applies to" options={SCOPE_OPTIONS} {...field("scope")} />
          {scope !== "channel" ? <TextField label={page.scopeReference[scope]} {...field("scopeRef")} /> : <input type="hidden" name="scopeRef" value="" />}
          <Select label="Count type" options={KIND_OPTIONS} {...field("kind")} />
          {values.kind === "cap" ? <TextField label="List at most (units)" type="number" {...field("units")} /> : null}
          {values.kind === "fixed" ? <TextField label="Fixed count (units)" type="number" {...field("units")} /> : null}
          {values.kind === "pool_share" ? <TextField label="Share of the pool" type="number" suffix="%" {...field("percent")} /> : null}
          {values.kind === "vendor_share" ? (
            <FormLayout.Group condensed>
              <Select label="Vendor location" options={locationOptions} {...field("locationId")} />
              <TextField label="Share of the vendor's quantity" type="number" suffix="%" {...field("percent")} />
            </FormLayout.Group>
          ) : null}
          {errors.form ? (
            <Text as="p" tone="critical">
              {errors.form}
            </Text>
          ) : null}
          <InlineStack gap="200" align="end">
            {editing ? <Button onClick={onDone}>Cancel</Button> : null}
            <Button onClick={() => send("preview")}>Preview the change</Button>
            <Button submit variant="primary">
              {editing ? "Save changes" : "Save count"}
            </Button>
          </InlineStack>
        </FormLayout>
      </Form>
    </Card>
  );
}

export const meta: MetaFunction = () => screenTitle("Artificial counts");
export const ErrorBoundary = screenErrorBoundary({ thing: "count", back: { content: "Artificial counts", url: "/app/artificial-counts" } });

export default function ArtificialCounts() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [editing, setEditing] = useState<Rule | null>(null);
  // A saved or deleted count ends the edit: the form goes back to a new count.
  useEffect(() => {
    if (result?.ok && (result.intent === "save" || result.intent === "delete")) setEditing(null);
  }, [result]);
  return (
    <Page title="Artificial counts" subtitle="List less than the pool on a channel: a cap, a share of the pool or of a vendor's stock, or a fixed number.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.message ? <Banner tone="success">{result.message}</Banner> : null}
            {result?.errors.form && result.intent === "delete" ? <Banner tone="critical">{result.errors.form}</Banner> : null}
            <Card>
              {page.rules.length === 0 ? (
                <EmptyState heading="No artificial counts yet" image="">
                  <p>Without one, each channel lists what its buffers and throttling leave. Add a count below to list less on a channel.</p>
                </EmptyState>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text"]}
                  headings={["Channel", "Applies to", "Count", "Actions"]}
                  rows={page.rules.map((r) => [
                    r.channelName,
                    r.target,
                    r.count,
                    <InlineStack key={r.id} gap="200" blockAlign="center">
                      <Button variant="plain" onClick={() => setEditing(r)} accessibilityLabel={`Edit the count for ${r.channelName}, ${r.target}`}>
                        Edit
                      </Button>
                      <Form method="post">
                        <input type="hidden" name="intent" value="delete" />
                        <input type="hidden" name="ruleId" value={r.id} />
                        <Button submit tone="critical" variant="plain" accessibilityLabel={`Delete the count for ${r.channelName}, ${r.target}`}>
                          Delete
                        </Button>
                      </Form>
                    </InlineStack>,
                  ])}
                />
              )}
            </Card>
            {result?.preview ? <RulePreview preview={result.preview} marketplaceFulfilled="ships from the marketplace's warehouse: no count applies" /> : null}
            {page.channels.length === 0 ? (
              <Card>
                <EmptyState heading="No marketplace connected" image="">
                  <p>Connect a marketplace on the Channels page; its artificial counts are set here.</p>
                </EmptyState>
              </Card>
            ) : (
              <CountForm key={editing?.id ?? "new"} page={page} editing={editing} result={result} onDone={() => setEditing(null)} />
            )}
            <CsvImportCard
              title="Bulk edit artificial counts"
              intent="import"
              exportUrl="/app/csv/artificial-counts"
              filename="artificial-counts.csv"
              result={result}
              description={
                <>
                  Export the counts, edit them in a spreadsheet, import the file back. A row with an id changes that count; a row without one adds a count;
                  counts left out of the file stay as they are. Channel is a channel&apos;s name; applies_to is channel, tag, collection, product, variant or
                  listing; target is the tag, collection handle, product handle, variant SKU or channel SKU; kind is cap, pool_share, fixed or vendor_share;
                  units is the cap or the fixed count, percent the share, vendor_location the name of the location whose quantity is shared. If any line is
                  wrong, nothing is imported and every problem is listed by line.
                </>
              }
            />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
