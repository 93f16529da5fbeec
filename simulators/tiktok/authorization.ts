// TikTok Shop's seller authorization, simulated: the page a seller opens from an app's
// authorization link, the one-time code it sends back, and which shops the tokens then reach.
//
// "Authorization overview" (partner.tiktokshop.com/docv2/page/authorization-overview): the app's
// link is https://services.tiktokshop.com/open/authorize?service_id=<service id> (rest of world)
// or https://services.us.tiktokshop.com/open/authorize?service_id=... (US sellers), with the app's
// own `state`; the seller signs in, reviews the app and authorizes; TikTok then sends the browser
// to the redirect URL registered for the app in Partner Center (the link carries none) with
// `app_key`, `code`, `locale`, `shop_region` and `state` (as sellers' redirects show them). The code
// goes to GET /api/v2/token/get once. One authorization covers every shop the seller holds: Get
// Authorized Shops lists them, each with the `cipher` shop calls carry.
import { createHash, randomBytes } from "node:crypto";
import type { SimRequest, SimResponse } from "../common/http";
import { ok } from "./envelope";
import type { TikTokShop } from "./state";

/** An app as registered in Partner Center: its key and secret, its service id and redirect URL. */
export interface TikTokAppRegistration {
  serviceId: string;
  appKey: string;
  appSecret: string;
  /** What the authorization page shows the seller. */
  name: string;
  /** Where TikTok sends the seller back after the authorization page. */
  redirectUrl: string;
}

/** A seller account that can sign in on the authorization page, holding shops of the simulator by cipher. */
export interface TikTokSellerSpec {
  name: string;
  shops: Array<{ cipher: string; name?: string; region?: string }>;
}

/**
 * How long an authorization code can be exchanged. TikTok Shop's pages give no figure; 10 minutes
 * is what TikTok documents for its other OAuth codes (Login Kit): an assumption.
 */
export const AUTH_CODE_TTL_MS = 10 * 60_000;

/** "This service does not exist": what TikTok's page says for a service id no app has (sellers' reports). */
const UNKNOWN_SERVICE = "This service does not exist";

