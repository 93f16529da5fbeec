// Which SP-API region serves a marketplace, and the language its listings are written in. From
// Amazon's "Marketplace IDs" and "SP-API Endpoints" tables (developer-docs.amazon.com/sp-api);
// only the marketplaces Anchorline sells in are listed.
export type SpApiRegion = "na" | "eu" | "fe";

export interface Marketplace {
  region: SpApiRegion;
  languageTag: string;
}

const MARKETPLACES: Record<string, Marketplace> = {
  ATVPDKIKX0DER: { region: "na", languageTag: "en_US" }, // Amazon.com
  A2EUQ1WTGCTBG2: { region: "na", languageTag: "en_CA" }, // Amazon.ca
  A1AM78C64UM0Y8: { region: "na", languageTag: "es_MX" }, // Amazon.com.mx
  A1F83G8C2ARO7P: { region: "eu", languageTag: "en_GB" }, // Amazon.co.uk
  A1PA6795UKMFR9: { region: "eu", languageTag: "de_DE" }, // Amazon.de
  A13V1IB3VIYZZH: { region: "eu", languageTag: "fr_FR" }, // Amazon.fr
  A1VC38T7YXB528: { region: "fe", languageTag: "ja_JP" }, // Amazon.co.jp
};

export function marketplaceOf(marketplaceId: string): Marketplace | undefined {
  return MARKETPLACES[marketplaceId];
}

/** The SP-API host of a region ("SP-API Endpoints": sellingpartnerapi-na/-eu/-fe.amazon.com). */
export const spApiHost = (region: SpApiRegion) => `sellingpartnerapi-${region}.amazon.com`;
