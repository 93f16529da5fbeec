import { Form } from "@remix-run/react";
import { Button } from "@shopify/polaris";
import { useState } from "react";
import type { pricingPage } from "./pricing.server";
import type { SCOPE_REFERENCE } from "~/rules/scopes.server";

// What the Pricing screen's sections share: the loader's data, how a price reads, the forms'
// controlled fields and checkboxes, and the Remove button of a table row.

export type PricingData = Awaited<ReturnType<typeof pricingPage>> & { scopeReference: typeof SCOPE_REFERENCE };

export const money = (cents: number | null) => (cents === null ? "–" : (cents / 100).toFixed(2));

export { useFields } from "~/components/use-fields";

export function useChecks(initial: Record<string, boolean>) {
  const [values, setValues] = useState(initial);
  // value "on" as a plain checkbox posts it: without one, React gives the hydrated input value "",
  // which the action reads as unchecked.
  const check = (name: string, label: string) => ({
    name,
    label,
    value: "on",
    checked: values[name],
    onChange: (v: boolean) => setValues((prev) => ({ ...prev, [name]: v })),
  });
  return check;
}

export function DeleteButton({ intent, name, value }: { intent: string; name: string; value: string }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name={name} value={value} />
      <Button submit variant="plain" tone="critical">
        Remove
      </Button>
    </Form>
  );
}
