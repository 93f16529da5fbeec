/**
 * A page of the embedded app as the merchant opens it: inside the shop's Shopify admin (the app's
 * client id in SHOPIFY_API_KEY), or, where no client id is set (the demo, tests), on the app's own
 * address. Links sent outside the admin (alert emails, a marketplace's consent redirect) use it.
 */
export function embeddedAppUrl(shopDomain: string, path: string, source: NodeJS.ProcessEnv = process.env): string {
  const apiKey = source.SHOPIFY_API_KEY;
  if (apiKey) return `https://${shopDomain}/admin/apps/${encodeURIComponent(apiKey)}${path}`;
  return `${(source.SHOPIFY_APP_URL ?? "").replace(/\/$/, "")}${path}`;
}
