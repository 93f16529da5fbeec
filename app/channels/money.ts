// Marketplaces send money as a decimal string and a currency (eBay's Amount: `{ value: "12.34",
// currency: "USD" }`); the app counts minor units ("cents"), as many as the currency has (JPY: none).

function minorDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function toAmount(minorUnits: number, currency: string): { value: string; currency: string } {
  const digits = minorDigits(currency);
  return { value: (minorUnits / 10 ** digits).toFixed(digits), currency };
}

export function fromAmount(amount: { value?: string; currency?: string } | undefined): number | null {
  if (!amount?.value || !amount.currency) return null;
  const value = Number(amount.value);
  return Number.isFinite(value) ? Math.round(value * 10 ** minorDigits(amount.currency)) : null;
}

/** An amount in minor units as the merchant reads it, in its currency ("$12.34", "¥1,234"). */
export function formatMoney(minorUnits: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(minorUnits / 10 ** minorDigits(currency));
}
