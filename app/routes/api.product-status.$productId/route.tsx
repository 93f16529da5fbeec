import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { NotFoundForShop } from "~/lib/errors";
import { productStatus, shopifyProductId } from "./product-status.server";
import { authenticate } from "~/shopify.server";

// GET /api/product-status/:productId: what the admin block on the product details page shows
// (extensions/product-status-block). Shopify admin's fetch from the extension carries a session
// token for the shop; the answer is that shop's product only. JSON, never an HTML page: an
// extension cannot follow the bounce page a token-less document request would get.

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "cache-control": "private, no-store" } });

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  // Without a token this is not a call the block makes; say so rather than start a login.
  if (!/^Bearer\s+\S+/i.test(request.headers.get("authorization") ?? "")) return json({ error: "A Shopify session token is required" }, 401);
  const { session, cors } = await authenticate.admin(request);
  const productId = shopifyProductId(params.productId ?? "");
  if (!productId) return cors(json({ errors: { productId: "Not a Shopify product id" } }, 400));
  try {
    return cors(json(await productStatus(session.shop, productId)));
  } catch (error) {
    if (error instanceof NotFoundForShop) return cors(json({ errors: { productId: error.message } }, 404));
    throw error;
  }
};

// The extension runs on Shopify's CDN origin, so the browser asks first (OPTIONS, a CORS
// preflight); authenticate.admin answers it with the CORS headers. Remix sends OPTIONS here.
export const action = async ({ request }: ActionFunctionArgs) => {
  await authenticate.admin(request);
  return json({ errors: { form: "Only GET" } }, 405);
};
