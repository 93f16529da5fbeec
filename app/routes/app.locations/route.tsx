import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, Checkbox, EmptyState, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { fieldErrors, formObject } from "~/lib/forms";
import { NotFoundForShop } from "~/lib/errors";
import { LocationSettingsInput, locationsWithChannels, updateLocationSettings } from "./locations.server";
import { requireShop } from "~/lib/require-shop.server";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return locationsWithChannels(shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const parsed = LocationSettingsInput.safeParse(formObject(await request.formData(), ["eligibleChannelIds"]));
  if (!parsed.success) return data({ ok: false as const, errors: fieldErrors(parsed.error) }, { status: 400 });
  try {
    await updateLocationSettings(shop, parsed.data, actor);
  } catch (error) {
    if (error instanceof NotFoundForShop) return data({ ok: false as const, errors: { form: error.message } }, { status: 404 });
    throw error;
  }
  return { ok: true as const, errors: {} as Record<string, string> };
};

type LocationRow = Awaited<ReturnType<typeof loader>>["locations"][number];
type ChannelRow = Awaited<ReturnType<typeof loader>>["channels"][number];

function LocationCard({ location, channels, errors }: { location: LocationRow; channels: ChannelRow[]; errors: Record<string, string> }) {
  const [saleable, setSaleable] = useState(location.saleable);
  const [isDropShip, setDropShip] = useState(location.isDropShip);
  const [share, setShare] = useState(String(location.vendorSharePercent));
  const [eligible, setEligible] = useState(new Set(location.eligibleChannelIds));
  const busy = useNavigation().state === "submitting";
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="locationId" value={location.id} />
        <BlockStack gap="300">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">
              {location.name}
            </Text>
            {!location.isActive ? <Badge tone="warning">inactive in Shopify</Badge> : null}
          </InlineStack>
          <Checkbox
            label="Counts towards what is sold online"
            name="saleable"
            value="on"
            checked={saleable}
            onChange={setSaleable}
            helpText="Off for returns shelves, showrooms and damaged stock."
          />
          <Checkbox label="Drop shipper or vendor" name="isDropShip" value="on" checked={isDropShip} onChange={setDropShip} />
          {isDropShip ? (
            <TextField
              label="Share of the vendor's reported quantity to offer"
              name="vendorSharePercent"
              type="number"
              suffix="%"
              value={share}
              onChange={setShare}
              autoComplete="off"
              error={errors.vendorSharePercent}
            />
          ) : (
            <input type="hidden" name="vendorSharePercent" value={share} />
          )}
          <BlockStack gap="100">
            <Text as="p" variant="bodyMd">
              Channels this location may feed
            </Text>
            {channels.map((c) => (
              <Checkbox
                key={c.id}
                label={c.name}
                name="eligibleChannelIds"
                value={c.id}
                checked={eligible.has(c.id)}
                onChange={(on) => setEligible((prev) => (on ? new Set([...prev, c.id]) : new Set([...prev].filter((id) => id !== c.id))))}
              />
            ))}
          </BlockStack>
          <InlineStack align="end">
            <Button submit variant="primary" loading={busy}>
              Save
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Card>
  );
}

export const meta: MetaFunction = () => screenTitle("Locations");
export const ErrorBoundary = screenErrorBoundary({ thing: "location", back: { content: "Locations", url: "/app/locations" } });

export default function Locations() {
  const { locations, channels } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <Page title="Locations" subtitle="Mirrored from Shopify. Choose what each location contributes to the quantities Anchorline offers.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.errors.form ? (
              <Text as="p" tone="critical">
                {result.errors.form}
              </Text>
            ) : null}
            {locations.length === 0 ? (
              <Card>
                <EmptyState heading="No locations yet" image="">
                  <p>They appear here once the first import from Shopify has run.</p>
                </EmptyState>
              </Card>
            ) : (
              locations.map((location) => <LocationCard key={location.id} location={location} channels={channels} errors={result?.errors ?? {}} />)
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
