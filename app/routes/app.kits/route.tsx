import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, EmptyState, FormLayout, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { CsvImportCard } from "~/components/csv-import";
import { answerRuleImport, type ImportProblem } from "~/csv/bulk-csv.server";
import { importKits } from "~/csv/kits.server";
import { NotFoundForShop } from "~/lib/errors";
import { formObject } from "~/lib/forms";
import { requireShop } from "~/lib/require-shop.server";
import { deleteKitOfShop, kitsPage, saveKitFromForm } from "./kits.server";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return kitsPage(shop);
};

export type KitsActionResult = {
  ok: boolean;
  intent: string;
  errors: Record<string, string>;
  message?: string;
  /** A refused CSV import's problems, by file line. */
  problems?: ImportProblem[];
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const form = formObject(await request.formData(), ["componentSku", "componentUnits"]);
  const intent = String(form.intent ?? "");
  const answer = (body: Omit<KitsActionResult, "intent">, status = 200) => data<KitsActionResult>({ ...body, intent }, { status });
  try {
    switch (intent) {
      case "save": {
        const outcome = await saveKitFromForm(shop, form, actor);
        if (!outcome.ok) return answer({ ok: false, errors: outcome.errors }, 400);
        return answer({ ok: true, errors: {}, message: `Kit ${outcome.created ? "saved" : "changed"}; its quantities are being recomputed` });
      }
      case "import": {
        const imported = await answerRuleImport(form.file, (csv) => importKits(shop, csv, actor), { one: "kit", many: "kits" });
        return answer(imported.body, imported.status);
      }
      case "delete":
        await deleteKitOfShop(shop, String(form.kitId ?? ""), actor);
        return answer({ ok: true, errors: {}, message: "Kit deleted: the variant sells as itself again; quantities are being recomputed" });
      default:
        return answer({ ok: false, errors: { form: "Unknown action" } }, 400);
    }
  } catch (error) {
    if (error instanceof NotFoundForShop) return answer({ ok: false, errors: { form: error.message } }, 404);
    throw error;
  }
};

type Kit = Awaited<ReturnType<typeof loader>>["kits"][number];
type Line = { sku: string; units: string };

function KitForm({ editing, result, onDone }: { editing: Kit | null; result: KitsActionResult | undefined; onDone: () => void }) {
  const errors = result?.intent === "save" ? result.errors : {};
  const [kitSku, setKitSku] = useState(editing?.sku ?? "");
  const [lines, setLines] = useState<Line[]>(editing ? editing.components.map((c) => ({ sku: c.sku, units: String(c.units) })) : [{ sku: "", units: "1" }]);
  const setLine = (i: number, patch: Partial<Line>) => setLines((prev) => prev.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="save" />
        <input type="hidden" name="kitId" value={editing?.variantId ?? ""} />
        <FormLayout>
          <Text as="h2" variant="headingMd">
            {editing ? `Change the kit ${editing.sku}` : "New kit"}
          </Text>
          <Text as="p" tone="subdued">
            A kit is a variant sold as so many units of others. Each channel lists as many kits as its scarcest component allows: for every component, what that
            component could sell on the channel divided by the units in one kit, rounded down. Kits do not nest: a component is an item with its own stock.
          </Text>
          <TextField label="Kit SKU (the variant sold as the kit)" name="kitSku" value={kitSku} onChange={setKitSku} autoComplete="off" error={errors.kitSku} />
          {errors.components ? (
            <Text as="p" tone="critical">
              {errors.components}
            </Text>
          ) : null}
          {lines.map((line, i) => (
            <FormLayout.Group condensed key={i}>
              <TextField
                label={`Component ${i + 1} SKU`}
                name="componentSku"
                value={line.sku}
                onChange={(sku) => setLine(i, { sku })}
                autoComplete="off"
                error={errors[`components.${i}.sku`]}
              />
              <TextField
                label={`Units of component ${i + 1} per kit`}
                name="componentUnits"
                type="number"
                min={1}
                value={line.units}
                onChange={(units) => setLine(i, { units })}
                autoComplete="off"
                error={errors[`components.${i}.units`]}
                connectedRight={
                  <Button accessibilityLabel={`Remove component ${i + 1}`} onClick={() => setLines((prev) => prev.filter((_, j) => j !== i))}>
                    Remove
                  </Button>
                }
              />
            </FormLayout.Group>
          ))}
          {errors.form ? (
            <Text as="p" tone="critical">
              {errors.form}
            </Text>
          ) : null}
          <InlineStack gap="200" align="end">
            <Button onClick={() => setLines((prev) => [...prev, { sku: "", units: "1" }])}>Add component</Button>
            {editing ? <Button onClick={onDone}>Cancel</Button> : null}
            <Button submit variant="primary">
              {editing ? "Save changes" : "Save kit"}
            </Button>
          </InlineStack>
        </FormLayout>
      </Form>
    </Card>
  );
}

