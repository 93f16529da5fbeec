// A merchant, in a real browser, plans a promotion on the Promotions screen (throttling eBay while
// it runs, refused until the throttle has a number), runs its pre-launch checklist, finds it
// blocked (Amazon wants more notice than the promotion gives) with the fix suggested, and launches
// it anyway with a reason, which the screen and the audit keep. Served app and browser: ./served-app.ts.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();
const HOUR_MS = 3_600_000;
/** A datetime-local field's value for a UTC instant (the screen reads its fields as UTC). */
const utcField = (at: Date) => at.toISOString().slice(0, 16);

describe("a merchant planning a promotion in the browser", () => {
  it("creates a promotion, sees its checklist fail on Amazon's notice, and launches it with an override", async () => {
    // Given Amazon US asks for 24 hours' notice of a promotion, and KET-RED is offered there (5 units at 54.99: its velocity buffer counts eBay's sale)
    const { shop, channels } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    await prisma.channel.update({ where: { id: channels.amazon.id }, data: { settings: { promotionNoticeHours: 24 } } });
    await prisma.listing.updateMany({ where: { shopId: shop.id }, data: { staleSince: new Date() } });
    await recomputeStaleListings(shop.id);

    // When the merchant plans 20 % off KET-RED on Amazon, starting in 3 hours, for two days
    const page = await app.embeddedPage(shop.domain, "/app/promotions");
    await expectScreen(page, "Promotions");
    const startsAt = new Date(Date.now() + 3 * HOUR_MS);
    await page.getByLabel("Name", { exact: true }).fill("Weekend flash");
    await page.getByLabel("Starts (UTC)").fill(utcField(startsAt));
    await page.getByLabel("Ends (UTC)").fill(utcField(new Date(startsAt.getTime() + 48 * HOUR_MS)));
    await page.getByLabel("Amazon US").check();
    await page.getByLabel("Variant SKUs").fill("KET-RED");
    await page.getByLabel("Discount (%)").fill("20");
    await page.getByLabel("Units reserved for the promotion").fill("3");
    // and throttles eBay to 2 units while it runs: first with no number, which the screen refuses on its field
    await page.getByLabel("Other channels while it runs").selectOption("throttle");
    await page.getByLabel("eBay US").nth(1).check();
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Give the most units the other channels may list while the promotion runs").waitFor();
    expect(await prisma.promotion.count({ where: { shopId: shop.id, name: "Weekend flash" } })).toBe(0);
    await page.getByLabel("At most (units)").fill("2");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Promotion saved as a draft: run its checklist before launching").waitFor();
    const card = page.locator(".Polaris-ShadowBevel").filter({ has: page.getByRole("heading", { name: "Weekend flash" }) });
    await expect.poll(() => card.innerText()).toMatch(/draft[\s\S]*20% off · reserve 3 · on Amazon US · KET-RED/);
    await card.getByText("While it runs: eBay US at most 2 units").waitFor();
    await screenshot(page, "promotions-1-draft");

    // and runs its checklist
    await card.getByRole("button", { name: "Run the checklist" }).click();
    await card.getByText("Checklist failed: 1 issue").waitFor();
    // Then the failure shows in a critical banner with its suggested fix, what passed below it, each
    // verdict in a badge of its tone (Polaris reads the tone out first): Amazon's notice fails;
    // demand passes; MAP raises nothing (20 % off 54.99 stays above 39.99)
    await card.getByText("The checklist failed: 1 to fix before launch").waitFor();
    const items = card.locator("li");
    await expect
      .poll(() => items.allInnerTexts())
      .toEqual([
        expect.stringMatching(
          /^Critical\s+fail\s+Amazon US needs 24 hours' notice; the promotion starts in 2\.\d+ hours — Fix: Move the start later so the channel gets its notice, or leave that channel out$/,
        ),
        expect.stringMatching(/^Success\s+pass\s+KET-RED: projected demand 0 units .* against 5 units available$/),
      ]);
    // and the launch is blocked until the merchant overrides it
    const launch = card.getByRole("button", { name: "Launch" });
    expect(await launch.isDisabled()).toBe(true);
    await screenshot(page, "promotions-2-checklist-failed");

    // When the merchant overrides the checklist without a reason, then with one
    await card.getByLabel("Launch despite the failing checklist").check();
    expect(await launch.isDisabled()).toBe(false);
    await launch.click();
    await card.getByText("Give a reason to launch despite the checklist").waitFor();
    await card.getByLabel("Launch despite the failing checklist").check();
    await card.getByLabel("Why").fill("Agreed with Amazon's vendor manager by phone");
    await card.getByRole("button", { name: "Launch" }).click();

    // Then it is launched, waiting for its window, with the override shown on the promotion
    await card.getByText(/^Launched; it starts at its window\. Checklist failed \(1 issue\), overridden by merchant:/).waitFor();
    await expect.poll(() => card.innerText()).toMatch(/ready/);
    await card.getByText(/Overridden by merchant:.*: Agreed with Amazon's vendor manager by phone/).waitFor();
    await screenshot(page, "promotions-3-launched");
    const promotion = await prisma.promotion.findFirstOrThrow({ where: { shopId: shop.id, name: "Weekend flash" } });
    // The reserve box was left as it comes, ticked; the throttle is eBay's alone.
    expect(promotion).toMatchObject({
      status: "READY",
      reserveUnits: 3,
      discountKind: "PERCENT",
      discountValue: 2000,
      exclusiveReserve: true,
      autoPause: { mode: "throttle", throttleUnits: 2, channelIds: [channels.ebay.id] },
    });
    expect(promotion.overriddenBy).toMatch(/^merchant:/);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { shopId: shop.id, subjectId: promotion.id, action: "promotion.launched_with_override" } });
    expect(audit.details).toMatchObject({ overrideReason: "Agreed with Amazon's vendor manager by phone", verdict: "fail" });
  });
});
