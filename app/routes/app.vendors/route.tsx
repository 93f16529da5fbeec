import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, Checkbox, DataTable, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { fieldErrors, formObject } from "~/lib/forms";
import { NotFoundForShop } from "~/lib/errors";
import { requireShop } from "~/lib/require-shop.server";
import { createFeed, FeedInput, type FeedPreview, previewFeed, saveVendor, uploadFeedFile, VendorInput, vendorsPage } from "./vendors.server";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return vendorsPage(shop);
};

export type VendorsActionResult = {
  ok: boolean;
  intent: string;
  errors: Record<string, string>;
  message?: string;
  preview?: FeedPreview;
};

const refused = (intent: string, errors: Record<string, string>, status = 400) => data<VendorsActionResult>({ ok: false, intent, errors }, { status });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const fields = formObject(form);
  try {
    if (intent === "saveVendor") {
      const parsed = VendorInput.safeParse(fields);
      if (!parsed.success) return refused(intent, fieldErrors(parsed.error));
      await saveVendor(shop, parsed.data, actor);
      return data<VendorsActionResult>({ ok: true, intent, errors: {}, message: "Vendor saved; quantities are being recomputed" });
    }
    if (intent === "preview" || intent === "createFeed") {
      const parsed = FeedInput.safeParse(fields);
      if (!parsed.success) return refused(intent, fieldErrors(parsed.error));
      if (intent === "preview") {
        const sample = form.get("sample");
        if (!(sample instanceof File) || sample.size === 0) return refused(intent, { sample: "Choose a sample file to preview" });
        return data<VendorsActionResult>({ ok: true, intent, errors: {}, preview: previewFeed(await sample.text(), parsed.data) });
      }
      await createFeed(shop, parsed.data, actor);
      return data<VendorsActionResult>({ ok: true, intent, errors: {}, message: "Feed saved" });
    }
    if (intent === "upload") {
      const file = form.get("file");
      if (!(file instanceof File) || file.size === 0) return refused(intent, { file: "Choose the vendor's file to import" });
      const outcome = await uploadFeedFile(shop, String(form.get("feedId") ?? ""), file);
      if (!outcome.ran) return refused(intent, { form: "That file is being imported already" }, 409);
      if (!outcome.ok) return refused(intent, { file: `Nothing was imported: ${outcome.error}` }, 422);
      return data<VendorsActionResult>({
        ok: true,
        intent,
        errors: {},
        message: `Imported: ${outcome.rowsRead} rows read, ${outcome.matched} matched, ${outcome.unknownSkus} unknown SKUs, ${outcome.rejected} rejected`,
      });
    }
    return refused(intent, { intent: "Unknown action" });
  } catch (error) {
    if (error instanceof NotFoundForShop) return refused(intent, { form: error.message }, 404);
    throw error;
  }
};

type Vendor = Awaited<ReturnType<typeof loader>>["vendors"][number];
type Feed = Vendor["feeds"][number];

function VendorForm({ vendor, errors }: { vendor?: Vendor; errors: Record<string, string> }) {
  const [name, setName] = useState(vendor?.name ?? "");
  const [email, setEmail] = useState(vendor?.email ?? "");
  const [share, setShare] = useState(String(vendor?.sharePercent ?? 100));
  const [stale, setStale] = useState(String(vendor?.staleAfterHours ?? 48));
  const [paused, setPaused] = useState(vendor?.paused ?? false);
  const busy = useNavigation().state === "submitting";
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="saveVendor" />
      {vendor ? <input type="hidden" name="vendorId" value={vendor.id} /> : null}
      <BlockStack gap="200">
        <InlineStack gap="300" wrap>
          <TextField label="Name" name="name" value={name} onChange={setName} autoComplete="off" error={errors.name} />
          <TextField label="Email" name="email" type="email" value={email} onChange={setEmail} autoComplete="off" error={errors.email} />
          <TextField
            label="Share of its quantity to offer"
            name="sharePercent"
            type="number"
            suffix="%"
            value={share}
            onChange={setShare}
            autoComplete="off"
            error={errors.sharePercent}
          />
          <TextField
            label="Stop counting after (hours without a file)"
            name="staleAfterHours"
            type="number"
            value={stale}
            onChange={setStale}
            autoComplete="off"
            error={errors.staleAfterHours}
          />
        </InlineStack>
        <Checkbox label="Paused (its quantities count for nothing)" name="paused" value="on" checked={paused} onChange={setPaused} />
        <InlineStack align="end">
          <Button submit variant="primary" loading={busy}>
            {vendor ? "Save vendor" : "Add vendor"}
          </Button>
        </InlineStack>
      </BlockStack>
    </Form>
  );
}

