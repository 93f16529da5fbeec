import type { z } from "zod";

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