/** A shop's id, as Get Authorized Shops and webhooks give it: digits, stable for its cipher. */
export function tiktokShopId(cipher: string): string {
  return `7${BigInt(`0x${createHash("sha256").update(cipher).digest("hex").slice(0, 15)}`)
    .toString()
    .padStart(18, "0")}`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(status: number, title: string, body: string): SimResponse {
  return {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
    raw: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`,
  };
}

interface IssuedCode {
  appKey: string;
  ciphers: string[];
  expiresAt: number;
}

export class TikTokAuthorization {
  private readonly apps: TikTokAppRegistration[];
  private readonly sellers: TikTokSellerSpec[];
  private readonly codes = new Map<string, IssuedCode>();
  /** The seller the sign-in form offers first (signInAs). */
  private signedIn: string | undefined;

  constructor(
    private readonly shops: Map<string, TikTokShop>,
    options: { apps?: TikTokAppRegistration[]; sellers?: TikTokSellerSpec[] },
    private readonly now: () => number = () => Date.now(),
  ) {
    this.apps = options.apps ?? [];
    // By default each shop is its own seller's one shop.
    this.sellers = options.sellers ?? [...shops.keys()].map((cipher) => ({ name: `Seller of ${cipher}`, shops: [{ cipher }] }));
    for (const seller of this.sellers)
      for (const { cipher } of seller.shops) if (!shops.has(cipher)) throw new Error(`TikTok simulator: seller ${seller.name} holds no shop ${cipher}`);
  }

  /** The test's hook: the seller the authorization page signs in as unless another is chosen there. */
  signInAs(sellerName: string): void {
    if (!this.sellers.some((s) => s.name === sellerName)) throw new Error(`TikTok simulator: no seller ${sellerName}`);
    this.signedIn = sellerName;
  }

  /** A code as the authorization page gives one, for a seller's shops (the test's shortcut past the page). */
  issueCode(appKey: string, ciphers: string[]): string {
    const code = `TTP_${randomBytes(24).toString("base64url")}`;
    this.codes.set(code, { appKey, ciphers, expiresAt: this.now() + AUTH_CODE_TTL_MS });
    return code;
  }

  /** Takes a code once: the shops it authorizes, or why not. Expired codes are gone as used ones are. */
  takeCode(appKey: string, code: string): { shops: TikTokShop[] } | null {
    const issued = this.codes.get(code);
    if (!issued || issued.appKey !== appKey) return null;
    this.codes.delete(code);
    if (issued.expiresAt <= this.now()) return null;
    return { shops: issued.ciphers.map((cipher) => this.shops.get(cipher)!) };
  }

  /** The seller's shop as Get Authorized Shops lists it. */
  private shopEntry(shop: TikTokShop) {
    const cipher = shop.spec.shopCipher;
    const held = this.sellers.flatMap((s) => s.shops).find((s) => s.cipher === cipher);
    const region = held?.region ?? "US";
    return {
      id: tiktokShopId(cipher),
      name: held?.name ?? `Shop ${cipher}`,
      region,
      seller_type: region === "US" ? "LOCAL" : "CROSS_BORDER",
      cipher,
      code: `${region}LC${tiktokShopId(cipher).slice(-4)}`,
    };
  }

  /** Get Authorized Shops: every shop the access token reaches (one authorization covers all the seller's shops). */
  authorizedShops(caller: TikTokShop): SimResponse {
    const reached = [...this.shops.values()].filter((s) => s.accessToken === caller.accessToken && !s.revoked);
    return ok({ shops: reached.map((s) => this.shopEntry(s)) });
  }

  /** The authorization page (GET) and the seller's answer on it (POST); null for other paths. */
  handle(request: SimRequest): SimResponse | null {
    if (request.path !== "/open/authorize") return null;
    if (request.method === "GET") return this.authorizePage(request.query);
    if (request.method === "POST") return this.answer(new URLSearchParams(request.rawBody));
    return page(405, "Method not allowed", "<p>Method not allowed</p>");
  }

  private authorizePage(query: URLSearchParams): SimResponse {
    const app = this.apps.find((a) => a.serviceId === query.get("service_id"));
    if (!app) return page(404, UNKNOWN_SERVICE, `<h1>${UNKNOWN_SERVICE}</h1>`);
    const first = this.signedIn ?? this.sellers[0]?.name;
    const options = this.sellers
      .map((s) => `<option value="${escapeHtml(s.name)}"${s.name === first ? " selected" : ""}>${escapeHtml(s.name)}</option>`)
      .join("");
    return page(
      200,
      `Authorize ${app.name}`,
      `<h1>Authorize ${escapeHtml(app.name)}</h1>
<p>${escapeHtml(app.name)} is asking to access your TikTok Shop: your products, inventory, prices and orders.</p>
<form method="post" action="/open/authorize">
<input type="hidden" name="service_id" value="${escapeHtml(app.serviceId)}">
<input type="hidden" name="state" value="${escapeHtml(query.get("state") ?? "")}">
<label>Signed in as seller <select name="seller">${options}</select></label>
<button type="submit" name="decision" value="authorize">Authorize</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</form>`,
    );
  }

  private answer(form: URLSearchParams): SimResponse {
    const app = this.apps.find((a) => a.serviceId === form.get("service_id"));
    if (!app) return page(404, UNKNOWN_SERVICE, `<h1>${UNKNOWN_SERVICE}</h1>`);
    const seller = this.sellers.find((s) => s.name === form.get("seller"));
    if (!seller) return page(400, "Sign in", "<p>Sign in with a seller account to authorize this app.</p>");
    const back = new URL(app.redirectUrl);
    const state = form.get("state") ?? "";
    if (form.get("decision") !== "authorize") {
      // TikTok Shop documents no redirect for a seller who declines. Our reading: the OAuth 2.0
      // refusal (RFC 6749 4.1.2.1, as TikTok's Login Kit answers it): error=access_denied, a
      // description in words, and the app's state.
      back.searchParams.set("error", "access_denied");
      back.searchParams.set("error_description", "The seller declined to authorize the app.");
      back.searchParams.set("state", state);
      return { status: 302, headers: { location: back.href } };
    }
    const ciphers = seller.shops.map((s) => s.cipher);
    back.searchParams.set("app_key", app.appKey);
    back.searchParams.set("code", this.issueCode(app.appKey, ciphers));
    back.searchParams.set("locale", "en");
    back.searchParams.set("shop_region", seller.shops[0]?.region ?? "US");
    back.searchParams.set("state", state);
    return { status: 302, headers: { location: back.href } };
  }
}
