import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { BlockStack, Card, EmptyState, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";

// What a screen shows when its loader or action fails: what happened in words, and the way back to
// the screen's list (or Overview), inside the admin's navigation, never a bare "404" or "400".
// A stale link (a record removed, or another store's id) reads as "no longer exists", the same for
// both, so another shop's records stay unseen.

/** The screen a failure happened on: what its records are called, and its list to go back to. */
export type ScreenPlace = {
  /** The record a link on this screen names, in the singular ("channel", "alert"). */
  thing: string;
  /** The list to go back to: the nav entry's words and its path. */
  back: { content: string; url: string };
};

export type ScreenErrorWords = { title: string; heading: string; body: string[]; action: { content: string; url: string } };

/** Field messages a 400 carries ({ errors: { field: message } }), as the screen's form would show them. */
function refusedFields(data: unknown): string[] {
  if (typeof data !== "object" || data === null || !("errors" in data)) return [];
  const errors = (data as { errors: unknown }).errors;
  if (typeof errors !== "object" || errors === null) return [];
  return Object.values(errors).filter((m): m is string => typeof m === "string");
}

/**
 * The words for a failure on `place`, or null when it is not ours to word: the embedded-auth
 * answers authenticate.admin throws (App Bridge's 401 retry, the bounce page) must reach Shopify's
 * boundary unchanged.
 */
export function screenErrorWords(error: unknown, place: ScreenPlace): ScreenErrorWords | null {
  const back = { content: `Open ${place.back.content}`, url: place.back.url };
  if (isRouteErrorResponse(error)) {
    if (error.status === 404)
      return {
        title: `${capitalised(place.thing)} not found`,
        heading: `This ${place.thing} no longer exists`,
        body: [`It may have been removed, or the link came from another store you manage: open it from that store's admin.`],
        action: back,
      };
    if (error.status === 400)
      return {
        title: "This link cannot be shown",
        heading: "This link asks for something the screen cannot show",
        body: [...refusedFields(error.data), `Open ${place.back.content} and choose again.`],
        action: back,
      };
    if (error.status === 403)
      return {
        title: "Not allowed",
        heading: "Your account is not allowed to do this",
        body: ["Ask the store owner to give your staff account the app's permission, then try again."],
        action: back,
      };
    if (error.status < 500) return null;
  }
  return {
    title: "Something went wrong",
    heading: "Anchorline could not show this screen",
    body: ["Nothing you did caused it, and nothing was changed. Try again in a moment; if it keeps happening, Anchorline's support has the details."],
    action: back,
  };
}

function capitalised(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The page for a failure's words, with the way back (and the admin's navigation around it). */
export function ScreenError({ words, back }: { words: ScreenErrorWords; back: ScreenPlace["back"] }) {
  return (
    <Page backAction={back} title={words.title}>
      <Card>
        <EmptyState heading={words.heading} image="" action={words.action}>
          <BlockStack gap="200">
            {words.body.map((line) => (
              <Text as="p" key={line}>
                {line}
              </Text>
            ))}
          </BlockStack>
        </EmptyState>
      </Card>
    </Page>
  );
}

/** A route's ErrorBoundary for `place`: `export const ErrorBoundary = screenErrorBoundary({...})`. */
export function screenErrorBoundary(place: ScreenPlace) {
  return function ErrorBoundary() {
    const error = useRouteError();
    const words = screenErrorWords(error, place);
    return words ? <ScreenError words={words} back={place.back} /> : boundary.error(error);
  };
}

/** The document title of a screen, as the browser tab and assistive technology read it. */
export function screenTitle(title: string) {
  return [{ title: `${title} · Anchorline` }];
}
