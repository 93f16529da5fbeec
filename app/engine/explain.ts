// Every number the engine produces carries the ordered steps that produced it, in words a merchant
// can check with a calculator. `effect` is the signed change a step makes to the running figure
// (units for quantities, cents for prices) and `result` the figure after it, so a screen can show
// the steps as a ledger without parsing the text.

export type StepInput = number | string | boolean | null;

export interface ExplanationStep {
  /** A stable id of the rule that acted, e.g. "buffer.velocity"; screens may key icons on it. */
  rule: string;
  inputs: Readonly<Record<string, StepInput>>;
  effect: number;
  result: number;
  text: string;
}

export type Explanation = readonly ExplanationStep[];

export function step(
  rule: string,
  inputs: Record<string, StepInput>,
  effect: number,
  result: number,
  text: string,
): ExplanationStep {
  return { rule, inputs, effect, result, text };
}

export function units(count: number): string {
  return `${formatNumber(count)} ${count === 1 ? "unit" : "units"}`;
}

export function percent(bps: number): string {
  return `${formatNumber(bps / 100)}%`;
}

/** Minor units as a decimal amount; the currency symbol is the screen's business. */
export function money(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

export function formatNumber(value: number): string {
  // Up to 3 decimals, no trailing zeros, so 1.5 reads "1.5" and 1/3 reads "0.333".
  return String(Math.round(value * 1000) / 1000);
}

export function explanationText(explanation: Explanation): string {
  return explanation.map((s) => s.text).join("\n");
}
