import { useState } from "react";

/**
 * A form's controlled text fields for Polaris TextFields: `field(name)` gives a field its name,
 * value, change handler and the server's error for it (errorsByField's keys), so a refused form
 * shows what the merchant typed with the message beside the field.
 */
export function useFields(initial: Record<string, string>, errors: Record<string, string>) {
  const [values, setValues] = useState(initial);
  const field = (name: string) => ({
    name,
    value: values[name] ?? "",
    onChange: (v: string) => setValues((prev) => ({ ...prev, [name]: v })),
    autoComplete: "off",
    error: errors[name],
  });
  return { values, setValues, field };
}
