// Attaches resolvers to the client schema through graphql-js's fieldResolver/typeResolver hooks:
// a per-type map (catalog, inventory, bulk) first, then the record's own property. A non-null field
// that the simulator does not model is an explicit error rather than a silent null.
import {
  defaultFieldResolver,
  execute,
  GraphQLError,
  isNonNullType,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFieldResolver,
  type GraphQLTypeResolver,
} from "graphql";
import { adminSchema } from "../schema";
import { bulkResolvers } from "./bulk";
import { catalogResolvers } from "./catalog";
import { pathOf } from "./connection";
import type { ResolverContext, ResolverMap } from "./context";
import { inventoryResolvers } from "./inventory";
import { orderResolvers } from "./orders";

function merge(...maps: ResolverMap[]): ResolverMap {
  const out: ResolverMap = {};
  for (const m of maps) for (const [type, fields] of Object.entries(m)) out[type] = { ...out[type], ...fields };
  return out;
}

export const resolvers = merge(catalogResolvers, inventoryResolvers, bulkResolvers, orderResolvers);

const fieldResolver: GraphQLFieldResolver<unknown, ResolverContext> = (source, args, ctx, info) => {
  const own = resolvers[info.parentType.name]?.[info.fieldName];
  if (own) return own(source, args, ctx, info);
  const value = defaultFieldResolver(source, args, ctx, info);
  if (value === undefined && isNonNullType(info.returnType)) {
    throw new GraphQLError(`${info.parentType.name}.${info.fieldName} is not simulated by the Shopify simulator`, {
      nodes: info.fieldNodes,
      path: pathOf(info),
      extensions: { code: "NOT_SIMULATED" },
    });
  }
  return value ?? null;
};

const typeResolver: GraphQLTypeResolver<unknown, ResolverContext> = (value) => (value as { __typename?: string } | null)?.__typename;

export function executeAdmin(document: DocumentNode, ctx: ResolverContext, variables?: Record<string, unknown>, operationName?: string) {
  return execute({
    schema: adminSchema(),
    document,
    rootValue: {},
    contextValue: ctx,
    variableValues: variables,
    operationName,
    fieldResolver,
    typeResolver,
  }) as ExecutionResult | Promise<ExecutionResult>;
}
