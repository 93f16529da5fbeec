import { Form, useSearchParams } from "@remix-run/react";
import { Button, Card, InlineStack, Select, TextField } from "@shopify/polaris";
import { useState } from "react";
import { ChannelFilter } from "~/components/channel-filter";
import type { inventoryPage } from "./inventory.server";

const STATE_OPTIONS = [
  { label: "Any", value: "" },
  { label: "In sync", value: "IN_SYNC" },
  { label: "Pending", value: "PENDING" },
  { label: "Held for review", value: "HELD" },
  { label: "Failed", value: "FAILED" },
];

/** The search above the table: SKU or title, channel and sync state, as a GET form filled from the address. */
export function InventoryFilters({ channels }: { channels: Awaited<ReturnType<typeof inventoryPage>>["channels"] }) {
  const [params] = useSearchParams();
  const [q, setQ] = useState(params.get("q") ?? "");
  const [state, setState] = useState(params.get("state") ?? "");
  return (
    <Card>
      <Form method="get">
        <InlineStack gap="200" blockAlign="end">
          <TextField label="SKU or title" name="q" value={q} onChange={setQ} autoComplete="off" />
          <ChannelFilter channels={channels} />
          <Select label="State" name="state" options={STATE_OPTIONS} value={state} onChange={setState} />
          <Button submit>Search</Button>
        </InlineStack>
      </Form>
    </Card>
  );
}
