// eBay (Sell Inventory and Fulfillment APIs through the ebay-api library): the Connector interface
// for one seller account on one eBay marketplace.
export { createEbayConnector, EBAY_LIMITS, type EbayConnectorOptions } from "./connector";
export { closeSharedRevisionRedis, RedisRevisionCounter, type RevisionCounter, type RevisionReservation } from "./revisions.server";
