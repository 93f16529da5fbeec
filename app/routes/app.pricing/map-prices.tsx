import { Form } from "@remix-run/react";
import { BlockStack, Button, Card, DataTable, EmptyState, FormLayout, InlineStack, Text, TextField } from "@shopify/polaris";
import { money, type PricingData, useFields } from "./fields";
import { useSubmitting } from "~/components/confirmed-action";

function MapForm({ errors }: { errors: Record<string, string> }) {
  const saving = useSubmitting({ intent: "map" });
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
          <Button submit loading={saving}>
            Save MAP
          </Button>
        </InlineStack>
      </FormLayout>
    </Form>
  );
}

/** The variants with a minimum advertised price, and the form that sets or clears one by SKU. */
export function MapPrices({ mapped, errors }: { mapped: PricingData["mapped"]; errors: Record<string, string> }) {
  return (
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
        <MapForm errors={errors} />
      </BlockStack>
    </Card>
  );
}
