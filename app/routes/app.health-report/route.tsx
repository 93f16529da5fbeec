import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Button, ButtonGroup, Card, DataTable, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { fieldErrors } from "~/lib/forms";
import { requireShop } from "~/lib/require-shop.server";
import { HealthReportQuery, healthReportScreen } from "./health-report.server";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

// The weekly sync-health report, the same sections the weekly email carries (app/health/render.ts).

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shopId } = await requireShop(request);
  const parsed = HealthReportQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw data({ errors: fieldErrors(parsed.error) }, { status: 400 });
  return healthReportScreen(shopId, parsed.data.week);
};

export const meta: MetaFunction = () => screenTitle("Weekly sync health");
export const ErrorBoundary = screenErrorBoundary({ thing: "report", back: { content: "Overview", url: "/app" } });

export default function HealthReport() {
  const report = useLoaderData<typeof loader>();
  return (
    <Page title="Weekly sync health" subtitle={`${report.label} (${report.timeZone})`} backAction={{ content: "Overview", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <InlineStack align="space-between" blockAlign="center">
              <ButtonGroup>
                <Button url={`/app/health-report?week=${report.previous}`}>Previous week</Button>
                {report.next ? <Button url={`/app/health-report?week=${report.next}`}>Next week</Button> : null}
              </ButtonGroup>
              <Text as="p" tone="subdued">
                {report.email.on
                  ? report.email.recipients.length > 0
                    ? `Emailed every Monday to ${report.email.recipients.join(", ")}${report.email.sentAt ? `; this week's was sent ${report.email.sentAt.slice(0, 16).replace("T", " ")} UTC` : ""}.`
                    : "Emailed every Monday once an email alert route or a recipient is set."
                  : "The weekly email is off."}{" "}
                <Link url="/app/alerts">Change who gets it</Link>
              </Text>
            </InlineStack>
            {report.sections.map((section) => (
              <Card key={section.title}>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {section.title}
                  </Text>
                  <DataTable
                    columnContentTypes={section.headings.map((_, i) => (i === 0 ? "text" : "numeric"))}
                    headings={section.headings}
                    rows={section.rows}
                  />
                  {section.note ? (
                    <Text as="p" tone="subdued">
                      {section.note}
                    </Text>
                  ) : null}
                </BlockStack>
              </Card>
            ))}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
