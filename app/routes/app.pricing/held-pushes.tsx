import { Form } from "@remix-run/react";
import { BlockStack, Button, Card, DataTable, EmptyState, InlineStack, Text } from "@shopify/polaris";
import { ConfirmedAction, useSubmitting } from "~/components/confirmed-action";
import { money, type PricingData } from "./fields";

type HeldPush = PricingData["held"][number];
type HeldGroup = PricingData["heldGroups"][number];

/** Approve and Reject for a whole group: each posts the group and the count the merchant saw; Reject asks first. */
export function GroupReviewButtons({ group, held, action }: { group: string; held: number; action?: string }) {
  const fields = { group, held: String(held) };
  const approving = useSubmitting({ intent: "approveGroup", ...fields });
  return (
    <InlineStack gap="100">
      <Form method="post" action={action}>
        <input type="hidden" name="intent" value="approveGroup" />
        <input type="hidden" name="group" value={group} />
        <input type="hidden" name="held" value={String(held)} />
        <Button submit variant="primary" loading={approving}>{`Approve all ${held}`}</Button>
      </Form>
      <ConfirmedAction fields={{ intent: "rejectGroup", ...fields }} action={action} label={`Reject all ${held}`} title={`Reject ${held} held prices?`}>
        <Text as="p">
          None of the {held} held prices is sent: each listing keeps the price live on its channel now, and one with nothing live yet stays held.
        </Text>
      </ConfirmedAction>
    </InlineStack>
  );
}

/** The pushes held for parity, by cause and pair of channels: one decision for each group. */
function HeldGroups({ groups }: { groups: HeldGroup[] }) {
  if (groups.length === 0) return null;
  return (
    <DataTable
      columnContentTypes={["text", "text", "numeric", "text"]}
      headings={["Cause", "Held on · would break parity with", "Held", "Decision"]}
      rows={groups.map((g) => [g.cause, `${g.channelName} · ${g.otherName}`, g.held, <GroupReviewButtons key={g.group} group={g.group} held={g.held} />])}
    />
  );
}

/** Approve and Reject for one held push, named by its SKU and channel; Reject asks first. */
function ReviewButtons({ push }: { push: HeldPush }) {
  const approving = useSubmitting({ intent: "approve", listingId: push.id });
  const named = `${push.channelSku} on ${push.channelName}`;
  return (
    <InlineStack gap="100">
      <Form method="post">
        <input type="hidden" name="intent" value="approve" />
        <input type="hidden" name="listingId" value={push.id} />
        <Button submit variant="primary" loading={approving} accessibilityLabel={`Approve ${named}`}>
          Approve
        </Button>
      </Form>
      <ConfirmedAction fields={{ intent: "reject", listingId: push.id }} label="Reject" title={`Reject the held price for ${named}?`}>
        <Text as="p">
          {push.pushedPriceCents === null
            ? `${named} has no live price yet: it stays held, and ${money(push.desiredPriceCents)} is not sent.`
            : `${named} keeps its live price ${money(push.pushedPriceCents)}; ${money(push.desiredPriceCents)} is not sent.`}
        </Text>
      </ConfirmedAction>
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
              headings={["Listing", "Channel", "Live", "Held", "Why", "Decision"]}
              rows={held.map((l) => [
                `${l.channelSku} · ${l.title}`,
                l.channelName,
                money(l.pushedPriceCents),
                money(l.desiredPriceCents),
                l.reason ?? "",
                <ReviewButtons key={l.id} push={l} />,
              ])}
            />
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
