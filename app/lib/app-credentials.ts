// The app's own developer credentials on each marketplace that asks merchants for consent (an
// Amazon SP-API application, an eBay developer keyset, a TikTok Shop app): settings of the
// deployment, read from the environment and validated at start (app/lib/env.server.ts), never
// stored per shop. A merchant only consents; each shop stores only its own sealed tokens. Walmart
// has none: its sellers create their own API keys in Seller Center and give them to the app.

/** The marketplaces by their module's kind (app/channels/<kind>/module.ts). */
type MarketplaceKind = "amazon" | "ebay" | "walmart" | "tiktok";

/** One credential of the app's, by the name its connector reads it under and its setting's name. */
export interface AppCredentialSetting {
  /** The name the connector reads (ConnectorConfig.credentials), as for per-account credentials. */
  name: string;
  /** The environment variable holding it. */
  env: string;
  /** What it is, in the developer console's words. */
  label: string;
}

export const APP_CREDENTIALS: Partial<Record<MarketplaceKind, readonly AppCredentialSetting[]>> = {
  // Solution Provider Portal: the application's id (in the consent URL) and its LWA client.
  amazon: [
    { name: "applicationId", env: "AMAZON_SP_APP_ID", label: "SP-API application id (amzn1.sp.solution...)" },
    { name: "clientId", env: "AMAZON_LWA_CLIENT_ID", label: "LWA client identifier" },
    { name: "clientSecret", env: "AMAZON_LWA_CLIENT_SECRET", label: "LWA client secret" },
  ],
  // developer.ebay.com, Application Keys: the production keyset and the app's RuName (redirect URL name).
  ebay: [
    { name: "appId", env: "EBAY_APP_ID", label: "App ID (Client ID)" },
    { name: "certId", env: "EBAY_CERT_ID", label: "Cert ID (Client Secret)" },
    { name: "ruName", env: "EBAY_RU_NAME", label: "RuName (eBay Redirect URL name)" },
  ],
  // TikTok Shop Partner Center: the app's key and secret, and its service id (in the authorization URL).
  tiktok: [
    { name: "appKey", env: "TIKTOK_APP_KEY", label: "App key" },
    { name: "appSecret", env: "TIKTOK_APP_SECRET", label: "App secret" },
    { name: "serviceId", env: "TIKTOK_SERVICE_ID", label: "Service id" },
  ],
};

type Source = Record<string, string | undefined>;

/**
 * The app's credentials on a marketplace, by connector name, or null where the deployment has not
 * set them (that marketplace then cannot be connected through consent).
 */
export function appCredentialsOf(kind: MarketplaceKind, source: Source = process.env): Record<string, string> | null {
  const settings = APP_CREDENTIALS[kind];
  if (!settings) return null;
  const values = settings.map((s) => [s.name, source[s.env]?.trim() ?? ""] as const);
  if (values.some(([, value]) => !value)) return null;
  return Object.fromEntries(values);
}

/**
 * What is wrong with the app credentials settings: a marketplace's set given in part (a typo in
 * one name would otherwise leave the marketplace silently unconnectable). All or none per marketplace.
 */
export function appCredentialProblems(source: Source): { setting: string; message: string }[] {
  const problems: { setting: string; message: string }[] = [];
  for (const settings of Object.values(APP_CREDENTIALS)) {
    const given = settings.filter((s) => source[s.env]?.trim());
    if (given.length === 0 || given.length === settings.length) continue;
    for (const missing of settings.filter((s) => !source[s.env]?.trim()))
      problems.push({
        setting: missing.env,
        message: `${missing.env} is required with ${given.map((s) => s.env).join(", ")} (the app's ${missing.label})`,
      });
  }
  return problems;
}