function FeedForm({ vendorId, result }: { vendorId: string; result?: VendorsActionResult }) {
  const errors = result?.errors ?? {};
  const [source, setSource] = useState("SFTP");
  const [values, setValues] = useState<Record<string, string>>({
    delimiter: "comma",
    schedule: "DAILY",
    dailyAt: "06:00",
    mapSku: "sku",
    mapQuantity: "quantity",
  });
  const field = (name: string, label: string, type: "text" | "number" | "password" = "text") => (
    <TextField
      label={label}
      name={name}
      type={type}
      value={values[name] ?? ""}
      onChange={(v) => setValues((prev) => ({ ...prev, [name]: v }))}
      autoComplete="off"
      error={errors[name]}
    />
  );
  return (
    <Form method="post" encType="multipart/form-data">
      <input type="hidden" name="vendorId" value={vendorId} />
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          Add a feed
        </Text>
        <InlineStack gap="300" wrap>
          <Select
            label="Source"
            name="source"
            value={source}
            onChange={setSource}
            options={[
              { label: "SFTP path", value: "SFTP" },
              { label: "HTTPS URL", value: "HTTPS" },
              { label: "Files I upload", value: "UPLOAD" },
            ]}
            error={errors.source}
          />
          {source === "HTTPS" ? field("url", "URL") : null}
          {source === "SFTP" ? (
            <>
              {field("sftpHost", "Host")}
              {field("sftpPort", "Port", "number")}
              {field("sftpUsername", "Username")}
              {field("sftpPassword", "Password", "password")}
              {field("sftpPath", "Path of the file")}
            </>
          ) : null}
        </InlineStack>
        <InlineStack gap="300" wrap>
          <Select
            label="Delimiter"
            name="delimiter"
            value={values.delimiter}
            onChange={(v) => setValues((p) => ({ ...p, delimiter: v }))}
            options={[
              { label: "Comma (CSV)", value: "comma" },
              { label: "Tab (TSV)", value: "tab" },
              { label: "Semicolon", value: "semicolon" },
            ]}
            error={errors.delimiter}
          />
          {field("mapSku", "SKU column")}
          {field("mapQuantity", "Quantity column")}
          {field("mapCost", "Cost column (optional)")}
          {field("mapLeadTime", "Lead time column, days (optional)")}
        </InlineStack>
        <InlineStack gap="300" wrap>
          <Select
            label="Schedule"
            name="schedule"
            value={values.schedule}
            onChange={(v) => setValues((p) => ({ ...p, schedule: v }))}
            options={[
              { label: "Daily", value: "DAILY" },
              { label: "Hourly", value: "HOURLY" },
            ]}
            error={errors.schedule}
          />
          {values.schedule === "DAILY" ? field("dailyAt", "Daily at (shop time, HH:MM)") : null}
        </InlineStack>
        <InlineStack gap="300" blockAlign="end">
          <label>
            Sample file to preview <input type="file" name="sample" accept=".csv,.tsv,.txt" />
          </label>
          {errors.sample ? (
            <Text as="span" tone="critical">
              {errors.sample}
            </Text>
          ) : null}
          {/* Two actions of one form: native buttons carry which one was pressed (Polaris' Button has no name). */}
          <button type="submit" name="intent" value="preview">
            Preview the first rows
          </button>
          <button type="submit" name="intent" value="createFeed">
            Save feed
          </button>
        </InlineStack>
        {result?.preview ? <Preview preview={result.preview} /> : null}
      </BlockStack>
    </Form>
  );
}

