// Request (and response) validation against the marketplaces' official API definitions in
// simulators/contracts (Swagger 2.0 for Amazon SP-API, OpenAPI 3.0 for eBay and Walmart). A request
// the real API would refuse for its shape is refused here, with the reasons.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { parse as parseYaml } from "yaml";

// ajv-formats ships CommonJS with a default export property.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

/** The official API definitions, copied byte for byte into the repository (SOURCES.md there says from where). */
export const CONTRACTS_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../contracts");

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "body" | "formData" | "cookie";
  required?: boolean;
  schema?: Json;
  type?: string;
  items?: Json;
  enum?: unknown[];
  $ref?: string;
}

interface Operation {
  operationId: string;
  method: string;
  template: string;
  pattern: RegExp;
  pathParamNames: string[];
  parameters: Parameter[];
  bodySchema?: Json;
  bodyRequired: boolean;
  responses: Record<string, Json>;
}

export type RequestCheck =
  { ok: true; operationId: string; pathParams: Record<string, string>; query: URLSearchParams } | { ok: false; status: 400 | 404 | 405; errors: string[] };

/**
 * Corrections to a published definition where it contradicts the live API (and usually its own
 * prose). Keys are JSON pointers into the document ("/components/schemas/Product/properties/aspects"),
 * values replace the node there. Each use should say, beside it, why the definition is wrong.
 */
export interface ContractOptions {
  corrections?: Record<string, unknown>;
}

export interface RequestToCheck {
  method: string;
  /** Path as received, without the server's base path (see `basePath`). */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** One API definition, loaded once and compiled lazily per operation. */
export class OpenApiContract {
  readonly operations: Operation[] = [];
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly isSwagger2: boolean;
  private readonly doc: Json;

  constructor(
    file: string,
    /** Prefix the server puts before the definition's paths (e.g. "/sell/inventory/v1"). */
    readonly basePath = "",
    options: ContractOptions = {},
  ) {
    const text = readFileSync(path.isAbsolute(file) ? file : path.join(CONTRACTS_DIR, file), "utf8");
    this.doc = (file.endsWith(".yml") || file.endsWith(".yaml") ? parseYaml(text) : JSON.parse(text)) as Json;
    for (const [pointer, replacement] of Object.entries(options.corrections ?? {})) applyCorrection(this.doc, pointer, replacement);
    this.isSwagger2 = this.doc.swagger === "2.0";
    // strict: false because the definitions use OpenAPI keywords JSON Schema does not have
    // (nullable, discriminator, example, x-*); they are ignored, the shape rules are kept.
    this.ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: false, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema(this.rewriteRefs(this.doc) as Json, "contract");
    this.index();
  }

  private rewriteRefs(node: unknown): unknown {
    // Local refs (#/definitions/X, #/components/schemas/X) resolved against the whole document.
    if (Array.isArray(node)) return node.map((n) => this.rewriteRefs(n));
    if (node && typeof node === "object") {
      const out: Json = {};
      for (const [k, v] of Object.entries(node as Json)) {
        out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#") ? `contract${v}` : this.rewriteRefs(v);
      }
      // OpenAPI 3.0's nullable: true widens the type to include null.
      if (out.nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
      return out;
    }
    return node;
  }

  private deref<T>(value: T): T {
    const ref = (value as { $ref?: string })?.$ref;
    if (!ref?.startsWith("#/")) return value;
    return ref
      .slice(2)
      .split("/")
      .reduce<unknown>((node, key) => (node as Json)[key.replace(/~1/g, "/").replace(/~0/g, "~")], this.doc) as T;
  }

  private index() {
    const paths = (this.doc.paths ?? {}) as Record<string, Json>;
    for (const [template, item] of Object.entries(paths)) {
      const shared = ((item.parameters as Parameter[]) ?? []).map((p) => this.deref(p));
      for (const method of ["get", "put", "post", "patch", "delete"]) {
        const op = item[method] as Json | undefined;
        if (!op) continue;
        const parameters = [...shared, ...((op.parameters as Parameter[]) ?? []).map((p) => this.deref(p))];
        const pathParamNames: string[] = [];
        const pattern = new RegExp(
          "^" +
            (this.basePath + template).replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
              pathParamNames.push(name);
              return "([^/]+)";
            }) +
            "/?$",
        );
        let bodySchema: Json | undefined;
        let bodyRequired = false;
        if (this.isSwagger2) {
          const body = parameters.find((p) => p.in === "body");
          if (body) {
            bodySchema = body.schema;
            bodyRequired = Boolean(body.required);
          }
        } else if (op.requestBody) {
          const requestBody = this.deref(op.requestBody as Json);
          const content = (requestBody.content ?? {}) as Record<string, { schema?: Json }>;
          const json = Object.entries(content).find(([type]) => type.includes("json"));
          bodySchema = json?.[1].schema;
          bodyRequired = Boolean(requestBody.required);
        }
        this.operations.push({
          operationId: String(op.operationId ?? `${method} ${template}`),
          method: method.toUpperCase(),
          template,
          pattern,
          pathParamNames,
          parameters: parameters.filter((p) => p.in !== "body"),
          bodySchema,
          bodyRequired,
          responses: (op.responses ?? {}) as Record<string, Json>,
        });
      }
    }
    // Literal segments beat parameters: /items/{sellerId} must not swallow /items/search.
    this.operations.sort((a, b) => a.pathParamNames.length - b.pathParamNames.length);
  }

