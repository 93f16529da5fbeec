import { Form } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, Checkbox, DataTable, EmptyState, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { DeleteButton, money, type PricingData, useChecks, useFields } from "./fields";
import { useSubmitting } from "~/components/confirmed-action";

/** The parity violations the channels show now, allowed or not. */
export function ParityViolations({ violations }: { violations: PricingData["violations"] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Parity violations live now
        </Text>
        {violations.length === 0 ? (
          <EmptyState heading="No violations" image="">
            <p>No watched channel shows a price under its watcher&apos;s by more than the tolerance.</p>
          </EmptyState>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text"]}
            headings={["SKU", "Violation", "Status"]}
            rows={violations.map((v) => [
              v.sku ?? v.variantId,
              v.text,
              v.allowed ? (
                <Badge key={v.variantId}>allowed</Badge>
              ) : (
                <Badge tone="critical" key={v.variantId}>
                  violation
                </Badge>
              ),
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}

function EdgeForm({ channels, errors }: { channels: PricingData["channels"]; errors: Record<string, string> }) {
  const saving = useSubmitting({ intent: "saveEdge" });
  const options = channels.map((c) => ({ label: c.name, value: c.id }));
  const { field } = useFields(
    { watcherId: channels[0]?.id ?? "", watchedId: channels[1]?.id ?? channels[0]?.id ?? "", tolerancePercent: "0", toleranceAmount: "0" },
    errors,
  );
  const check = useChecks({ includeShipping: true, includeCoupons: true, allowViolations: false });
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="saveEdge" />
      <FormLayout>
        <FormLayout.Group condensed>
          <Select label="Watcher" options={options} {...field("watcherId")} />
          <Select label="Watches" options={options} {...field("watchedId")} />
          <TextField label="Tolerance" type="number" suffix="%" {...field("tolerancePercent")} />
          <TextField label="or amount" type="number" {...field("toleranceAmount")} />
        </FormLayout.Group>
        <InlineStack gap="400">
          <Checkbox {...check("includeShipping", "Count shipping")} />
          <Checkbox {...check("includeCoupons", "Count visible coupons")} />
          <Checkbox {...check("allowViolations", "Allow violations (never hold)")} />
        </InlineStack>
        <InlineStack align="end">
          <Button submit loading={saving} disabled={channels.length < 2}>
            Save edge
          </Button>
        </InlineStack>
      </FormLayout>
    </Form>
  );
}

/** Who watches whose price, with what tolerance, and the form that adds an edge. */
export function ParityMatrix({ edges, channels, errors }: { edges: PricingData["edges"]; channels: PricingData["channels"]; errors: Record<string, string> }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Parity matrix
        </Text>
        {edges.length === 0 ? (
          <EmptyState heading="No channel watches another" image="">
            <p>Amazon and Walmart compare your prices with every other channel; add who watches whom.</p>
          </EmptyState>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text"]}
            headings={["Watcher", "Watches", "Tolerance", "Counts", "Actions"]}
            rows={edges.map((e) => [
              e.watcherName,
              e.watchedName,
              `${e.tolerancePercent}% or ${money(e.toleranceCents)}${e.allowViolations ? " · violations allowed" : ""}`,
              [e.includeShipping ? "shipping" : null, e.includeCoupons ? "coupons" : null].filter(Boolean).join(", ") || "price only",
              <DeleteButton key={e.id} intent="deleteEdge" name="edgeId" value={e.id} />,
            ])}
          />
        )}
        <EdgeForm channels={channels} errors={errors} />
      </BlockStack>
    </Card>
  );
}
