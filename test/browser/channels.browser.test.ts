// A merchant, in a real browser, disconnects a marketplace account on the Channels screen: a
// confirmation names the account and what disconnecting does, cancelling changes nothing, and
// confirming disconnects it with its listing kept and the reconnect and remove actions offered.
// The app is the production build served by remix-serve on this run's PostgreSQL database and
// Redis (test/browser/served-app.ts); screenshots go to test-artifacts/.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();

describe("a merchant in the browser", () => {
  it("given a connected Amazon account, when the merchant disconnects it, then a confirmation says what happens first, and afterwards its listing is kept and it can be reconnected or removed", async () => {
    const { shop, channels, listing } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);

    const page = await app.embeddedPage(shop.domain, "/app/channels");
    await expectScreen(page, "Channels");
    const amazonCard = page.locator(".Polaris-ShadowBevel", { hasText: "amazon · A1SELLER" });
    await amazonCard.getByRole("button", { name: "Disconnect" }).click();
    const dialog = page.getByRole("dialog", { name: "Disconnect Amazon US?" });
    await dialog.getByText("stops importing its orders").waitFor();
    await dialog.getByText("listing links and their history are kept").waitFor();
    await screenshot(page, "channels-1-confirm-disconnect");

    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channels.amazon.id } })).status).toBe("CONNECTED");

    await amazonCard.getByRole("button", { name: "Disconnect" }).click();
    await dialog.getByRole("button", { name: "Disconnect" }).click();
    await page.getByText("Disconnected: nothing is pushed or imported").waitFor();
    await amazonCard.getByRole("button", { name: "Reconnect" }).waitFor();
    await amazonCard.getByRole("button", { name: "Remove channel" }).waitFor();
    await screenshot(page, "channels-2-disconnected");

    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channels.amazon.id } })).status).toBe("DISCONNECTED");
    expect(await prisma.listing.findUnique({ where: { id: listing.id } })).toMatchObject({ channelId: channels.amazon.id });
  });
});
