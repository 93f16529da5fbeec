// A merchant, in a real browser: a held price rejected only after the confirmation naming its SKU
// and channel (Cancel changes nothing), and a stale link that opens a page saying what happened
// with the way back to its list, in the admin's frame, with a document title.
// Served app and browser: ./served-app.ts.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();

async function shopWithHeldPrice() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  await prisma.listing.deleteMany({ where: { shopId: seeded.shop.id } });
  const held = await prisma.listing.create({
    data: {
      shopId: seeded.shop.id,
      channelId: seeded.channels.amazon.id,
      variantId: seeded.variant.id,
      channelSku: "KET-RED",
      syncState: "HELD",
      desiredPriceCents: 5499,
      pushedPriceCents: 4999,
      syncMessage: "Price held for review: 54.99 is more than the price guardrail from 49.99",
    },
  });
  return { ...seeded, held };
}

describe("a merchant's screens asking first and failing in words", () => {
  it("given a held price, when the merchant rejects it, then a confirmation names it, Cancel changes nothing, and confirming keeps the live price", async () => {
    const { shop, held } = await shopWithHeldPrice();
    const page = await app.embeddedPage(shop.domain, "/app/pricing");
    await expectScreen(page, "Pricing and parity");
    expect(await page.title()).toBe("Pricing and parity · Anchorline");

    await page.getByRole("button", { name: "Reject", exact: true }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Reject the held price for KET-RED on Amazon US?").waitFor();
    await dialog.getByText("KET-RED on Amazon US keeps its live price 49.99; 54.99 is not sent.").waitFor();
    await screenshot(page, "manners-1-reject-asks-first");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: held.id } })).syncState).toBe("HELD");

    await page.getByRole("button", { name: "Reject", exact: true }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Reject" }).click();
    await page.getByText("Rejected: the live price stays").waitFor();
    const after = await prisma.listing.findUniqueOrThrow({ where: { id: held.id } });
    expect(after.syncState).not.toBe("HELD");
    expect(after.pushedPriceCents).toBe(4999);
  });

  it("given a stale link to a channel's listings, when the merchant opens it, then the page says the channel no longer exists and its link leads back to Channels", async () => {
    const { shop } = await shopWithHeldPrice();
    const page = await app.embeddedPage(shop.domain, "/app/channels/no-such-channel/listings");
    await page.getByRole("heading", { name: "Channel not found" }).waitFor();
    await page.getByText("This channel no longer exists").waitFor();
    expect(await page.title()).toMatch(/· Anchorline$/);
    expect(await page.locator("body").innerText()).not.toMatch(/\b404\b/);
    await screenshot(page, "manners-2-stale-link");

    await page.getByRole("link", { name: "Open Channels" }).click();
    await expectScreen(page, "Channels");
  });
});
