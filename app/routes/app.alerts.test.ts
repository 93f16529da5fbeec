import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { openRouteTarget } from "~/alerts/routes.server";
import { queues } from "~/queues.server";
import { adminRequest, installShopSession } from "../../test/admin-request";
import { seedShopWithEveryModel } from "../../test/factories";
import { action, loader } from "./app.alerts";

afterAll(async () => {
  await queues().close();
});

const args = (request: Request) => ({ request, params: {}, context: {} });
type Answer = { data: { ok: boolean; intent: string | null; errors: Record<string, string>; message?: string }; init: { status: number } | null };

async function shopInSession() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  return seeded;
}

async function post(shopDomain: string, form: Record<string, string>): Promise<Answer> {
  return (await action(args(await adminRequest(shopDomain, "/app/alerts", { form })))) as unknown as Answer;
}

const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 10, minute));

describe("the Alerts screen: alerts", () => {
  it("pages through the shop's open and acknowledged alerts newest first, without resolved ones or another shop's", async () => {
    const { shop, channels } = await shopInSession();
    const other = await seedShopWithEveryModel(prisma);
    // The seed's own oversell alert is the newest (raised now); these are older, two in the same
    // millisecond, and pages of three end between those two: a cursor on createdAt alone would
    // skip the second.
    const make = (title: string, createdAt: Date, state: "OPEN" | "ACKNOWLEDGED" | "RESOLVED" = "OPEN") =>
      prisma.alert.create({ data: { shopId: shop.id, kind: "DRIFT", dedupeKey: `drift:${title}`, title, state, createdAt, channelId: channels.amazon.id } });
    await make("d4", at(4));
    await make("d3a", at(3));
    await make("d3b", at(3));
    await make("d2", at(2), "ACKNOWLEDGED");
    await make("d1", at(1), "RESOLVED");
    await make("d0", at(0));
    await prisma.alert.create({ data: { shopId: other.shop.id, kind: "DRIFT", dedupeKey: "drift:theirs", title: "theirs", createdAt: at(5) } });

    const titles: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof loader>> = await loader(
        args(await adminRequest(shop.domain, `/app/alerts?pageSize=3${cursor ? `&before=${cursor}` : ""}`)),
      );
      titles.push(...page.alerts.map((a) => a.title));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);

    const sameMillisecond = titles.slice(2, 4).sort();
    expect(titles[0]).toBe("Oversold");
    expect(titles[1]).toBe("d4");
    expect(sameMillisecond).toEqual(["d3a", "d3b"]);
    expect(titles.slice(4)).toEqual(["d2", "d0"]);
    expect(pages).toBe(2);
  });

  it("shows each alert's kind, respond-by, channel and state, and filters by kind and state", async () => {
    const { shop, channels } = await shopInSession();
    const respondBy = new Date(Date.now() - 60_000);
    await prisma.alert.create({
      data: { shopId: shop.id, kind: "PARITY_VIOLATION", dedupeKey: "parity:x", title: "Cheaper on eBay", respondBy, channelId: channels.amazon.id },
    });
    await prisma.alert.create({
      data: { shopId: shop.id, kind: "PARITY_VIOLATION", dedupeKey: "parity:y", title: "Acknowledged parity", state: "ACKNOWLEDGED" },
    });

    const parity = await loader(args(await adminRequest(shop.domain, "/app/alerts?kind=PARITY_VIOLATION&state=OPEN")));
    expect(parity.alerts).toEqual([
      {
        id: expect.any(String),
        kind: "PARITY_VIOLATION",
        state: "OPEN",
        title: "Cheaper on eBay",
        channel: "Amazon US",
        createdAt: expect.any(String),
        respondBy: respondBy.toISOString(),
        overdue: true,
      },
    ]);
    const acknowledged = await loader(args(await adminRequest(shop.domain, "/app/alerts?state=ACKNOWLEDGED")));
    expect(acknowledged.alerts.map((a) => a.title)).toEqual(["Acknowledged parity"]);
  });

  it("refuses a state filter of resolved and an unknown kind", async () => {
    const { shop } = await shopInSession();
    for (const query of ["state=RESOLVED", "kind=NOPE"]) {
      const thrown = (await loader(args(await adminRequest(shop.domain, `/app/alerts?${query}`))).catch((e: unknown) => e)) as { init: { status: number } };
      expect(thrown.init.status).toBe(400);
    }
  });

  it("acknowledges, then resolves an alert, each recorded as the merchant's act, and says when it was already done", async () => {
    const { shop } = await shopInSession();
    const alert = await prisma.alert.findFirstOrThrow({ where: { shopId: shop.id, title: "Oversold" } });

    expect((await post(shop.domain, { intent: "acknowledge", alertId: alert.id })).data).toMatchObject({ ok: true, message: "Alert acknowledged" });
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).state).toBe("ACKNOWLEDGED");
    // Still listed: acknowledged means someone is on it, not that it is over.
    expect((await loader(args(await adminRequest(shop.domain, "/app/alerts")))).alerts.find((a) => a.id === alert.id)?.state).toBe("ACKNOWLEDGED");

    expect((await post(shop.domain, { intent: "resolve", alertId: alert.id })).data).toMatchObject({ ok: true, message: "Alert resolved" });
    const resolved = await prisma.alert.findUniqueOrThrow({ where: { id: alert.id } });
    expect(resolved.state).toBe("RESOLVED");
    expect(resolved.dedupeKey).toBe(`${alert.dedupeKey}|resolved:${alert.id}`);
    expect((await loader(args(await adminRequest(shop.domain, "/app/alerts")))).alerts.some((a) => a.id === alert.id)).toBe(false);

    const audit = await prisma.auditEvent.findMany({ where: { shopId: shop.id, subjectId: alert.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((e) => [e.action, e.actor.startsWith("merchant:")])).toEqual([
      ["alert.acknowledged", true],
      ["alert.resolved", true],
    ]);
    expect((await post(shop.domain, { intent: "acknowledge", alertId: alert.id })).data).toMatchObject({
      ok: false,
      message: "The alert was already acknowledged",
    });
  });

  it("refuses another shop's alert with 404 and leaves it open", async () => {
    const mine = await shopInSession();
    const theirs = await seedShopWithEveryModel(prisma);
    const theirAlert = await prisma.alert.findFirstOrThrow({ where: { shopId: theirs.shop.id } });
    for (const intent of ["acknowledge", "resolve"]) {
      const answer = await post(mine.shop.domain, { intent, alertId: theirAlert.id });
      expect(answer.init?.status).toBe(404);
      expect(answer.data.errors.form).toBe("Alert not found");
    }
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: theirAlert.id } })).state).toBe("OPEN");
    expect(await prisma.auditEvent.count({ where: { subjectId: theirAlert.id } })).toBe(0);
  });
});

