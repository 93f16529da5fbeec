import { UNSAFE_ErrorResponseImpl as ErrorResponseImpl } from "@remix-run/router";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { adminRequest } from "../../test/admin-request";
import { seedShopInSession } from "../../test/factories";
import { loader as alertLoader } from "../routes/app.alerts_.$id";
import { loader as goLiveLoader } from "../routes/app.channels_.$id.go-live/route";
import { loader as listingsLoader } from "../routes/app.channels_.$id.listings/route";
import { loader as ordersLoader } from "../routes/app.orders/route";
import { ScreenError, screenErrorWords, type ScreenPlace } from "./screen-error";

afterAll(async () => {
  await queues().close();
});

type Loader = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;

/** What a loader threw, as the browser's route boundary receives it: Remix turns a thrown data() into an error response. */
async function thrownBy(loader: Loader, request: Request, params: Record<string, string> = {}): Promise<unknown> {
  const thrown = await loader({ request, params, context: {} }).then(
    () => null,
    (e: unknown) => e,
  );
  if (thrown === null) throw new Error("the loader answered instead of failing");
  const { data, init } = thrown as { data: unknown; init: { status: number } };
  return new ErrorResponseImpl(init.status, "", data);
}

/** The page the screen shows for `error`, as HTML. */
function errorPage(error: unknown, place: ScreenPlace): string {
  const words = screenErrorWords(error, place);
  if (!words) throw new Error("the error went to Shopify's boundary");
  return renderToStaticMarkup(
    <AppProvider i18n={en}>
      <ScreenError words={words} back={place.back} />
    </AppProvider>,
  );
}

/** The page's words, without its markup (whose styles hold numbers like 400px). */
const visibleText = (html: string) => html.replace(/<[^>]+>/g, " ");

const CHANNELS: ScreenPlace = { thing: "channel", back: { content: "Channels", url: "/app/channels" } };

describe("a screen's error page", () => {
  it("given a stale link to a channel's listings or go-live review, when the merchant opens it, then the page says the channel no longer exists and links back to Channels", async () => {
    const mine = await seedShopInSession(prisma);
    const theirs = await seedShopInSession(prisma);
    for (const id of ["no-such-channel", theirs.channels.amazon.id]) {
      for (const [loader, path] of [
        [listingsLoader, `/app/channels/${id}/listings`],
        [goLiveLoader, `/app/channels/${id}/go-live`],
      ] as const) {
        const html = errorPage(await thrownBy(loader as Loader, await adminRequest(mine.shop.domain, path), { id }), CHANNELS);
        expect(html).toContain("This channel no longer exists");
        expect(html).toContain('href="/app/channels"');
        expect(html).toContain("Open Channels");
        expect(visibleText(html)).not.toMatch(/\b404\b/);
      }
    }
  });

  it("given a stale alert link, when the merchant opens it, then the page says the alert no longer exists and links back to Alerts", async () => {
    const mine = await seedShopInSession(prisma);
    const error = await thrownBy(alertLoader as Loader, await adminRequest(mine.shop.domain, "/app/alerts/gone"), { id: "gone" });
    const html = errorPage(error, { thing: "alert", back: { content: "Alerts", url: "/app/alerts" } });
    expect(html).toContain("Alert not found");
    expect(html).toContain("This alert no longer exists");
    expect(html).toContain('href="/app/alerts"');
  });

  it("given a link with a filter the screen refuses, when the merchant opens it, then the page says so with the field's message and links back to the list, not a bare 400", async () => {
    const mine = await seedShopInSession(prisma);
    const error = await thrownBy(ordersLoader as Loader, await adminRequest(mine.shop.domain, "/app/orders?channelId=no-such-channel"));
    const html = errorPage(error, { thing: "order", back: { content: "Orders", url: "/app/orders" } });
    expect(html).toContain("This link asks for something the screen cannot show");
    expect(html).toContain("Channel must be one of this shop&#x27;s channels");
    expect(html).toContain('href="/app/orders"');
    expect(visibleText(html)).not.toMatch(/\b400\b/);
  });

  it("given a failure inside Anchorline, when a screen fails, then it says something went wrong in words, with no message or stack, and offers the way back", () => {
    const html = errorPage(new Error("connect ECONNREFUSED 127.0.0.1:5432 at /work/main/app/db.server.ts"), CHANNELS);
    expect(html).toContain("Anchorline could not show this screen");
    expect(html).toContain('href="/app/channels"');
    expect(html).not.toContain("ECONNREFUSED");
    expect(html).not.toContain("db.server");
  });

  it("given Shopify's embedded-auth answer (App Bridge's 401 retry), when it reaches the boundary, then it is left to Shopify's boundary", () => {
    expect(screenErrorWords(new ErrorResponseImpl(401, "Unauthorized", ""), CHANNELS)).toBeNull();
  });
});
