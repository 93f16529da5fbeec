import { Form } from "@remix-run/react";
import { BlockStack, Button, Card, Checkbox, DataTable, EmptyState, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { DeleteButton, money, type PricingData, useChecks, useFields } from "./fields";
import { useSubmitting } from "~/components/confirmed-action";

const SCOPE_OPTIONS = [
  { label: "Every listing of the channel", value: "channel" },
  { label: "A product tag", value: "tag" },
  { label: "A product", value: "product" },
  { label: "A variant", value: "variant" },
  { label: "One listing", value: "listing" },
];

const ROUNDING_OPTIONS = [
  { label: "None", value: "none" },
  { label: "Up to .99", value: "cents99" },
  { label: "Up to .95", value: "cents95" },
  { label: "Up to a whole amount", value: "whole" },
];

/** A new rule's fields before the merchant changes them (the channel: the first one). */
const RULE_DEFAULTS = {
  scope: "channel",
  scopeRef: "",
  differentialPercent: "0",
  differentialAmount: "0",
  rounding: "none",
  feePercent: "0",
  fixedFee: "0",
  shipping: "0",
  minMarginPercent: "0",
};

/** The form that adds a price rule: scope, differential and rounding, then the fees and floor. */
export function PriceRuleForm({
  channels,
  scopeReference,
  errors,
}: {
  channels: PricingData["channels"];
  scopeReference: PricingData["scopeReference"];
  errors: Record<string, string>;
}) {
  const saving = useSubmitting({ intent: "saveRule" });
  const { values, field } = useFields({ channelId: channels[0]?.id ?? "", ...RULE_DEFAULTS }, errors);
  const check = useChecks({ mapIsAnchor: false });
  const scope = values.scope as keyof PricingData["scopeReference"] | "channel";
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="saveRule" />
        <FormLayout>
          <Text as="h3" variant="headingSm">
            New price rule
          </Text>
          <Text as="p" tone="subdued">
            Channel price = anchor × (1 + differential %) + amount, then rounding; never below MAP.
          </Text>
          <FormLayout.Group condensed>
            <Select label="Channel" options={channels.map((c) => ({ label: c.name, value: c.id }))} {...field("channelId")} />
            <Select label="Applies to" options={SCOPE_OPTIONS} {...field("scope")} />
            {scope !== "channel" ? <TextField label={scopeReference[scope]} {...field("scopeRef")} /> : <input type="hidden" name="scopeRef" value="" />}
          </FormLayout.Group>
          <FormLayout.Group condensed>
            <TextField label="Differential" type="number" suffix="%" {...field("differentialPercent")} />
            <TextField label="Plus amount" type="number" {...field("differentialAmount")} />
            <Select label="Rounding" options={ROUNDING_OPTIONS} {...field("rounding")} />
          </FormLayout.Group>
          <Checkbox {...check("mapIsAnchor", "Start from MAP instead of the Shopify price")} />
          <FormLayout.Group condensed>
            <TextField label="Channel fee" type="number" suffix="%" {...field("feePercent")} />
            <TextField label="Fixed fee" type="number" {...field("fixedFee")} />
            <TextField label="Shipping cost" type="number" {...field("shipping")} />
            <TextField label="Minimum margin" type="number" suffix="%" {...field("minMarginPercent")} />
          </FormLayout.Group>
          <InlineStack align="end">
            <Button submit loading={saving} variant="primary" disabled={channels.length === 0}>
              Save price rule
            </Button>
          </InlineStack>
        </FormLayout>
      </Form>
    </Card>
  );
}

/** The price rules in force. */
export function PriceRules({ rules }: { rules: PricingData["rules"] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Price rules
        </Text>
        {rules.length === 0 ? (
          <EmptyState heading="No price rules" image="">
            <p>Every channel gets the Shopify price until you add a differential.</p>
          </EmptyState>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text", "text"]}
            headings={["Channel", "Applies to", "Differential", "Rounding", "Fees and floor", "Actions"]}
            rows={rules.map((r) => [
              r.channelName,
              r.target,
              `${r.differentialPercent}% ${r.differentialCents >= 0 ? "+" : "−"} ${money(Math.abs(r.differentialCents))}${r.mapIsAnchor ? " (from MAP)" : ""}`,
              r.rounding,
              `fee ${r.feePercent}% + ${money(r.fixedFeeCents)}, shipping ${money(r.shippingCents)}, margin ${r.minMarginPercent}%`,
              <DeleteButton key={r.id} intent="deleteRule" name="ruleId" value={r.id} />,
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}
