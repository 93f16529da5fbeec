import { Form, useNavigation } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, Checkbox, InlineStack, List, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { ChannelPreview, VariantPreview } from "./content.server";

// One channel's card on the Listing content screen (routes/app.content.tsx): each variant's
// content as the channel will receive it, with its issues, then the form that chooses the fields
// sent and the title and description templates.

function show(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join("\n• ");
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A variant's content for the channel: its fields, whether it is listed, what is still to send, and its issues. */
function VariantContent({ variant }: { variant: VariantPreview }) {
  return (
    <Box padding="200" background={variant.blocked ? "bg-surface-critical" : "bg-surface-secondary"} borderRadius="200">
      <BlockStack gap="100">
        <InlineStack gap="200">
          <Text as="h3" variant="headingSm">
            {variant.title} {variant.sku ? `(${variant.sku})` : ""}
          </Text>
          {variant.listing ? <Badge>{variant.listing.channelSku}</Badge> : <Badge tone="attention">not listed</Badge>}
          {variant.blocked ? (
            <Badge tone="critical">will not be sent</Badge>
          ) : variant.listing?.pendingFields.length ? (
            <Badge tone="warning">{`to send: ${variant.listing.pendingFields.join(", ")}`}</Badge>
          ) : null}
        </InlineStack>
        {Object.entries(variant.fields).map(([name, value]) => (
          <Text as="p" key={name}>
            <Text as="span" fontWeight="semibold">
              {name}:
            </Text>{" "}
            {show(value)}
          </Text>
        ))}
        {variant.issues.length > 0 ? (
          <List>
            {variant.issues.map((issue, i) => (
              <List.Item key={i}>
                <Text as="span" tone={issue.severity === "error" ? "critical" : "caution"}>
                  {issue.field}: {issue.message}
                </Text>
              </List.Item>
            ))}
          </List>
        ) : null}
      </BlockStack>
    </Box>
  );
}

/** One checkbox per content field, posted as syncedFields; a field the channel does not carry is shown disabled with the reason. */
function FieldMapEditor({ rows }: { rows: ChannelPreview["map"] }) {
  const [synced, setSynced] = useState(new Set(rows.filter((r) => r.synced).map((r) => r.field)));
  return (
    <>
      {rows.map((row) => (
        <Checkbox
          key={row.field}
          label={`${row.label} (${row.sharing})`}
          name="syncedFields"
          value={row.field}
          disabled={!row.carried}
          helpText={row.carried ? undefined : row.reason}
          checked={synced.has(row.field)}
          onChange={(on) => setSynced((prev) => (on ? new Set([...prev, row.field]) : new Set([...prev].filter((f) => f !== row.field))))}
        />
      ))}
    </>
  );
}

/** The channel's content settings: the fields sent and the templates, saved (and the listings recomputed) together. */
function ChannelContentForm({ channel, productId, errors }: { channel: ChannelPreview; productId: string; errors: Record<string, string> }) {
  const [title, setTitle] = useState(channel.templates.title ?? "");
  const [description, setDescription] = useState(channel.templates.description ?? "");
  const busy = useNavigation().state === "submitting";
  return (
    <Form method="post">
      <input type="hidden" name="channelId" value={channel.id} />
      <input type="hidden" name="productId" value={productId} />
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          Fields sent to {channel.name}
        </Text>
        <FieldMapEditor rows={channel.map} />
        <TextField
          label="Title template"
          name="title"
          value={title}
          onChange={setTitle}
          autoComplete="off"
          error={errors.title}
          helpText="e.g. {{vendor}} {{title}} – {{option1}}; metafields as {{metafields.custom.material}}"
        />
        <TextField
          label="Description template"
          name="description"
          value={description}
          onChange={setDescription}
          autoComplete="off"
          multiline={3}
          error={errors.description}
        />
        {channel.templates.subtitle !== undefined ? <input type="hidden" name="subtitle" value={channel.templates.subtitle} /> : null}
        <InlineStack align="end">
          <Button submit variant="primary" loading={busy}>
            Save and recompute
          </Button>
        </InlineStack>
      </BlockStack>
    </Form>
  );
}

export function ChannelCard({ channel, productId, errors }: { channel: ChannelPreview; productId: string; errors: Record<string, string> }) {
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {channel.name}
          </Text>
          {channel.unsupported ? <Badge tone="info">no content sync</Badge> : null}
        </InlineStack>
        {channel.unsupported ? (
          <Text as="p" tone="subdued">
            {channel.unsupported}
          </Text>
        ) : (
          <>
            {channel.variants.map((variant) => (
              <VariantContent key={variant.variantId} variant={variant} />
            ))}
            <ChannelContentForm channel={channel} productId={productId} errors={errors} />
          </>
        )}
      </BlockStack>
    </Card>
  );
}
