// bulkOperationRunQuery: runs the query over the whole store in windows of root objects (so a
// 100k-variant export stays within bounded memory) and writes JSONL the way Shopify does: one line per
// node; connection children of a node on their own lines after it, with "__parentId" (the id of the
// node whose line they belong under; a nested connection needs that node to select `id`). The file is served by the simulator at the operation's `url`.
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getNamedType, isObjectType, Kind, parse, validate, type DocumentNode, type FieldNode, type OperationDefinitionNode } from "graphql";
import { gid } from "./ids";
import { executeAdmin } from "./resolvers";
import type { ResolverContext, UserError } from "./resolvers/context";
import { adminSchema } from "./schema";
import type { Store, ShopState } from "./store";
import type { BulkOperationRec } from "./types";

export interface BulkOptions {
  /** Root objects executed per window. Default 500. */
  windowSize?: number;
  /** Delay before CREATED becomes RUNNING, and minimum RUNNING time (ms). Default 0 / 0. */
  startDelayMs?: number;
  minRunningMs?: number;
}

type Json = Record<string, unknown>;

const isConnectionValue = (v: unknown): v is { edges?: { node: Json }[]; nodes?: Json[] } =>
  typeof v === "object" && v !== null && !Array.isArray(v) && (Array.isArray((v as Json).edges) || Array.isArray((v as Json).nodes));

const connectionNodes = (v: { edges?: { node: Json }[]; nodes?: Json[] }): Json[] => v.nodes ?? (v.edges ?? []).map((e) => e.node);

function hasConnection(obj: Json): boolean {
  for (const k in obj) {
    const v = obj[k];
    if (v && typeof v === "object" && !Array.isArray(v) && (isConnectionValue(v) || hasConnection(v as Json))) return true;
  }
  return false;
}

/** Appends the JSONL lines of one node (and, recursively, of its connections' nodes) to `out`. */
export function nodeLines(node: Json, parentId: string | null, out: string[]): number {
  // Every __parentId names an object that has a line of its own: the node of this line, also for
  // connections reached through nested objects (variant { inventoryItem { inventoryLevels } }).
  const owner = typeof node.id === "string" ? node.id : null;
  const pending: Json[][] = [];
  const strip = (obj: Json): Json => {
    const copy: Json = {};
    for (const [k, v] of Object.entries(obj)) {
      if (isConnectionValue(v)) pending.push(connectionNodes(v));
      else if (v && typeof v === "object" && !Array.isArray(v)) copy[k] = strip(v as Json);
      else copy[k] = v;
    }
    return copy;
  };
  // Fast path (most lines): nothing to strip, so the node is written as it is.
  const text = hasConnection(node) ? JSON.stringify(strip(node)) : JSON.stringify(node);
  out.push(parentId === null ? text : `${text.slice(0, -1)}${text.length > 2 ? "," : ""}"__parentId":${JSON.stringify(parentId)}}`);
  let count = 1;
  for (const children of pending) for (const child of children) count += nodeLines(child, owner, out);
  return count;
}

function rootConnectionField(document: DocumentNode): FieldNode | string {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length !== 1 || ops[0].operation !== "query") return "Bulk queries must contain exactly one query operation.";
  const fields = ops[0].selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
  if (fields.length !== 1) return "Bulk queries must have exactly one top-level field.";
  const def = adminSchema().getQueryType()!.getFields()[fields[0].name.value];
  const type = def && getNamedType(def.type);
  if (!type || !isObjectType(type) || !("edges" in type.getFields())) return "Bulk queries must contain at least one connection.";
  return fields[0];
}

/**
 * Bulk query operations an app may run at once per shop: five from API 2026-01
 * ("Perform bulk operations with the GraphQL Admin API", shopify.dev/docs/api/usage/bulk-operations/queries;
 * changelog "Faster bulk operations", Dec 2025).
 */
export const CONCURRENT_BULK_QUERIES = 5;

export class BulkRunner {
  readonly dir = mkdtempSync(path.join(tmpdir(), "shopify-sim-bulk-"));

  constructor(
    private readonly store: Store,
    private readonly baseUrl: () => string,
    private readonly options: BulkOptions = {},
  ) {}

