// Every number the engine produces carries the ordered steps that produced it, in words a merchant
// can check with a calculator. `effect` is the signed change a step makes to the running figure
// (units for quantities, cents for prices) and `result` the figure after it, so a screen can show
// the steps as a ledger without parsing the text.
//
// Steps are recorded structured and worded only when read: the engine evaluates every listing of
// a shop on each change, while a merchant opens a handful, so building sentences in the hot loop
// would spend most of the engine's time on text nobody reads. A step keeps its rule id, effect,
// result and its input values in fixed slots (one small object, no per-step record or array); the
// rule's kind, declared once with `stepKind`, names those values and words them. `text`, `inputs`
// and `toJSON()` (so a stored explanation carries its words) are derived.
//
// A step has only as many slots as its kind has inputs (one class per width, below). A listing
// keeps about ten steps, most with one to three inputs, so six slots on every step made steps the
// larger part of what a desired listing keeps and of what the engine allocates.

export type StepInput = number | string | boolean | null;
type Slot = StepInput | undefined;

interface StepKind {
  names: readonly string[];
  format: (inputs: Readonly<Record<string, StepInput>>, effect: number, result: number) => string;
}

const STEP_KINDS = new Map<string, StepKind>();

/** Slots of the widest step: enough for the widest rule, few enough to keep a step one small object. */
const MAX_INPUTS = 6;

/**
 * What every step is and says. The fields are assigned by the width classes below, each in the
 * same order. Assigned here, this one constructor would see every width's shape and its stores
 * would turn megamorphic, which made narrow steps slower to build than six-slot ones.
 */
export abstract class ExplanationStep {
  /** A stable id of the rule that acted, e.g. "buffer.velocity"; screens may key icons on it. */
  abstract readonly rule: string;
  abstract readonly effect: number;
  abstract readonly result: number;

  /** The input values, in the order of the kind's names. */
  protected abstract values(): readonly StepInput[];

  /** The rule's inputs by name, e.g. { velocityPerDay: 3, leadTimeDays: 2, ... }. */
  get inputs(): Readonly<Record<string, StepInput>> {
    const names = kindOf(this.rule).names;
    const values = this.values();
    const inputs: Record<string, StepInput> = {};
    for (let i = 0; i < names.length; i++) inputs[names[i]] = values[i];
    return inputs;
  }

  /** The step in the merchant's words, e.g. "Amazon buffer 1.5 × (3/day × 2 days + 4) = 15 units". */
  get text(): string {
    return kindOf(this.rule).format(this.inputs, this.effect, this.result);
  }

  /**
   * Everything the step says, as one string: equal keys, equal steps (see changes.ts). Always six
   * values, absent ones as null, so a key does not depend on the step's width and fingerprints
   * stored when every step had six slots still match.
   */
  key(): string {
    const values = this.values();
    let key = `${this.rule}|${this.effect}|${this.result}`;
    for (let i = 0; i < MAX_INPUTS; i++) key += `|${i < values.length ? values[i] : null}`;
    return key;
  }

  toJSON(): StoredStep {
    return { rule: this.rule, inputs: this.inputs, effect: this.effect, result: this.result, text: this.text };
  }
}

// The widths: one class per number of slots, so each factory builds one shape and its call site
// stays monomorphic. A kind of five inputs uses the six-slot width (its last slot null).

const NO_VALUES: readonly StepInput[] = [];

class Step0 extends ExplanationStep {
  constructor(
    override readonly rule: string,
    override readonly effect: number,
    override readonly result: number,
  ) {
    super();
  }
  protected override values(): readonly StepInput[] {
    return NO_VALUES;
  }
}

class Step1 extends ExplanationStep {
  constructor(
    override readonly rule: string,
    override readonly effect: number,
    override readonly result: number,
    private readonly v0: StepInput,
  ) {
    super();
  }
  protected override values(): readonly StepInput[] {
    return [this.v0];
  }
}

class Step2 extends ExplanationStep {
  constructor(
    override readonly rule: string,
    override readonly effect: number,
    override readonly result: number,
    private readonly v0: StepInput,
    private readonly v1: StepInput,
  ) {
    super();
  }
  protected override values(): readonly StepInput[] {
    return [this.v0, this.v1];
  }
}

class Step3 extends ExplanationStep {
  constructor(
    override readonly rule: string,
    override readonly effect: number,
    override readonly result: number,
    private readonly v0: StepInput,
    private readonly v1: StepInput,
    private readonly v2: StepInput,
  ) {
    super();
  }
  protected override values(): readonly StepInput[] {
    return [this.v0, this.v1, this.v2];
  }
}

