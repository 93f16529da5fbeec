// The sales tax the marketplace simulators charge their buyers: one simple model they share, so
// each can serve taxes in its own contract's shape. A line is taxed at its ship-to state's own
// rate (county and city rates are left out), rounded to the cent per line; every state that has a
// sales tax has a marketplace facilitator law (Missouri's, the last, took effect on 2023-01-01),
// so the marketplace collects and remits whatever it charges, and nothing is charged in the
// states with no sales tax. A state not in the table is refused, so a test never gets a made-up rate.

/**
 * State sales tax rates (the state's own rate, as the Tax Foundation's "State and Local Sales Tax
 * Rates, 2025" lists them in its State Tax Rate column); 0 where the state has no sales tax.
 */
export const STATE_SALES_TAX_RATES: Readonly<Record<string, number>> = {
  AR: 0.065,
  CA: 0.0725,
  DE: 0,
  FL: 0.06,
  IL: 0.0625,
  MA: 0.0625,
  MT: 0,
  NH: 0,
  NJ: 0.06625,
  NY: 0.04,
  OR: 0,
  PA: 0.06,
  TX: 0.0625,
  WA: 0.065,
};

/** Where the simulators' buyers live unless a test says otherwise. */
export const DEFAULT_SHIP_TO_STATE = "CA";

export interface SalesTax {
  state: string;
  rate: number;
  /** The tax on the amount, in cents, rounded half up. */
  cents: number;
  /** The marketplace collects and remits it (marketplace facilitator); false when nothing is due. */
  collectedByMarketplace: boolean;
}

/** The sales tax on `amountCents` shipped to `state`. */
export function salesTax(state: string, amountCents: number): SalesTax {
  const rate = STATE_SALES_TAX_RATES[state];
  if (rate === undefined) {
    throw new Error(`simulator: no sales tax rate for ship-to state "${state}"; known: ${Object.keys(STATE_SALES_TAX_RATES).join(", ")}`);
  }
  // In integers (the rates have at most five decimals), so a half cent rounds up, never by float error.
  const cents = Math.floor((amountCents * Math.round(rate * 100_000) + 50_000) / 100_000);
  return { state, rate, cents, collectedByMarketplace: cents > 0 };
}
