import { z } from "zod";
import { type Bound, type BoundName, bounded } from "~/engine/bounds";

/** A form's validation problems by field name, the way Polaris fields take their `error`. */
export type FieldErrors = Record<string, string>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.join(".") || "form";
    out[field] ??= issue.message;
  }
  return out;
}

export function formObject(form: FormData, arrays: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) out[key] = arrays.includes(key) ? form.getAll(key) : form.get(key);
  return out;
}

/** Form values arrive as strings: blank is "not given" (the engine then names the field). */
export function formNumber(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === "" ? undefined : Number(text);
}

/** A form's number field held to its bound (app/engine/bounds.ts), as a zod schema; blank is "not given". */
export function numberField(label: string, bound: Bound | BoundName) {
  return z.preprocess(formNumber, bounded(label, bound));
}

/**
 * One optional form number held to its bound: blank is undefined, anything else the number or the
 * message naming the field and its range. For a field checked outside the engine's validation.
 */
export function optionalNumber(
  value: unknown,
  label: string,
  bound: Bound | BoundName,
): { ok: true; value: number | undefined } | { ok: false; message: string } {
  const checked = bounded(label, bound).optional().safeParse(formNumber(value));
  return checked.success ? { ok: true, value: checked.data } : { ok: false, message: checked.error.issues[0].message };
}

/** The engine's errors keyed by the form's field names (first message per field). */
export function errorsByField(errors: readonly { field: string; message: string }[], rename: Record<string, string> = {}): FieldErrors {
  const out: FieldErrors = {};
  for (const { field, message } of errors) {
    const name = rename[field] ?? (field === "(rule)" ? "form" : field);
    out[name] ??= message;
  }
  return out;
}
