import { Form } from "@remix-run/react";
import { BlockStack, Button, Card, DataTable, EmptyState, InlineStack, Text } from "@shopify/polaris";
import { money, type PricingData } from "./fields";

type HeldPush = PricingData["held"][number];
type HeldGroup = PricingData["heldGroups"][number];

/** Approve and Reject for a whole group: one form each, posting the group and the count the merchant saw. */
export function GroupReviewButtons({ group, held, action }: { group: string; held: number; action?: string }) {
  return (
    <InlineStack gap="100">
      {(["approveGroup", "rejectGroup"] as const).map((intent) => (
        <Form method="post" action={action} key={intent}>
          <input type="hidden" name="intent" value={intent} />
          <input type="hidden" name="group" value={group} />
          <input type="hidden" name="held" value={String(held)} />
          <Button submit variant={intent === "approveGroup" ? "primary" : undefined}>
            {intent === "approveGroup" ? `Approve all ${held}` : `Reject all ${held}`}
          </Button>
        </Form>
      ))}
    </InlineStack>
  );
}

/** The pushes held for parity, by cause and pair of channels: one decision for each group. */
function HeldGroups({ groups }: { groups: HeldGroup[] }) {
  if (groups.length === 0) return null;
  return (
    <DataTable
      columnContentTypes={["text", "text", "numeric", "text"]}
      headings={["Cause", "Held on · would break parity with", "Held", ""]}
      rows={groups.map((g) => [g.cause, `${g.channelName} · ${g.otherName}`, g.held, <GroupReviewButtons key={g.group} group={g.group} held={g.held} />])}
    />
  );
}

/** Approve and Reject for one held push: each its own form posting the listing. */
function ReviewButtons({ listingId }: { listingId: string }) {
  return (
    <InlineStack gap="100">
      {(["approve", "reject"] as const).map((intent) => (
        <Form method="post" key={intent}>
          <input type="hidden" name="intent" value={intent} />
          <input type="hidden" name="listingId" value={listingId} />
          <Button submit variant={intent === "approve" ? "primary" : undefined}>
            {intent === "approve" ? "Approve" : "Reject"}
          </Button>
        </Form>
      ))}
    </InlineStack>
  );
}

/** The pushes parity or the price guardrail holds back, waiting for the merchant's decision. */
export function HeldPushes({ held, groups }: { held: HeldPush[]; groups: HeldGroup[] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Held pushes
        </Text>
        {held.length === 0 ? (
          <EmptyState heading="Nothing waiting for review" image="">
            <p>A price that would break parity on an edge you have not allowed, or that is beyond the price guardrail, waits here for your decision.</p>
          </EmptyState>
        ) : (
          <BlockStack gap="300">
            <HeldGroups groups={groups} />
            <DataTable
              columnContentTypes={["text", "text", "numeric", "numeric", "text", "text"]}
              headings={["Listing", "Channel", "Live", "Held", "Why", ""]}
              rows={held.map((l) => [
                `${l.channelSku} · ${l.title}`,
                l.channelName,
                money(l.pushedPriceCents),
                money(l.desiredPriceCents),
                l.reason ?? "",
                <ReviewButtons key={l.id} listingId={l.id} />,
              ])}
            />
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
