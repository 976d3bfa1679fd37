/**
 * What a sandbox folder gives the shared contract suites (tests/contract), by convention: a connector
 * with a sandbox exports `contract` from `local/sandbox/<id>/contract.ts`. The suites iterate the
 * registry, start each connector's own sandbox and run the same cases on every connector; this file says
 * what they need to know that only the vendor's side can say (the month to bill, what the vendor must
 * hold afterwards, how a record is spoiled, which spec the requests follow).
 * Everything here is written from the vendor's documented behaviour and the fixture, never by running
 * BillGrid's own code: it is the witness the connector is checked against.
 */
import type { RawBillingLine } from '../../src/core/billing-line';
import type { Mappings } from '../../src/core/mapping';
import type { BillingSettings } from '../../src/core/settings';
import type { BillingPeriod } from '../../src/core/source';
import type { LoggedRequest } from './framework';

/** A vendor's published OpenAPI document in specs/, and how its quirks are read (tests/support/openapi.ts). */
export interface SpecRef {
  /** File name under specs/ (with its licence beside it). */
  file: string;
  /** Prefix the vendor puts before the spec's paths (e.g. '/api'). */
  basePath?: string;
  /** The vendor routes paths case-insensitively. */
  caseInsensitivePaths?: boolean;
  /** The vendor answers and accepts null for scalar fields the spec does not mark nullable. */
  nullableScalars?: boolean;
  /** Validate answers (200 JSON) against the spec's response schemas (when it declares them). */
  responses?: boolean;
  /**
   * Answer schemas for operations whose spec declares none (HaloPSA: every operation answers only
   * `200 "Success"`), by 'METHOD /path' as the spec writes the path: the shapes the connector's SOURCES.md
   * documents, whose `$ref`s point into the spec's own components. With `responses`, a 200 JSON answer is
   * checked against the spec's schema, else against this one; an operation with neither fails the check.
   */
  documentedAnswers?: Record<string, unknown>;
  /** Validate JSON request bodies against the operation's request schema. */
  requestBodies?: boolean;
  /** Custom string formats the spec uses: a pattern, or true to accept anything. */
  formats?: Record<string, string | true>;
  /** Drop every `format` keyword (the spec's formats are .NET names, not JSON Schema's). */
  ignoreFormats?: boolean;
  /** Properties whose declared type the live API is documented to widen: name → also allowed pattern. */
  widenedStrings?: Record<string, string>;
  /** Check the Authorization header against each operation's security scheme (HTTP Basic or bearer). */
  auth?: boolean;
  /** Check the header parameters an operation requires. */
  headers?: boolean;
  /**
   * A documented variant of list answers: the spec's bare array wrapped as `{ [total]: n, [items]: […] }`;
   * the items are held to the spec's array schema and the total must be a whole number.
   */
  listEnvelope?: { total: string; items: string };
  /** The vendor documents PascalCase answers for the spec's camelCase names: compare case-blind on the first letter. */
  camelCaseAnswers?: boolean;
  /**
   * Answer statuses other than 200 must be declared by the operation or be one of these (the vendor's
   * documented general errors); unset: any non-200 answer is accepted unchecked.
   */
  generalErrorStatuses?: number[];
  /** Requests the spec does not describe (token endpoints on another host): not validated. */
  skip?(r: Pick<LoggedRequest, 'method' | 'path'>): boolean;
}

/** One way a vendor record BillGrid reads can be malformed. */
export interface Spoil<S> {
  /** What is wrong with the record, in words. */
  name: string;
  /**
   * Change `state` so that one record is malformed. PSA: the record that carries `lineKey` (BillGrid
   * wrote it; `line` is that line as pulled, for a PSA whose records do not carry the key, such as a
   * contract service holding a quantity). Source: any billed record; returns which customer it belongs to
   * (the rest stay billable).
   */
  spoil(state: S, lineKey: string, line?: RawBillingLine): { customerId?: string; recordId: string } | null;
}

