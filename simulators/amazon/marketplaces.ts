// What the simulator needs to know about a marketplace: its currency and language, and how
// SP-API names it in orders. From Amazon's "Marketplace IDs" table
// (developer-docs.amazon.com/sp-api/docs/marketplace-ids); unknown ids fall back to the US.
export interface MarketplaceFacts {
  name: string;
  currency: string;
  languageTag: string;
}

const MARKETPLACES: Record<string, MarketplaceFacts> = {
  ATVPDKIKX0DER: { name: "Amazon.com", currency: "USD", languageTag: "en_US" },
  A2EUQ1WTGCTBG2: { name: "Amazon.ca", currency: "CAD", languageTag: "en_CA" },
  A1AM78C64UM0Y8: { name: "Amazon.com.mx", currency: "MXN", languageTag: "es_MX" },
  A1F83G8C2ARO7P: { name: "Amazon.co.uk", currency: "GBP", languageTag: "en_GB" },
  A1PA6795UKMFR9: { name: "Amazon.de", currency: "EUR", languageTag: "de_DE" },
  A13V1IB3VIYZZH: { name: "Amazon.fr", currency: "EUR", languageTag: "fr_FR" },
  A1VC38T7YXB528: { name: "Amazon.co.jp", currency: "JPY", languageTag: "ja_JP" },
};

export const marketplaceFacts = (marketplaceId: string): MarketplaceFacts => MARKETPLACES[marketplaceId] ?? MARKETPLACES.ATVPDKIKX0DER;
