/* eslint-disable eslint-comments/disable-enable-pair */
/* eslint-disable eslint-comments/no-unlimited-disable */
/* eslint-disable */
import type * as AdminTypes from './admin.types.js';

export type LocationsQueryVariables = AdminTypes.Exact<{
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type LocationsQuery = { locations: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<Pick<AdminTypes.Location, 'id' | 'name' | 'isActive'>> } };

export type RunBulkMutationVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars['String']['input'];
}>;


export type RunBulkMutation = { bulkOperationRunQuery?: AdminTypes.Maybe<{ bulkOperation?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status'>>, userErrors: Array<Pick<AdminTypes.BulkOperationUserError, 'field' | 'message'>> }> };

export type BulkStatusQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type BulkStatusQuery = { node?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status' | 'errorCode' | 'objectCount' | 'url'>> };

export type ProductBundleComponentsQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type ProductBundleComponentsQuery = { product?: AdminTypes.Maybe<{ variants: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<(
        Pick<AdminTypes.ProductVariant, 'id' | 'requiresComponents'>
        & { productVariantComponents: { nodes: Array<(
            Pick<AdminTypes.ProductVariantComponent, 'quantity'>
            & { productVariant: Pick<AdminTypes.ProductVariant, 'id'> }
          )> } }
      )> } }> };

export type CollectionForMirrorQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type CollectionForMirrorQuery = { collection?: AdminTypes.Maybe<(
    Pick<AdminTypes.Collection, 'id' | 'handle' | 'title' | 'updatedAt'>
    & { ruleSet?: AdminTypes.Maybe<Pick<AdminTypes.CollectionRuleSet, 'appliedDisjunctively'>>, products: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<Pick<AdminTypes.Product, 'id'>> } }
  )> };

export type ProductCollectionsForMirrorQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type ProductCollectionsForMirrorQuery = { product?: AdminTypes.Maybe<{ collections: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<(
        Pick<AdminTypes.Collection, 'id' | 'handle' | 'title' | 'updatedAt'>
        & { ruleSet?: AdminTypes.Maybe<Pick<AdminTypes.CollectionRuleSet, 'appliedDisjunctively'>> }
      )> } }> };

export type InventoryLevelsOfItemsQueryVariables = AdminTypes.Exact<{
  ids: Array<AdminTypes.Scalars['ID']['input']> | AdminTypes.Scalars['ID']['input'];
  locations: AdminTypes.Scalars['Int']['input'];
}>;


export type InventoryLevelsOfItemsQuery = { nodes: Array<AdminTypes.Maybe<(
    Pick<AdminTypes.InventoryItem, 'id'>
    & { inventoryLevels: { nodes: Array<(
        Pick<AdminTypes.InventoryLevel, 'updatedAt'>
        & { location: Pick<AdminTypes.Location, 'id'>, quantities: Array<Pick<AdminTypes.InventoryQuantity, 'name' | 'quantity'>> }
      )> } }
  )>> };

export type ProductVariantsForMirrorQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type ProductVariantsForMirrorQuery = { product?: AdminTypes.Maybe<{ variants: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<(
        Pick<AdminTypes.ProductVariant, 'id' | 'title' | 'sku' | 'barcode' | 'price' | 'compareAtPrice'>
        & { selectedOptions: Array<Pick<AdminTypes.SelectedOption, 'name' | 'value'>>, inventoryItem: (
          Pick<AdminTypes.InventoryItem, 'id' | 'tracked' | 'sku' | 'requiresShipping'>
          & { unitCost?: AdminTypes.Maybe<Pick<AdminTypes.MoneyV2, 'amount'>> }
        ) }
      )> } }> };

export type ShopTimeZoneQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type ShopTimeZoneQuery = { shop: Pick<AdminTypes.Shop, 'ianaTimezone'> };

export type CreateMarketplaceOrderMutationVariables = AdminTypes.Exact<{
  order: AdminTypes.OrderCreateOrderInput;
  options?: AdminTypes.InputMaybe<AdminTypes.OrderCreateOptionsInput>;
}>;


export type CreateMarketplaceOrderMutation = { orderCreate?: AdminTypes.Maybe<{ order?: AdminTypes.Maybe<Pick<AdminTypes.Order, 'id' | 'name'>>, userErrors: Array<Pick<AdminTypes.OrderCreateUserError, 'field' | 'message' | 'code'>> }> };

export type OrderByAnchorlineTagQueryVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars['String']['input'];
}>;


export type OrderByAnchorlineTagQuery = { orders: { nodes: Array<Pick<AdminTypes.Order, 'id' | 'name'>> } };

export type AdjustAvailableMutationVariables = AdminTypes.Exact<{
  input: AdminTypes.InventoryAdjustQuantitiesInput;
  key: AdminTypes.Scalars['String']['input'];
}>;


export type AdjustAvailableMutation = { inventoryAdjustQuantities?: AdminTypes.Maybe<{ inventoryAdjustmentGroup?: AdminTypes.Maybe<{ changes: Array<Pick<AdminTypes.InventoryChange, 'name' | 'delta' | 'quantityAfterChange'>> }>, userErrors: Array<Pick<AdminTypes.InventoryAdjustQuantitiesUserError, 'field' | 'message' | 'code'>> }> };