describe("the Alerts screen: where alerts go", () => {
  const slackUrl = "https://hooks.slack.com/services/T0ANCHOR/B0LINE/sEcReTtOkEn123456789xyz";

  it("adds a Slack route sealed, and never sends its URL to the browser", async () => {
    const { shop } = await shopInSession();
    const answer = await post(shop.domain, { intent: "createRoute", transport: "SLACK", kind: "OVERSELL", target: slackUrl });
    expect(answer.data).toMatchObject({ ok: true, intent: "createRoute" });

    const stored = await prisma.alertRoute.findFirstOrThrow({ where: { shopId: shop.id, transport: "SLACK" } });
    expect(stored.target).not.toContain("sEcReTtOkEn");
    expect(openRouteTarget(stored)).toEqual([slackUrl]);
    expect(stored.kind).toBe("OVERSELL");

    const page = await loader(args(await adminRequest(shop.domain, "/app/alerts")));
    expect(JSON.stringify(page)).not.toContain("sEcReTtOkEn");
    expect(JSON.stringify(page)).not.toContain(stored.target); // nor the ciphertext
    expect(page.routes.find((r) => r.id === stored.id)).toMatchObject({ transport: "SLACK", kind: "OVERSELL", target: "Slack incoming webhook" });
    // The activity log is shown in the browser too.
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { shopId: shop.id, action: "alert_route.created" } });
    expect(JSON.stringify(audit.details)).not.toContain("sEcReTtOkEn");
  });

  it("adds an email route for every kind with quiet hours and a digest, and shows it as stored", async () => {
    const { shop } = await shopInSession();
    const form = {
      intent: "createRoute",
      transport: "EMAIL",
      kind: "ALL",
      target: "night@kettle.test; day@kettle.test",
      quietStart: "22:00",
      quietEnd: "07:00",
      quietTimeZone: "Europe/Berlin",
      digest: "on",
    };
    expect((await post(shop.domain, form)).data.ok).toBe(true);

    const stored = await prisma.alertRoute.findFirstOrThrow({ where: { shopId: shop.id, target: { contains: "night@" } } });
    expect([stored.kind, stored.target, stored.quietHours, stored.digest]).toEqual([
      null,
      "night@kettle.test, day@kettle.test",
      { start: "22:00", end: "07:00", timeZone: "Europe/Berlin" },
      true,
    ]);
    const page = await loader(args(await adminRequest(shop.domain, "/app/alerts")));
    expect(page.routes.find((r) => r.id === stored.id)).toEqual({
      id: stored.id,
      transport: "EMAIL",
      kind: null,
      target: "night@kettle.test, day@kettle.test",
      quietHours: { start: "22:00", end: "07:00" },
      timeZone: "Europe/Berlin",
      digest: true,
    });
  });

  it.each([
    ["a bad email address", { transport: "EMAIL", target: "ops@kettle.test, not-an-address" }, "target", "not-an-address: not an email address"],
    [
      "a Slack URL that is not https",
      { transport: "SLACK", target: "http://hooks.slack.com/services/T/B/x" },
      "target",
      "A Slack webhook URL starts with https://",
    ],
    [
      "a Slack target that is not a URL",
      { transport: "SLACK", target: "https://" },
      "target",
      "This is not a URL: copy the webhook URL from Slack's app settings",
    ],
    [
      "an unknown time zone",
      { transport: "EMAIL", target: "ops@kettle.test", quietTimeZone: "Mars/Olympus" },
      "quietTimeZone",
      "timeZone must be an IANA time zone such as Europe/Berlin",
    ],
    [
      "quiet hours with a start and no end",
      { transport: "EMAIL", target: "ops@kettle.test", quietStart: "22:00" },
      "quietEnd",
      "Give both the start and the end of quiet hours, or neither",
    ],
    [
      "a quiet hour that is not a time",
      { transport: "EMAIL", target: "ops@kettle.test", quietStart: "25:00", quietEnd: "07:00" },
      "quietStart",
      "start must be HH:MM",
    ],
  ])("refuses %s with the field's message and adds nothing", async (_, fields, field, message) => {
    const { shop } = await shopInSession();
    const answer = await post(shop.domain, { intent: "createRoute", kind: "ALL", ...fields });
    expect(answer.init?.status).toBe(400);
    expect(answer.data.intent).toBe("createRoute");
    expect(answer.data.errors[field]).toBe(message);
    expect(await prisma.alertRoute.count({ where: { shopId: shop.id } })).toBe(1); // the seed's own
  });

  it("deletes the shop's route, and refuses another shop's with 404", async () => {
    const mine = await shopInSession();
    const theirs = await seedShopWithEveryModel(prisma);
    const myRoute = await prisma.alertRoute.findFirstOrThrow({ where: { shopId: mine.shop.id } });
    const theirRoute = await prisma.alertRoute.findFirstOrThrow({ where: { shopId: theirs.shop.id } });

    expect((await post(mine.shop.domain, { intent: "deleteRoute", routeId: theirRoute.id })).init?.status).toBe(404);
    expect(await prisma.alertRoute.count({ where: { id: theirRoute.id } })).toBe(1);

    expect((await post(mine.shop.domain, { intent: "deleteRoute", routeId: myRoute.id })).data.ok).toBe(true);
    expect(await prisma.alertRoute.count({ where: { id: myRoute.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { shopId: mine.shop.id, action: "alert_route.deleted", subjectId: myRoute.id } })).toBe(1);
  });
});

