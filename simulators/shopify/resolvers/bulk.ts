import { gid } from "../ids";
import type { BulkOperationRec } from "../types";
import { isoTime, type ResolverMap } from "./context";

export const bulkResolvers: ResolverMap = {
  QueryRoot: {
    currentBulkOperation: (_s, args: { type?: string }, ctx) => ((args.type ?? "QUERY") === "QUERY" ? (ctx.shop.bulkOperations.at(-1) ?? null) : null),
  },
  Mutation: {
    // groupObjects is `Boolean! = false` in 2026-10: graphql-js fills in the default.
    bulkOperationRunQuery: (_s, args: { query: string; groupObjects: boolean }, ctx) => ctx.startBulkQuery(ctx.shop, args.query, args.groupObjects),
    bulkOperationCancel: (_s, args: { id: string }, ctx) => {
      const op = ctx.shop.bulkOperations.find((b) => gid("BulkOperation", b.id) === args.id);
      if (!op) return { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
      if (op.status !== "CREATED" && op.status !== "RUNNING") {
        return { bulkOperation: op, userErrors: [{ field: null, message: `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}` }] };
      }
      op.status = "CANCELING";
      return { bulkOperation: op, userErrors: [] };
    },
  },
  BulkOperation: {
    id: (b: BulkOperationRec) => gid("BulkOperation", b.id),
    type: () => "QUERY",
    createdAt: (b: BulkOperationRec) => isoTime(b.createdAt),
    completedAt: (b: BulkOperationRec) => isoTime(b.completedAt),
    objectCount: (b: BulkOperationRec) => String(b.objectCount),
    rootObjectCount: (b: BulkOperationRec) => String(b.rootObjectCount),
    fileSize: (b: BulkOperationRec) => (b.fileSize === null ? null : String(b.fileSize)),
    partialDataUrl: () => null,
  },
};
