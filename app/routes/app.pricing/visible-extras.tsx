import { Form } from "@remix-run/react";
import { BlockStack, Button, Card, DataTable, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { money, type PricingData, useFields } from "./fields";
import { useSubmitting } from "~/components/confirmed-action";

type PricingChannel = PricingData["channels"][number];

/** What the price parity compares on a channel: its price, and the store's is the Shopify price. */
function priceShown(channel: PricingChannel): string {
  return channel.kind === "SHOPIFY" ? "the Shopify variant price" : "the price Anchorline pushed";
}

/**
 * What a customer sees on each channel besides the price: shipping and a coupon shown on the
 * listing, counted in the price parity compares on edges that count them.
 */
export function VisibleExtras({ channels, errors }: { channels: PricingChannel[]; errors: Record<string, string> }) {
  const saving = useSubmitting({ intent: "visibleExtras" });
  const first = channels[0];
  const { field } = useFields(
    { channelId: first?.id ?? "", shipping: money(first?.visibleShippingCents ?? 0), coupon: money(first?.visibleCouponCents ?? 0) },
    errors,
  );
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          What customers see on each channel
        </Text>
        <DataTable
          columnContentTypes={["text", "text", "numeric", "numeric"]}
          headings={["Channel", "Price", "Shipping", "Visible coupon"]}
          rows={channels.map((c) => [c.name, priceShown(c), money(c.visibleShippingCents), money(c.visibleCouponCents)])}
        />
        <Form method="post">
          <input type="hidden" name="intent" value="visibleExtras" />
          <FormLayout>
            <FormLayout.Group condensed>
              <Select label="Channel" options={channels.map((c) => ({ label: c.name, value: c.id }))} {...field("channelId")} />
              <TextField label="Shipping a customer pays" type="number" helpText="Blank for none" {...field("shipping")} />
              <TextField label="Coupon shown on its listings" type="number" helpText="Blank for none" {...field("coupon")} />
            </FormLayout.Group>
            <InlineStack align="end">
              <Button submit loading={saving} disabled={channels.length === 0}>
                Save what customers see
              </Button>
            </InlineStack>
          </FormLayout>
        </Form>
      </BlockStack>
    </Card>
  );
}
