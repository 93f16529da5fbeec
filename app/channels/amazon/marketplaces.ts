// Which SP-API region serves a marketplace, and the language its listings are written in. From
// Amazon's "Marketplace IDs" and "SP-API Endpoints" tables (developer-docs.amazon.com/sp-api);
// only the marketplaces Anchorline sells in are listed.
export type SpApiRegion = "na" | "eu" | "fe";

export interface Marketplace {
  region: SpApiRegion;
  languageTag: string;
  /**
   * The Seller Central its sellers sign in to, where the consent page is (the SP-API Developer
   * Guide's "Seller Central URLs" table: "construct OAuth authorization URIs for the marketplaces
   * in which selling partners will authorize your application").
   */
  sellerCentral: string;
}

const MARKETPLACES: Record<string, Marketplace> = {
  ATVPDKIKX0DER: { region: "na", languageTag: "en_US", sellerCentral: "https://sellercentral.amazon.com" }, // Amazon.com
  A2EUQ1WTGCTBG2: { region: "na", languageTag: "en_CA", sellerCentral: "https://sellercentral.amazon.ca" }, // Amazon.ca
  A1AM78C64UM0Y8: { region: "na", languageTag: "es_MX", sellerCentral: "https://sellercentral.amazon.com.mx" }, // Amazon.com.mx
  A1F83G8C2ARO7P: { region: "eu", languageTag: "en_GB", sellerCentral: "https://sellercentral-europe.amazon.com" }, // Amazon.co.uk
  A1PA6795UKMFR9: { region: "eu", languageTag: "de_DE", sellerCentral: "https://sellercentral-europe.amazon.com" }, // Amazon.de
  A13V1IB3VIYZZH: { region: "eu", languageTag: "fr_FR", sellerCentral: "https://sellercentral-europe.amazon.com" }, // Amazon.fr
  A1VC38T7YXB528: { region: "fe", languageTag: "ja_JP", sellerCentral: "https://sellercentral.amazon.co.jp" }, // Amazon.co.jp
};

/** The marketplace ids Anchorline sells in, for messages that ask for one. */
export const MARKETPLACE_IDS = Object.keys(MARKETPLACES);

export function marketplaceOf(marketplaceId: string): Marketplace | undefined {
  return MARKETPLACES[marketplaceId];
}

/** The SP-API host of a region ("SP-API Endpoints": sellingpartnerapi-na/-eu/-fe.amazon.com). */
export const spApiHost = (region: SpApiRegion) => `sellingpartnerapi-${region}.amazon.com`;
