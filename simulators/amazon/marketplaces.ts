// What the simulator needs to know about a marketplace: its currency and language, and how
// SP-API names it in orders. From Amazon's "Marketplace IDs" table
// (developer-docs.amazon.com/sp-api/docs/marketplace-ids); unknown ids fall back to the US.
export interface MarketplaceFacts {
  name: string;
  currency: string;
  languageTag: string;
  /**
   * The fulfillment_channel_code of Amazon-fulfilled (FBA) stock in the marketplace's region:
   * AMAZON_NA, AMAZON_EU, AMAZON_JP (Amazon's product type definitions; "DEFAULT" is the seller's).
   */
  afnChannelCode: string;
}

const MARKETPLACES: Record<string, MarketplaceFacts> = {
  ATVPDKIKX0DER: { name: "Amazon.com", currency: "USD", languageTag: "en_US", afnChannelCode: "AMAZON_NA" },
  A2EUQ1WTGCTBG2: { name: "Amazon.ca", currency: "CAD", languageTag: "en_CA", afnChannelCode: "AMAZON_NA" },
  A1AM78C64UM0Y8: { name: "Amazon.com.mx", currency: "MXN", languageTag: "es_MX", afnChannelCode: "AMAZON_NA" },
  A1F83G8C2ARO7P: { name: "Amazon.co.uk", currency: "GBP", languageTag: "en_GB", afnChannelCode: "AMAZON_EU" },
  A1PA6795UKMFR9: { name: "Amazon.de", currency: "EUR", languageTag: "de_DE", afnChannelCode: "AMAZON_EU" },
  A13V1IB3VIYZZH: { name: "Amazon.fr", currency: "EUR", languageTag: "fr_FR", afnChannelCode: "AMAZON_EU" },
  A1VC38T7YXB528: { name: "Amazon.co.jp", currency: "JPY", languageTag: "ja_JP", afnChannelCode: "AMAZON_JP" },
};

export const marketplaceFacts = (marketplaceId: string): MarketplaceFacts => MARKETPLACES[marketplaceId] ?? MARKETPLACES.ATVPDKIKX0DER;
