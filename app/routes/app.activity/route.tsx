import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { BlockStack, Button, Card, DataTable, EmptyState, InlineStack, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { fieldErrors } from "~/lib/forms";
import { ActivityQuery, activityPage } from "./activity.server";
import { requireShop } from "~/lib/require-shop.server";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const parsed = ActivityQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw data({ errors: fieldErrors(parsed.error) }, { status: 400 });
  return activityPage(shop, parsed.data, actor);
};

export const meta: MetaFunction = () => screenTitle("Activity");
export const ErrorBoundary = screenErrorBoundary({ thing: "entry", back: { content: "Activity", url: "/app/activity" } });

export default function Activity() {
  const { events, nextCursor } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const [action, setAction] = useState(params.get("action") ?? "");
  return (
    <Page title="Activity">
      <BlockStack gap="400">
        <Card>
          <Form method="get">
            <InlineStack gap="200" blockAlign="end">
              <TextField
                label="Action starts with"
                name="action"
                value={action}
                onChange={setAction}
                autoComplete="off"
                placeholder="listing., channel., location."
              />
              <Button submit>Filter</Button>
            </InlineStack>
          </Form>
        </Card>
        <Card>
          {events.length === 0 ? (
            <EmptyState heading="Nothing has happened yet" image="">
              <p>Pushes, imported orders and rule changes are recorded here.</p>
            </EmptyState>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "text", "text"]}
              headings={["When", "Who", "What", "On"]}
              rows={events.map((e) => [new Date(e.at).toLocaleString(), e.who, e.what, e.on ?? ""])}
            />
          )}
        </Card>
        {nextCursor ? (
          <InlineStack align="end">
            <Button url={`?${new URLSearchParams({ ...Object.fromEntries(params), before: nextCursor })}`}>Older</Button>
          </InlineStack>
        ) : (
          <Text as="p" tone="subdued">
            End of the log.
          </Text>
        )}
      </BlockStack>
    </Page>
  );
}