export interface PsaContractFixture<S = unknown> {
  kind: 'psa';
  /** The billing month. */
  period: BillingPeriod;
  /** The month's charges as pulled from sources (keys are assigned by core, as in a pull). */
  lines: RawBillingLine[];
  mappings: Mappings;
  settings: BillingSettings;
  /**
   * What the PSA must hold after the month is applied, as problems (empty: right), computed from the
   * month and the fixture by the vendor's rules, independently of the connector.
   */
  check(state: S, lineKeys: ReadonlyMap<string, RawBillingLine>): string[];
  /**
   * BillGrid's part of the PSA (what it created or changed) plus record counts, ids and timestamps aside:
   * two runs that converged on the same month give equal values, whatever crashed in between.
   */
  billed(state: S): unknown;
  /**
   * The billing month (YYYY-MM) in which the PSA bills the charge carrying `lineKey` (the charge's date, or
   * its invoice's), null when none carries it. Optional: read by the arrears bundle test
   * (tests/e2e/arrears.test.ts), which runs on every PSA that says.
   */
  chargeMonthOf?(state: S, lineKey: string): string | null;
  /**
   * The account code the PSA keeps for company `companyId` beside its id and name (the one its staff search
   * by, e.g. seed 002's mapping page filters by account code), null when the company has none or the PSA
   * keeps no such code. Read from the sandbox state by the vendor's field, independently of the connector.
   */
  accountCodeOf(state: S, companyId: string): string | null;
  /** A request that changes the PSA (a POST that queries is a read). */
  isMutation(r: Pick<LoggedRequest, 'method' | 'path'>): boolean;
  /** Ways a record BillGrid wrote can come back malformed (at least one). */
  malformed: Spoil<S>[];
  spec?: SpecRef;
}

/** One line a source must bill, in the fields the vendor's data fixes (the rest is the connector's choice). */
export type ExpectedLine = Omit<Partial<RawBillingLine>, 'currency'> & {
  customerId: string;
  total: number;
  /** As the vendor writes it (upper-cased ISO 4217). */
  currency: string;
};

export interface SourceContractFixture<S = unknown> {
  kind: 'source';
  period: BillingPeriod;
  /** Every line the period must bill, from the sandbox state by the vendor's rules. */
  expected(state: S): ExpectedLine[];
  /** A request that changes something at the vendor (a token request is not). */
  isMutation(r: Pick<LoggedRequest, 'method' | 'path'>): boolean;
  /** Ways one billed record can be malformed (at least one). */
  malformed: Spoil<S>[];
  spec?: SpecRef;
}

export type ContractFixture = PsaContractFixture | SourceContractFixture;

/** A text field as an account code: trimmed, null when absent or blank. */
export const codeText = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : null;

/** Equal to the 4 decimals PSAs keep for quantities and prices. */
export const near = (a: unknown, b: number): boolean => Math.abs(Number(a) - b) < 0.00005;

/** A record's text (name, description) carries the line key BillGrid wrote into it. */
export const keyIn = (text: unknown, key: string): boolean => String(text ?? '').includes(key);

/** How a PSA's one-off charge record shows the fields every fixture checks. */
export interface ChargeView<R> {
  /** What the PSA calls it, for messages ('contract charges', 'additions'). */
  noun: string;
  /** The text that carries the line key. */
  text(r: R): unknown;
  /** The contract (agreement) it is on. */
  contractOf(r: R): unknown;
  quantity(r: R): unknown;
  price(r: R): unknown;
  cost(r: R): unknown;
  /** The vendor's own further rules for one charge (dates, billable flag). */
  more?(r: R, key: string, line: RawBillingLine): string[];
}

/**
 * The billed-state check of one-off charges, the same for every PSA that keeps the line key in the
 * charge: exactly one record carries each non-recurring line's key, on the customer's contract, with
 * the line's quantity, price and cost.
 */
export function checkKeyedCharges<R>(
  records: readonly R[],
  lineKeys: ReadonlyMap<string, RawBillingLine>,
  contractOfCustomer: Readonly<Record<string, number>>,
  view: ChargeView<R>,
): string[] {
  const out: string[] = [];
  for (const [key, l] of lineKeys) {
    if (l.chargeType === 'recurring') continue;
    const found = records.filter((r) => keyIn(view.text(r), key));
    if (found.length !== 1) {
      out.push(`${found.length} ${view.noun} carry ${key}`);
      continue;
    }
    const r = found[0];
    if (view.contractOf(r) !== contractOfCustomer[l.customerId])
      out.push(`${key} on contract ${String(view.contractOf(r))}`);
    if (!near(view.quantity(r), l.quantity)) out.push(`${key}: quantity ${String(view.quantity(r))}`);
    if (!near(view.price(r), l.unitPrice)) out.push(`${key}: price ${String(view.price(r))}`);
    if (!near(view.cost(r), l.unitCost)) out.push(`${key}: cost ${String(view.cost(r))}`);
    out.push(...(view.more?.(r, key, l) ?? []));
  }
  return out;
}