  start(shop: ShopState, query: string, groupObjects: boolean): { bulkOperation: BulkOperationRec | null; userErrors: UserError[] } {
    const active = shop.bulkOperations.filter((b) => b.status === "CREATED" || b.status === "RUNNING" || b.status === "CANCELING");
    const running = active.length >= CONCURRENT_BULK_QUERIES ? active[0] : undefined;
    if (running) {
      return {
        bulkOperation: null,
        userErrors: [
          {
            field: null,
            message: `A bulk query operation for this app and shop is already in progress: ${gid("BulkOperation", running.id)}.`,
            code: "OPERATION_IN_PROGRESS",
          },
        ],
      };
    }
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (e) {
      return { bulkOperation: null, userErrors: [{ field: ["query"], message: `Invalid bulk query: ${(e as Error).message}`, code: "INVALID" }] };
    }
    const errors = validate(adminSchema(), document);
    const root = errors.length ? errors[0].message : rootConnectionField(document);
    if (typeof root === "string") return { bulkOperation: null, userErrors: [{ field: ["query"], message: `Invalid bulk query: ${root}`, code: "INVALID" }] };
    const op: BulkOperationRec = {
      __typename: "BulkOperation",
      id: shop.nextId(),
      status: "CREATED",
      errorCode: null,
      query,
      createdAt: this.store.now(),
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      url: null,
      filePath: null,
    };
    shop.bulkOperations.push(op);
    setTimeout(() => void this.run(shop, op, document, root.alias?.value ?? root.name.value, groupObjects), this.options.startDelayMs ?? 0);
    return { bulkOperation: op, userErrors: [] };
  }

  private async run(shop: ShopState, op: BulkOperationRec, document: DocumentNode, rootKey: string, groupObjects: boolean): Promise<void> {
    const started = Date.now();
    op.status = "RUNNING";
    const filePath = path.join(this.dir, `${shop.domain}-${op.id}.jsonl`);
    const file = createWriteStream(filePath);
    const windowSize = this.options.windowSize ?? 500;
    try {
      for (let offset = 0; ; offset += windowSize) {
        if ((op.status as BulkOperationRec["status"]) === "CANCELING") break;
        const ctx: ResolverContext = {
          store: this.store,
          shop,
          bulk: { window: { offset, limit: windowSize } },
          startBulkQuery: () => ({ bulkOperation: null, userErrors: [{ field: null, message: "Bulk queries cannot start bulk operations." }] }),
        };
        const result = await executeAdmin(document, ctx);
        if (result.errors?.length) throw new Error(result.errors[0].message);
        const roots = connectionNodes((result.data as Json)[rootKey] as { nodes?: Json[] });
        const lines: string[] = [];
        // Ungrouped, Shopify promises no order between a parent and its children: the simulator
        // writes each window's children before their parents, the order least kind to a reader
        // that assumes grouping.
        const parents: string[] = [];
        for (const node of roots) {
          const start = lines.length;
          op.objectCount += nodeLines(node, null, lines);
          if (!groupObjects) parents.push(...lines.splice(start, 1));
        }
        lines.push(...parents);
        op.rootObjectCount += roots.length;
        if (lines.length && !file.write(lines.join("\n") + "\n")) await new Promise<void>((r) => file.once("drain", () => r()));
        if (roots.length < windowSize) break;
        await new Promise((r) => setImmediate(r));
      }
      await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
      const wait = (this.options.minRunningMs ?? 0) - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      op.filePath = filePath;
      op.fileSize = statSync(filePath).size;
      if ((op.status as BulkOperationRec["status"]) === "CANCELING") {
        op.status = "CANCELED";
      } else {
        op.status = "COMPLETED";
        op.url = op.objectCount > 0 ? `${this.baseUrl()}/bulk-operations/${encodeURIComponent(shop.domain)}/${op.id}.jsonl` : null;
      }
      op.completedAt = this.store.now();
    } catch {
      file.destroy();
      op.status = "FAILED";
      op.errorCode = "INTERNAL_SERVER_ERROR";
      op.completedAt = this.store.now();
    }
  }

  file(shop: ShopState, id: string): string | null {
    return shop.bulkOperations.find((b) => b.id === id && b.status === "COMPLETED")?.filePath ?? null;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