class Step4 extends ExplanationStep {
  constructor(
    override readonly rule: string,
    override readonly effect: number,
    override readonly result: number,
    private readonly v0: StepInput,
    private readonly v1: StepInput,
    private readonly v2: StepInput,
    private readonly v3: StepInput,
  ) {
    super();
  }
  protected override values(): readonly StepInput[] {
    return [this.v0, this.v1, this.v2, this.v3];
  }
}

class Step6 extends ExplanationStep {
  constructor(
    override readonly rule: string,
    override readonly effect: number,
    override readonly result: number,
    private readonly v0: StepInput,
    private readonly v1: StepInput,
    private readonly v2: StepInput,
    private readonly v3: StepInput,
    private readonly v4: StepInput,
    private readonly v5: StepInput,
  ) {
    super();
  }
  protected override values(): readonly StepInput[] {
    return [this.v0, this.v1, this.v2, this.v3, this.v4, this.v5];
  }
}

/** A step as stored or sent to a screen (what `JSON.stringify` writes). */
export interface StoredStep {
  rule: string;
  inputs: Readonly<Record<string, StepInput>>;
  effect: number;
  result: number;
  text: string;
}

export type Explanation = readonly ExplanationStep[];

function kindOf(rule: string): StepKind {
  const kind = STEP_KINDS.get(rule);
  if (!kind) throw new Error(`No wording declared for explanation step "${rule}"`);
  return kind;
}

export type StepFactory = (effect: number, result: number, v0?: Slot, v1?: Slot, v2?: Slot, v3?: Slot, v4?: Slot, v5?: Slot) => ExplanationStep;

/**
 * Declares a kind of step: its rule id, the names of its inputs in the order the factory takes
 * them, and its wording. Returns the factory the engine calls in its hot path.
 */
export function stepKind(
  rule: string,
  names: readonly string[],
  format: (inputs: Readonly<Record<string, StepInput>>, effect: number, result: number) => string,
): StepFactory {
  if (names.length > MAX_INPUTS) throw new Error(`Step "${rule}" has more than ${MAX_INPUTS} inputs`);
  if (STEP_KINDS.has(rule)) throw new Error(`Step "${rule}" declared twice`);
  STEP_KINDS.set(rule, { names, format });
  // A value the caller leaves out reads null, as it always has.
  switch (names.length) {
    case 0:
      return (effect, result) => new Step0(rule, effect, result);
    case 1:
      return (effect, result, v0 = null) => new Step1(rule, effect, result, v0);
    case 2:
      return (effect, result, v0 = null, v1 = null) => new Step2(rule, effect, result, v0, v1);
    case 3:
      return (effect, result, v0 = null, v1 = null, v2 = null) => new Step3(rule, effect, result, v0, v1, v2);
    case 4:
      return (effect, result, v0 = null, v1 = null, v2 = null, v3 = null) => new Step4(rule, effect, result, v0, v1, v2, v3);
    default:
      return (effect, result, v0 = null, v1 = null, v2 = null, v3 = null, v4 = null, v5 = null) => new Step6(rule, effect, result, v0, v1, v2, v3, v4, v5);
  }
}

/** Words a stored step (for example one read back from the outbox) with today's wording. */
export function storedStepText(stored: Pick<StoredStep, "rule" | "inputs" | "effect" | "result">): string {
  return kindOf(stored.rule).format(stored.inputs, stored.effect, stored.result);
}

export function units(count: StepInput): string {
  const n = Number(count);
  return `${formatNumber(n)} ${n === 1 ? "unit" : "units"}`;
}

export function percent(bps: StepInput): string {
  return `${formatNumber(Number(bps) / 100)}%`;
}

/** Minor units as a decimal amount; the currency symbol is the screen's business. */
export function money(cents: StepInput): string {
  const value = Number(cents);
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * An instant in words: its date when it is midnight UTC, else the date and time in UTC, so a
 * moment set at midnight in a shop's own time zone (the day before, in UTC) is not read a day early.
 */
export function instantWords(iso: string): string {
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function formatNumber(value: StepInput): string {
  // Up to 3 decimals, no trailing zeros, so 1.5 reads "1.5" and 1/3 reads "0.333".
  return String(Math.round(Number(value) * 1000) / 1000);
}

export function explanationText(explanation: Explanation): string {
  return explanation.map((s) => s.text).join("\n");
}

/** Steps as plain records with their words, for storage or a screen. */
export function storedExplanation(explanation: Explanation): StoredStep[] {
  return explanation.map((s) => s.toJSON());
}
