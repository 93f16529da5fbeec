// A merchant, in a real browser, reviews the first push of a newly connected eBay account and
// goes live: the Channels screen says it is not live yet and links to the review; the review
// shows the quantities and the largest price moves against what eBay showed, the one beyond the
// price guardrail flagged, and eBay's content fields unticked; going live asks first, and after
// it the account is live with only the ticked field sent. Screenshots go to test-artifacts/.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();

describe("a merchant in the browser", () => {
  it("given a newly connected eBay account with linked listings, when the merchant reviews its first push and goes live, then the review shows what changes and the account is live with only the title opted in", async () => {
    const { shop, channels, variant } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    const ebay = await prisma.channel.update({ where: { id: channels.ebay.id }, data: { liveAt: null } });
    const computed = { shopId: shop.id, channelId: ebay.id, variantId: variant.id, desiredVersion: 1, syncState: "PENDING" as const };
    // What the recompute computed, against what eBay showed when its listings were read.
    await prisma.listing.create({
      data: { ...computed, channelSku: "EB-RED", desiredQuantity: 0, observedQuantity: 4, desiredPriceCents: 4999, observedPriceCents: 2000 },
    });
    await prisma.listing.create({
      data: { ...computed, channelSku: "EB-BLUE", desiredQuantity: 6, observedQuantity: 6, desiredPriceCents: 4999, observedPriceCents: 4599 },
    });

    const channelsPage = await app.embeddedPage(shop.domain, "/app/channels");
    await expectScreen(channelsPage, "Channels");
    const ebayCard = channelsPage.locator(".Polaris-ShadowBevel", { hasText: "ebay · seller1" });
    await ebayCard.getByText("Not live yet — review the first push").waitFor();
    // The factory's Amazon account was connected before go-live existed: live, no banner.
    expect(await channelsPage.getByText("Not live yet — review the first push").count()).toBe(1);
    await screenshot(channelsPage, "go-live-1-channels");

    // The row links to the review.
    expect(await ebayCard.getByRole("link", { name: "Review the first push" }).getAttribute("href")).toBe(`/app/channels/${ebay.id}/go-live`);
    await channelsPage.close();

    const page = await app.embeddedPage(shop.domain, `/app/channels/${ebay.id}/go-live`);
    await expectScreen(page, "Go live on eBay US");
    await page.getByText("1 listing changes quantity").waitFor();
    await page.getByText("1 listing goes to 0").waitFor();
    await page.getByText("1 listing keeps the quantity the marketplace shows").waitFor();
    // The largest move first: $20.00 → $49.99 is +150%, beyond the ±50% guardrail.
    const rows = page.locator("tbody tr");
    await expect
      .poll(() => rows.allInnerTexts())
      .toEqual([
        expect.stringMatching(/^EB-RED\s+Kettle — Red\s+\$20\.00\s+\$49\.99\s+\+150%[\s\S]*Beyond ±50%/),
        expect.stringMatching(/^EB-BLUE\s+Kettle — Red\s+\$45\.99\s+\$49\.99\s+\+8\.7%/),
      ]);
    await page.getByText("1 price moves more than the ±50% price guardrail").waitFor();
    const title = page.getByRole("checkbox", { name: "Overwrite eBay's title on the first push" });
    expect(await title.isChecked()).toBe(false);
    await title.check();
    await screenshot(page, "go-live-2-review");

    await page.getByRole("button", { name: "Go live" }).click();
    const dialog = page.getByRole("dialog", { name: "Go live on eBay US?" });
    await dialog.getByText("Content overwritten: title.").waitFor();
    await screenshot(page, "go-live-3-confirm");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: ebay.id } })).liveAt).toBeNull();

    await page.getByRole("button", { name: "Go live" }).click();
    await dialog.getByRole("button", { name: "Go live" }).click();
    await page.getByText("eBay US is live: its first push of 2 listings is under way").waitFor();
    await page.getByText(/^Live since/).waitFor();
    await screenshot(page, "go-live-4-live");

    const live = await prisma.channel.findUniqueOrThrow({ where: { id: ebay.id } });
    expect(live.liveAt).not.toBeNull();
    expect(live.settings).toMatchObject({ goLive: { overwriteContent: ["title"] }, content: { fields: { title: true, description: false, images: false } } });
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "channel.went_live", subjectId: ebay.id } })).toBe(1);
  });
});