export type AvailableAtQueryVariables = AdminTypes.Exact<{
  item: AdminTypes.Scalars['ID']['input'];
  location: AdminTypes.Scalars['ID']['input'];
}>;


export type AvailableAtQuery = { inventoryItem?: AdminTypes.Maybe<{ inventoryLevel?: AdminTypes.Maybe<{ quantities: Array<Pick<AdminTypes.InventoryQuantity, 'name' | 'quantity'>> }> }> };

interface GeneratedQueryTypes {
  "#graphql\nquery Locations($after: String) {\n  locations(first: 250, after: $after, includeInactive: true) {\n    pageInfo { hasNextPage endCursor }\n    nodes { id name isActive }\n  }\n}": {return: LocationsQuery, variables: LocationsQueryVariables},
  "#graphql\nquery BulkStatus($id: ID!) {\n  node(id: $id) { ... on BulkOperation { id status errorCode objectCount url } }\n}": {return: BulkStatusQuery, variables: BulkStatusQueryVariables},
  "#graphql\nquery ProductBundleComponents($id: ID!, $after: String) {\n  product(id: $id) {\n    variants(first: 10, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id requiresComponents\n        productVariantComponents(first: 30) { nodes { quantity productVariant { id } } }\n      }\n    }\n  }\n}": {return: ProductBundleComponentsQuery, variables: ProductBundleComponentsQueryVariables},
  "#graphql\nquery CollectionForMirror($id: ID!, $after: String) {\n  collection(id: $id) {\n    id handle title updatedAt\n    ruleSet { appliedDisjunctively }\n    products(first: 250, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      nodes { id }\n    }\n  }\n}": {return: CollectionForMirrorQuery, variables: CollectionForMirrorQueryVariables},
  "#graphql\nquery ProductCollectionsForMirror($id: ID!, $after: String) {\n  product(id: $id) {\n    collections(first: 250, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      nodes { id handle title updatedAt ruleSet { appliedDisjunctively } }\n    }\n  }\n}": {return: ProductCollectionsForMirrorQuery, variables: ProductCollectionsForMirrorQueryVariables},
  "#graphql\nquery InventoryLevelsOfItems($ids: [ID!]!, $locations: Int!) {\n  nodes(ids: $ids) {\n    ... on InventoryItem {\n      id\n      inventoryLevels(first: $locations) {\n        nodes {\n          updatedAt\n          location { id }\n          quantities(names: [\"available\", \"on_hand\", \"committed\"]) { name quantity }\n        }\n      }\n    }\n  }\n}": {return: InventoryLevelsOfItemsQuery, variables: InventoryLevelsOfItemsQueryVariables},
  "#graphql\nquery ProductVariantsForMirror($id: ID!, $after: String) {\n  product(id: $id) {\n    variants(first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id title sku barcode price compareAtPrice\n        selectedOptions { name value }\n        inventoryItem { id tracked sku requiresShipping unitCost { amount } }\n      }\n    }\n  }\n}": {return: ProductVariantsForMirrorQuery, variables: ProductVariantsForMirrorQueryVariables},
  "#graphql\n  query ShopTimeZone {\n    shop {\n      ianaTimezone\n    }\n  }": {return: ShopTimeZoneQuery, variables: ShopTimeZoneQueryVariables},
  "#graphql\nquery OrderByAnchorlineTag($query: String!) {\n  orders(first: 1, query: $query) { nodes { id name } }\n}": {return: OrderByAnchorlineTagQuery, variables: OrderByAnchorlineTagQueryVariables},
  "#graphql\nquery AvailableAt($item: ID!, $location: ID!) {\n  inventoryItem(id: $item) {\n    inventoryLevel(locationId: $location) { quantities(names: [\"available\"]) { name quantity } }\n  }\n}": {return: AvailableAtQuery, variables: AvailableAtQueryVariables},
}

interface GeneratedMutationTypes {
  "#graphql\nmutation RunBulk($query: String!) {\n  bulkOperationRunQuery(query: $query) {\n    bulkOperation { id status }\n    userErrors { field message }\n  }\n}": {return: RunBulkMutation, variables: RunBulkMutationVariables},
  "#graphql\nmutation CreateMarketplaceOrder($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {\n  orderCreate(order: $order, options: $options) {\n    order { id name }\n    userErrors { field message code }\n  }\n}": {return: CreateMarketplaceOrderMutation, variables: CreateMarketplaceOrderMutationVariables},
  "#graphql\nmutation AdjustAvailable($input: InventoryAdjustQuantitiesInput!, $key: String!) {\n  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {\n    inventoryAdjustmentGroup { changes { name delta quantityAfterChange } }\n    userErrors { field message code }\n  }\n}": {return: AdjustAvailableMutation, variables: AdjustAvailableMutationVariables},
}
declare module '@shopify/admin-api-client' {
  type InputMaybe<T> = AdminTypes.InputMaybe<T>;
  interface AdminQueries extends GeneratedQueryTypes {}
  interface AdminMutations extends GeneratedMutationTypes {}
}
