// The Admin API version every call uses; shopify.server.ts (ApiVersion.October26) and
// shopify.app.toml's webhooks api_version say the same.
export const apiVersionForAdmin = "2026-10";
