import { Form } from "@remix-run/react";
import { BlockStack, Button, Card, FormLayout, InlineStack, Text, TextField } from "@shopify/polaris";
import { BOUNDS } from "~/engine/bounds";
import { DEFAULT_PRICE_GUARDRAIL_BPS } from "~/engine/defaults";
import { useFields } from "./fields";
import { useSubmitting } from "~/components/confirmed-action";

const { min, max, show } = BOUNDS.guardrailBps;

/** The shop's price guardrail: how far a channel price may move from the Shopify price before its push waits in Held pushes. */
export function PriceGuardrail({ guardrailPercent, errors }: { guardrailPercent: number; errors: Record<string, string> }) {
  const saving = useSubmitting({ intent: "guardrail" });
  const { field } = useFields({ guardrailPercent: String(guardrailPercent) }, errors);
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="guardrail" />
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Price guardrail
          </Text>
          <FormLayout>
            <TextField
              label="Hold a price further than this from the Shopify price (±%)"
              type="number"
              helpText={`Between ${show(min)} and ${show(max)}; blank for ${show(DEFAULT_PRICE_GUARDRAIL_BPS)}. A channel price beyond it waits in Held pushes for your approval instead of going out.`}
              {...field("guardrailPercent")}
            />
            <InlineStack align="end">
              <Button submit loading={saving}>
                Save guardrail
              </Button>
            </InlineStack>
          </FormLayout>
        </BlockStack>
      </Form>
    </Card>
  );
}
