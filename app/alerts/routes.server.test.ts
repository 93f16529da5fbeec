import { ZodError } from "zod";
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { uniqueShopDomain } from "../../test/factories";
import { createAlertRoute } from "./routes.server";

describe("alert routes", () => {
  it.each(["https://", "not a url", "ftp://hooks.slack.com/services/x"])(
    "given a Slack target %j, when the route is created, then it is refused as a validation error and nothing is stored",
    async (target) => {
      const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("routes") } });

      const refusal = await createAlertRoute(prisma, shop.id, { transport: "SLACK", target }).catch((error: unknown) => error);

      expect(refusal).toBeInstanceOf(ZodError);
      expect(await prisma.alertRoute.count({ where: { shopId: shop.id } })).toBe(0);
    },
  );
});
