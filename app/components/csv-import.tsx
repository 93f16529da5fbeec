import { Form, useNavigation } from "@remix-run/react";
import { BlockStack, Button, Card, DataTable, InlineError, InlineStack, Text } from "@shopify/polaris";
import { type ReactNode, useId, useState } from "react";
import type { ImportProblem } from "~/csv/bulk-csv.server";

// The export and import card the Buffers and Inventory screens share: download the CSV, edit it
// in a spreadsheet, upload it back; problems come back by line and nothing is written until the
// whole file is right.

export interface CsvImportResult {
  intent: string;
  errors: Record<string, string>;
  problems?: ImportProblem[];
}

/**
 * Saves the export as a file. Fetched rather than linked: inside Shopify admin, App Bridge adds
 * the session token to the app's own fetches, and a plain link would reach the server without it.
 */
async function download(url: string, filename: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`The export answered ${response.status}`);
  const href = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = href;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(href);
}

export function CsvImportCard(props: {
  title: string;
  description: ReactNode;
  intent: string;
  exportUrl: string | null;
  filename: string;
  result: CsvImportResult | undefined;
  /** Fields the import needs besides the file (the channel of listing links). */
  children?: ReactNode;
}) {
  const { title, description, intent, exportUrl, filename, children } = props;
  const result = props.result?.intent === intent ? props.result : undefined;
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
  const fileId = useId();
  const fileError = result?.errors.file;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        <Text as="p" tone="subdued">
          {description}
        </Text>
        <InlineStack gap="200">
          <Button
            disabled={!exportUrl}
            loading={downloading}
            onClick={() => {
              if (!exportUrl) return;
              setDownloadError(null);
              setDownloading(true);
              download(exportUrl, filename)
                .catch((error: unknown) => setDownloadError(error instanceof Error ? error.message : "The export failed"))
                .finally(() => setDownloading(false));
            }}
          >
            Export CSV
          </Button>
        </InlineStack>
        {downloadError ? <InlineError message={downloadError} fieldID={`${fileId}-export`} /> : null}
        <Form method="post" encType="multipart/form-data">
          <input type="hidden" name="intent" value={intent} />
          <BlockStack gap="200">
            {children}
            <label htmlFor={fileId}>
              <Text as="span" variant="bodyMd">
                CSV file to import
              </Text>
            </label>
            <input
              id={fileId}
              type="file"
              name="file"
              accept=".csv,text/csv"
              aria-invalid={fileError ? true : undefined}
              aria-describedby={fileError ? `${fileId}Error` : undefined}
            />
            {fileError ? <InlineError message={fileError} fieldID={fileId} /> : null}
            <InlineStack align="end">
              <Button submit loading={busy}>
                Import
              </Button>
            </InlineStack>
          </BlockStack>
        </Form>
        {result?.problems && result.problems.length > 0 ? (
          <DataTable
            columnContentTypes={["numeric", "text", "text"]}
            headings={["Line", "Column", "Problem"]}
            rows={result.problems.map((p) => [p.line, p.field, p.message])}
          />
        ) : null}
      </BlockStack>
    </Card>
  );
}