describe("the Alerts screen: the weekly sync-health report", () => {
  it("given the merchant names recipients and keeps the email on, then the report goes to them; an address that is not one is refused naming the field, and nothing is saved", async () => {
    const { shop } = await shopInSession();
    // By default: on, to the email routes' addresses.
    expect((await loader(args(await adminRequest(shop.domain, "/app/alerts")))).healthReport).toEqual({ email: true, recipients: [] });

    const refused = await post(shop.domain, { intent: "healthReport", email: "on", recipients: "boss@example.com, not-an-address" });
    expect(refused.init?.status).toBe(400);
    expect(refused.data.errors).toEqual({ recipients: 'Recipients: "not-an-address" is not an email address' });
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).settings).toEqual({});

    const saved = await post(shop.domain, { intent: "healthReport", email: "on", recipients: "boss@example.com, ops2@example.com" });
    expect(saved.data).toMatchObject({ ok: true, message: "Weekly report settings saved" });
    expect((await loader(args(await adminRequest(shop.domain, "/app/alerts")))).healthReport).toEqual({
      email: true,
      recipients: ["boss@example.com", "ops2@example.com"],
    });

    // Unticked: the checkbox is absent from the form.
    await post(shop.domain, { intent: "healthReport", recipients: "" });
    expect((await loader(args(await adminRequest(shop.domain, "/app/alerts")))).healthReport).toEqual({ email: false, recipients: [] });
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "shop.health_report_changed" } })).toBe(2);
  });
});
