// A test hook each marketplace simulator offers beside its buyers' orders and cancellations: its
// orders API sends one order malformed, the way a real platform can (a field left out, a number
// sent as text), so the app's reading of a bad payload is tested end to end. Each simulator names
// the malformations it knows and where its answers carry orders; an order is reshaped on its way
// out, after the answer was checked against the contract as it stood, so the simulator stays as
// strict as before about everything else (and its own record of the order stays whole).

/** Reshapes one order document, as served, in place. */
export type Malformation = (order: Record<string, unknown>) => void;

export class MalformedOrders<How extends string> {
  private readonly told = new Map<string, How>();

  constructor(private readonly malformations: Record<How, Malformation>) {}

  /** From now on, every answer that carries this order carries it malformed `how`. */
  malform(orderId: string, how: How): void {
    if (!(how in this.malformations)) throw new Error(`simulator: no malformation "${how}"; known: ${Object.keys(this.malformations).join(", ")}`);
    this.told.set(orderId, how);
  }

  /** The order document as served: a malformed copy when a test asked for one, else the document itself. */
  served<Document>(orderId: string, document: Document): Document {
    const how = this.told.get(orderId);
    if (!how) return document;
    const copy = structuredClone(document) as Record<string, unknown>;
    this.malformations[how](copy);
    return copy as Document;
  }

  /** `served` for each order of a list. */
  servedAll<Document>(documents: Document[], idOf: (document: Document) => string): Document[] {
    return documents.map((document) => this.served(idOf(document), document));
  }
}