const makeUp = (kit: Kit) => kit.components.map((c) => `${c.units} × ${c.sku || c.name}`).join(" + ");

export const meta: MetaFunction = () => screenTitle("Kits and bundles");
export const ErrorBoundary = screenErrorBoundary({ thing: "kit", back: { content: "Kits and bundles", url: "/app/kits" } });

export default function Kits() {
  const { kits } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [editing, setEditing] = useState<Kit | null>(null);
  // A saved or deleted kit ends the edit: the form goes back to an empty new kit.
  const [saves, setSaves] = useState(0);
  useEffect(() => {
    if (result?.ok && (result.intent === "save" || result.intent === "delete")) {
      setEditing(null);
      setSaves((n) => n + 1);
    }
  }, [result]);
  return (
    <Page title="Kits and bundles" subtitle="A kit lists as many as its scarcest component allows, on every channel.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.message ? <Banner tone="success">{result.message}</Banner> : null}
            {result?.errors.form && result.intent === "delete" ? <Banner tone="critical">{result.errors.form}</Banner> : null}
            <Card>
              {kits.length === 0 ? (
                <EmptyState heading="No kits or bundles yet" image="">
                  <p>Bundles made in Shopify appear here by themselves. For a store without them, define a kit below.</p>
                </EmptyState>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text"]}
                  headings={["Kit", "Made of", "Defined in", "Actions"]}
                  rows={kits.map((k) => [
                    `${k.sku || k.name} (${k.name})`,
                    makeUp(k),
                    k.source === "shopify" ? <Badge key={`${k.variantId}-source`}>from Shopify</Badge> : "Anchorline",
                    k.source === "shopify" ? (
                      <Text key={k.variantId} as="span" tone="subdued">
                        Change it in Shopify
                      </Text>
                    ) : (
                      <InlineStack key={k.variantId} gap="200" blockAlign="center">
                        <Button variant="plain" onClick={() => setEditing(k)} accessibilityLabel={`Edit the kit ${k.sku}`}>
                          Edit
                        </Button>
                        <Form method="post">
                          <input type="hidden" name="intent" value="delete" />
                          <input type="hidden" name="kitId" value={k.variantId} />
                          <Button submit tone="critical" variant="plain" accessibilityLabel={`Delete the kit ${k.sku}`}>
                            Delete
                          </Button>
                        </Form>
                      </InlineStack>
                    ),
                  ])}
                />
              )}
            </Card>
            <KitForm key={`${editing?.variantId ?? "new"}-${saves}`} editing={editing} result={result} onDone={() => setEditing(null)} />
            <CsvImportCard
              title="Bulk edit kits"
              intent="import"
              exportUrl="/app/csv/kits"
              filename="kits.csv"
              result={result}
              description={
                <>
                  Export the kits, edit them in a spreadsheet, import the file back. One row per component: kit_sku, component_sku, units_per_kit. A kit in the
                  file gets exactly the components its rows list; kits left out of the file stay as they are. Bundles made in Shopify are not in the file. If
                  any line is wrong, nothing is imported and every problem is listed by line.
                </>
              }
            />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