function Preview({ preview }: { preview: FeedPreview }) {
  return (
    <BlockStack gap="100">
      {preview.problem ? (
        <Text as="p" tone="critical">
          {preview.problem}
        </Text>
      ) : null}
      <DataTable
        columnContentTypes={["numeric", ...preview.header.map(() => "text" as const), "text"]}
        headings={["Row", ...preview.header, "Read as"]}
        rows={preview.rows.map((r) => [r.row, ...r.cells, r.reading])}
      />
    </BlockStack>
  );
}

function FeedRuns({ feed, errors }: { feed: Feed; errors: Record<string, string> }) {
  const where =
    feed.source === "HTTPS"
      ? feed.url
      : feed.source === "SFTP"
        ? `sftp://${feed.sftp?.username}@${feed.sftp?.host}:${feed.sftp?.port}${feed.sftp?.path}`
        : "uploaded files";
  return (
    <BlockStack gap="200">
      <InlineStack gap="200" blockAlign="center">
        <Text as="h3" variant="headingSm">
          {where}
        </Text>
        <Badge>{feed.schedule === "HOURLY" ? "hourly" : `daily at ${feed.dailyAt}`}</Badge>
        <Text as="span" tone="subdued">
          {`SKU: ${feed.mapping.sku}, quantity: ${feed.mapping.quantity}${feed.mapping.cost ? `, cost: ${feed.mapping.cost}` : ""}${feed.mapping.leadTime ? `, lead time: ${feed.mapping.leadTime}` : ""}`}
        </Text>
      </InlineStack>
      <Form method="post" encType="multipart/form-data">
        <input type="hidden" name="intent" value="upload" />
        <input type="hidden" name="feedId" value={feed.id} />
        <InlineStack gap="200" blockAlign="center">
          <input type="file" name="file" accept=".csv,.tsv,.txt" />
          <Button submit>Import file now</Button>
          {errors.file ? (
            <Text as="span" tone="critical">
              {errors.file}
            </Text>
          ) : null}
        </InlineStack>
      </Form>
      <DataTable
        columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric", "text"]}
        headings={["Started", "Status", "Rows read", "Matched", "Unknown SKUs", "Rejected", "Why / refused rows"]}
        rows={feed.runs.map((r) => [
          r.startedAt,
          r.status.toLowerCase(),
          r.rowsRead,
          r.matched,
          r.unknownSkus,
          r.rejected,
          r.error ?? r.rejectedRows.map((x) => `row ${x.row}: ${x.reason}`).join("; "),
        ])}
      />
    </BlockStack>
  );
}

export const meta: MetaFunction = () => screenTitle("Vendors");
export const ErrorBoundary = screenErrorBoundary({ thing: "vendor", back: { content: "Vendors", url: "/app/vendors" } });

export default function Vendors() {
  const { vendors } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as VendorsActionResult | undefined;
  const errors = result?.errors ?? {};
  return (
    <Page
      title="Vendors"
      subtitle="Drop shippers whose stock files Anchorline imports. Each counts in every channel's pool at its share until its feed goes stale."
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.message ? <Text as="p">{result.message}</Text> : null}
            {errors.form ? (
              <Text as="p" tone="critical">
                {errors.form}
              </Text>
            ) : null}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  New vendor
                </Text>
                <VendorForm errors={result?.intent === "saveVendor" ? errors : {}} />
              </BlockStack>
            </Card>
            {vendors.map((vendor) => (
              <Card key={vendor.id}>
                <BlockStack gap="300">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      {vendor.name}
                    </Text>
                    {vendor.paused ? <Badge tone="warning">paused</Badge> : null}
                    {vendor.staleSince ? <Badge tone="critical">{`stale since ${vendor.staleSince}: not counted`}</Badge> : null}
                    <Text as="span" tone="subdued">
                      {vendor.lastImportedAt ? `last import ${vendor.lastImportedAt}` : "no import yet"}
                    </Text>
                  </InlineStack>
                  <VendorForm vendor={vendor} errors={{}} />
                  {vendor.feeds.map((feed) => (
                    <FeedRuns key={feed.id} feed={feed} errors={result?.intent === "upload" ? errors : {}} />
                  ))}
                  <FeedForm vendorId={vendor.id} result={result?.intent === "preview" || result?.intent === "createFeed" ? result : undefined} />
                </BlockStack>
              </Card>
            ))}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
