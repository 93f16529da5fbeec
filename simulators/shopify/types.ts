// In-memory records of a simulated shop. Ids are decimal strings (see ids.ts); times are epoch ms.

export interface LocationRec {
  __typename: "Location";
  id: string;
  name: string;
  isActive: boolean;
  fulfillsOnlineOrders: boolean;
  address1: string;
  city: string;
  countryCode: string;
  zip: string;
  createdAt: number;
  updatedAt: number;
  /** Position in the per-item level arrays. */
  slot: number;
}

export interface ProductRec {
  __typename: "Product";
  id: string;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  /** ProductStatus of 2026-10. UNLISTED: active, reachable only by direct link (not in search or collections). */
  status: "ACTIVE" | "ARCHIVED" | "DRAFT" | "UNLISTED";
  tags: string[];
  createdAt: number;
  updatedAt: number;
  variants: VariantRec[];
}

/**
 * A smart collection's condition, as CollectionRule has it (column, relation, condition). The
 * simulator evaluates the product-level columns below; others are refused when created.
 */
export interface CollectionRuleRec {
  column: "TAG" | "TITLE" | "TYPE" | "VENDOR";
  relation: "EQUALS" | "NOT_EQUALS" | "CONTAINS" | "NOT_CONTAINS" | "STARTS_WITH" | "ENDS_WITH";
  condition: string;
}

/**
 * A collection: custom (products added by hand, kept in `products`) or smart (`ruleSet` set, its
 * products whatever matches the rules at the moment they are read, as Shopify keeps them).
 */
export interface CollectionRec {
  __typename: "Collection";
  id: string;
  handle: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** The products of a custom collection, in the order added; unused for a smart one. */
  products: ProductRec[];
  ruleSet: { appliedDisjunctively: boolean; rules: CollectionRuleRec[] } | null;
}

export interface VariantRec {
  __typename: "ProductVariant";
  id: string;
  product: ProductRec;
  title: string;
  position: number;
  sku: string;
  barcode: string | null;
  price: string;
  compareAtPrice: string | null;
  createdAt: number;
  updatedAt: number;
  inventoryItem: InventoryItemRec;
  /**
   * A bundle's parent variant (2026-10 `requiresComponents`: "can only be purchased as a parent
   * bundle with components"), set with its components by Store.setVariantComponents. Absent: false.
   */
  requiresComponents?: boolean;
  /** Its `productVariantComponents`: each component variant and the quantity of it in one bundle. */
  components?: VariantComponentRec[];
}

/** A ProductVariantComponent: "a product variant component that is included within a bundle". */
export interface VariantComponentRec {
  __typename: "ProductVariantComponent";
  id: string;
  productVariant: VariantRec;
  quantity: number;
}

/** Quantity names the simulator keeps apart from available/committed (rare, so stored lazily). */
export type ExtraQuantityName = "reserved" | "damaged" | "safety_stock" | "quality_control" | "incoming";

/** Quantities of one item at one location. on_hand is derived (see store.ts). Kept small: 100k variants x N locations. */
export interface LevelRec {
  available: number;
  committed: number;
  updatedAt: number;
  extra?: Partial<Record<ExtraQuantityName, number>>;
  /** Created by an adjustment where the item was not stocked (2026-10): read only with includeInactive. */
  inactive?: true;
}

export interface InventoryItemRec {
  __typename: "InventoryItem";
  id: string;
  variant: VariantRec;
  sku: string;
  cost: string;
  tracked: boolean;
  requiresShipping: boolean;
  createdAt: number;
  updatedAt: number;
  /** Indexed by LocationRec.slot; undefined where the item is not stocked. */
  levels: (LevelRec | undefined)[];
}

/** What GraphQL resolves for an InventoryLevel: a view joining item, location and quantities. */
export interface LevelView {
  __typename: "InventoryLevel";
  item: InventoryItemRec;
  location: LocationRec;
  level: LevelRec;
}

export interface InventoryChangeRec {
  name: string;
  delta: number;
  quantityAfterChange: number;
  item: InventoryItemRec;
  location: LocationRec;
  ledgerDocumentUri: string | null;
}

export interface AdjustmentGroupRec {
  __typename: "InventoryAdjustmentGroup";
  id: string;
  createdAt: number;
  reason: string;
  referenceDocumentUri: string | null;
  changes: InventoryChangeRec[];
}

export interface BulkOperationRec {
  __typename: "BulkOperation";
  id: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED";
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  query: string;
  createdAt: number;
  completedAt: number | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  filePath: string | null;
}

/** A postal address given to orderCreate (MailingAddressInput); only the fields the simulator keeps. */
export interface AddressRec {
  id: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  provinceCode: string | null;
  countryCode: string | null;
  zip: string | null;
  phone: string | null;
}

export interface TaxLineRec {
  title: string;
  rate: string;
  /** Shop-currency amount; null when the input gave none. */
  amount: string | null;
  /** "Whether the channel that submitted the tax line is liable for remitting"; null: "unknown liability". */
  channelLiable: boolean | null;
}

export interface TransactionRec {
  id: string;
  kind: string;
  status: string;
  gateway: string | null;
  amount: string;
  test: boolean;
  processedAt: number;
}

export interface OrderLineRec {
  id: string;
  /** null for a custom line item (no variantId). */
  variant: VariantRec | null;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string | null;
  /** Unit price in the order's currency. */
  price: string;
  quantity: number;
  /** Where its inventory was claimed (available -> committed), or null when none was (BYPASS, custom, untracked). */
  location: LocationRec | null;
  fulfilledQuantity: number;
  requiresShipping: boolean;
  taxable: boolean;
  taxLines: TaxLineRec[];
}

export interface FulfillmentRec {
  __typename: "Fulfillment";
  id: string;
  /** `<order name>.<n>`, as Shopify names fulfillments. */
  name: string;
  order: OrderRec;
  location: LocationRec;
  createdAt: number;
  updatedAt: number;
  trackingCompany: string | null;
  trackingNumbers: string[];
  lines: { id: string; line: OrderLineRec; quantity: number }[];
}

export type OrderCancelReason = "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "OTHER" | "STAFF";

export interface OrderRec {
  __typename: "Order";
  id: string;
  name: string;
  number: number;
  createdAt: number;
  updatedAt: number;
  processedAt: number;
  lines: OrderLineRec[];
  tags: string[];
  sourceName: string | null;
  sourceIdentifier: string | null;
  /** undefined: an order made by Store.sell, whose webhook keeps the contract example's customer data. */
  email?: string | null;
  phone?: string | null;
  shippingAddress?: AddressRec | null;
  note: string | null;
  currency: string;
  test: boolean;
  /** OrderDisplayFinancialStatus; derived from the transactions when orderCreate is not told. */
  financialStatus: string;
  taxLines: TaxLineRec[];
  taxesIncluded: boolean;
  transactions: TransactionRec[];
  fulfillments: FulfillmentRec[];
  cancelledAt: number | null;
  cancelReason: OrderCancelReason | null;
  /** Set when every line is fulfilled or the order is cancelled, with its payments complete (Order.closed). */
  closedAt: number | null;
}

export type NodeRec =
  LocationRec | ProductRec | CollectionRec | VariantRec | InventoryItemRec | LevelView | AdjustmentGroupRec | BulkOperationRec | OrderRec | FulfillmentRec;
