// Units buyers gave back, per order and line, as a marketplace's returns say them at one reading,
// and which orders' counts grew from one reading to the next: the orders a connector reads again
// and sends back, so the import sees them changed and restocks per the channel's setting (a
// return does not change the order the marketplace's orders API shows). Amazon's returns report
// and eBay's Post-Order returns are read this way.

/** Per order id, per line key (a SKU, a listing and transaction): [units received back, units refunded]. */
export type ReturnCounts = Record<string, Record<string, [number, number]>>;

/** Adds one return's units to `counts`: received back, refunded, or both. */
export function addReturnUnits(counts: ReturnCounts, orderId: string, lineKey: string, units: number, received: boolean, refunded: boolean): void {
  const order = (counts[orderId] ??= {});
  const [wasReceived, wasRefunded] = order[lineKey] ?? [0, 0];
  order[lineKey] = [wasReceived + (received ? units : 0), wasRefunded + (refunded ? units : 0)];
}

/** The orders of `after` with a line whose units received or refunded are more than `before` says. */
export function grownOrders(before: ReturnCounts, after: ReturnCounts): string[] {
  return Object.entries(after)
    .filter(([orderId, lines]) =>
      Object.entries(lines).some(([key, [received, refunded]]) => {
        const [wasReceived, wasRefunded] = before[orderId]?.[key] ?? [0, 0];
        return received > wasReceived || refunded > wasRefunded;
      }),
    )
    .map(([orderId]) => orderId);
}
