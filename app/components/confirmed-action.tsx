import { useNavigation, useSubmit } from "@remix-run/react";
import { Button, Modal } from "@shopify/polaris";
import { useState, type ReactNode } from "react";

// Destructive actions (disconnect a channel, cancel a promotion, reject a held price) ask first, in
// a modal that names what happens, as Shopify admin does; each button loads while its post is under way.

/** Whether the page is posting a form carrying every one of `fields` (its intent and the record it names). */
export function useSubmitting(fields: Record<string, string>): boolean {
  const navigation = useNavigation();
  const form = navigation.formData;
  if (navigation.state === "idle" || !form) return false;
  return Object.entries(fields).every(([name, value]) => form.get(name) === value);
}

/**
 * A button that opens a confirmation titled `title` (with `children` saying what stops and what is
 * kept) and posts `fields` (to `action`, or the page's own route) only when the merchant confirms.
 */
export function ConfirmedAction({
  fields,
  label,
  title,
  confirmLabel = label,
  dismissLabel = "Cancel",
  action,
  variant,
  children,
}: {
  fields: Record<string, string>;
  label: string;
  title: string;
  confirmLabel?: string;
  /** The way out that changes nothing ("Keep it" where the action itself is called Cancel). */
  dismissLabel?: string;
  action?: string;
  variant?: "plain";
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const submit = useSubmit();
  const loading = useSubmitting(fields);
  return (
    <>
      <Button tone="critical" variant={variant} loading={loading} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Modal
        open={open}
        onClose={() => setOpen(false)}
        title={title}
        primaryAction={{
          content: confirmLabel,
          destructive: true,
          loading,
          onAction: () => {
            submit(fields, { method: "post", action });
            setOpen(false);
          },
        }}
        secondaryActions={[{ content: dismissLabel, onAction: () => setOpen(false) }]}
      >
        <Modal.Section>{children}</Modal.Section>
      </Modal>
    </>
  );
}