  private validator(key: string, schema: Json): ValidateFunction {
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile(this.rewriteRefs(schema) as Json);
      this.compiled.set(key, fn);
    }
    return fn;
  }

  /** Finds the operation a request is for and checks its parameters and body. */
  checkRequest(request: RequestToCheck): RequestCheck {
    const candidates = this.operations.filter((op) => op.pattern.test(request.path));
    if (candidates.length === 0) return { ok: false, status: 404, errors: [`no operation for ${request.path}`] };
    const op = candidates.find((c) => c.method === request.method.toUpperCase());
    if (!op) return { ok: false, status: 405, errors: [`${request.method} is not allowed on ${request.path}`] };

    const errors: string[] = [];
    const match = op.pattern.exec(request.path)!;
    const pathParams = Object.fromEntries(op.pathParamNames.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]));
    for (const param of op.parameters) {
      const schema = (param.schema ?? swagger2ParameterSchema(param)) as Json;
      let raw: unknown;
      if (param.in === "path") raw = pathParams[param.name];
      else if (param.in === "query") {
        const all = request.query.getAll(param.name);
        raw = schema.type === "array" ? (all.length > 1 ? all : all[0]?.split(",")) : all[0];
      } else if (param.in === "header") {
        const value = request.headers[param.name.toLowerCase()];
        raw = Array.isArray(value) ? value[0] : value;
      } else continue;
      if (raw === undefined || raw === "") {
        if (param.required) errors.push(`${param.in} parameter ${param.name} is required`);
        continue;
      }
      const value = coerce(raw, schema);
      const validate = this.validator(`${op.operationId}:${param.in}:${param.name}`, schema);
      if (!validate(value)) errors.push(`${param.in} parameter ${param.name}: ${this.ajv.errorsText(validate.errors)}`);
    }
    if (op.bodySchema) {
      if (request.body === undefined || request.body === null) {
        if (op.bodyRequired) errors.push("request body is required");
      } else {
        const validate = this.validator(`${op.operationId}:body`, op.bodySchema);
        if (!validate(request.body)) errors.push(...(validate.errors ?? []).map((e) => `body${e.instancePath} ${e.message}`));
      }
    }
    if (errors.length) return { ok: false, status: 400, errors };
    return { ok: true, operationId: op.operationId, pathParams, query: request.query };
  }

  /** Checks an answer the simulator is about to give against the operation's documented response. */
  checkResponse(operationId: string, status: number, body: unknown): string[] {
    const op = this.operations.find((o) => o.operationId === operationId);
    if (!op) return [`unknown operation ${operationId}`];
    const response = this.deref(op.responses[String(status)] ?? op.responses.default);
    if (!response) return [`${operationId} documents no ${status} response`];
    const schema = this.isSwagger2
      ? (response.schema as Json | undefined)
      : Object.entries((response.content ?? {}) as Record<string, { schema?: Json }>).find(([t]) => t.includes("json"))?.[1].schema;
    if (!schema) return [];
    const validate = this.validator(`${operationId}:response:${status}`, schema);
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `response${e.instancePath} ${e.message}`);
  }
}

function applyCorrection(doc: Json, pointer: string, replacement: unknown) {
  const keys = pointer
    .split("/")
    .slice(1)
    .map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
  const last = keys.pop();
  const parent = keys.reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc) as Json | undefined;
  if (!parent || last === undefined || !(last in parent)) throw new Error(`correction ${pointer}: no such node in the definition`);
  parent[last] = replacement;
}

/**
 * A Swagger 2.0 parameter carries its schema keywords on itself: its type, items and enum, and the
 * limits the definition states beside them (fbaInventory.json's "sellerSkus ... up to 50 SKUs" is
 * `maxItems: 50`, its startDateTime `format: date-time`), all checked as the API checks them.
 */
const PARAMETER_SCHEMA_KEYWORDS = [
  "type",
  "items",
  "enum",
  "maxItems",
  "minItems",
  "maximum",
  "minimum",
  "format",
  "pattern",
  "maxLength",
  "minLength",
] as const;

function swagger2ParameterSchema(param: Parameter): Json {
  const source = param as unknown as Json;
  return Object.fromEntries(PARAMETER_SCHEMA_KEYWORDS.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}

function coerce(raw: unknown, schema: Json): unknown {
  if (Array.isArray(raw)) return raw.map((r) => coerce(r, (schema.items ?? {}) as Json));
  if (typeof raw !== "string") return raw;
  switch (schema.type) {
    case "integer":
    case "number":
      return raw.trim() !== "" && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : raw;
    default:
      return raw;
  }
}
