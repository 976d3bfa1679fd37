/**
 * What a sandbox folder gives the bench (local/bench), by convention: a connector with a sandbox may
 * export `bench` from `local/sandbox/<id>/bench.ts`. `npm run bench` runs a large MSP's month against
 * every PSA that has one, pulling from every source that has one, so a new connector's bench needs no
 * line in local/bench. What only the vendor's side can say lives here: how its part of the big month is
 * generated, the fewest requests its API allows for each step (from its page sizes, see its SOURCES.md),
 * and what counts as a change and as a duplicate in its state.
 */

/** The bench's MSP: clients 1…`clients`, client i named `companyName(i)` at every vendor. */
export interface BenchClients {
  /** The billing month, 'YYYY-MM'. */
  month: string;
  clients: number;
  companyName(i: number): string;
}

/** One part of the fewest requests a step needs: what is read or written, and how many requests. */
export type MinimumPart = [what: string, requests: number];

/** A product a source bills, as a PSA's catalogue would carry it. */
export interface BenchProduct {
  sku: string;
  name: string;
  price: number;
  cost: number;
}

export interface SourceBenchMonth<F = unknown> {
  fixture: F;
  /** Billing lines the fixture holds for the month. */
  lines: number;
  /** Recurring seats by client number and SKU: what a PSA's contract quantities are built from. */
  seats: Map<number, Map<string, number>>;
  /** The products the source bills, one per SKU, in order of first appearance. */
  products: BenchProduct[];
}

export interface SourceBench<F = unknown> {
  kind: 'source';
  /**
   * How the source takes its share of the month's lines: 'accounts' bills a month of usage for each of
   * the first `accounts` clients (built first); 'rest' fills the lines left over, spread over every client.
   */
  share: 'accounts' | 'rest';
  build(input: BenchClients & { accounts: number; lines: number }): SourceBenchMonth<F>;
  /** The credentials the generated fixture accepts (the connector's credential field names). */
  credentials(fixture: F): Record<string, string>;
  /** Refresh clients: the customer lists. */
  refreshMinimum(fixture: F): MinimumPart[];
  /** The month's charges. */
  pullMinimum(fixture: F): MinimumPart[];
}

export interface PsaBenchMonth<S = unknown> {
  state: S;
  /** Per-client settings a person sets for this month (company id → client settings). */
  clientSettings?: Record<string, unknown>;
}

/**
 * A hand-made script the PSA's month is compared with (local/bench/naive.ts): the same month written
 * cell by cell with one fetch per record, run as its own bundle against the same sandboxes.
 */
export interface NaiveBaseline<S = unknown> {
  /** What the script bills, in words, e.g. 'Source → PSA'. */
  title: string;
  /** The sources whose sandboxes it reads. */
  sources: string[];
  /** Which lines a slice is taken from, in words (the report's note). */
  slice: string;
  /** A plain Apps Script file with the function `fn`. */
  script: string;
  fn: string;
  /** `fn`'s argument for a slice of `lines` lines of the month. */
  config(month: { month: string; sources: Record<string, unknown>; psa: S }, lines: number): unknown;
}

export interface PsaBench<S = unknown> {
  kind: 'psa';
  /** The PSA's side of the month: its companies and what they are billed on, from the sources' seats. */
  build(
    input: BenchClients & { seats: Map<number, Map<string, number>>; products: BenchProduct[] },
  ): PsaBenchMonth<S>;
  /** Refresh clients: companies, what they are billed on, products, codes. */
  refreshMinimum(state: S): MinimumPart[];
  /** Reading the PSA's side of the month (to reconcile); `after`: the PSA once the month was pushed. */
  readMinimum(state: S, month: string, after?: S): MinimumPart[];
  /** Entities the push had to create or change, by kind: its state after the push against `before`. */
  changes(before: S, after: S): Record<string, number>;
  /** Anything billed twice in the final state, by kind (all zero: none). */
  duplicates(after: S): Record<string, number>;
  /** Concurrent requests the connector sends at most (the floor of a push's time). */
  threads: number;
  /** A hosted tenant's request limit: the report shows the month's elapsed time under it. */
  hostedLimit?: { requests: number; windowS: number };
  /**
   * The sandbox copies its whole state before every write (to roll a refused one back): O(state) per
   * request. The bench skips the copy and checks instead that no write was refused.
   */
  copiesStateOnWrite?: boolean;
  /** The reference PSA: the naive baseline and the 100,000-line month run against it. */
  naive?: NaiveBaseline<S>;
}

export type ConnectorBench = SourceBench | PsaBench;

/**
 * A file import's bench (an import source has no vendor API and no sandbox server): its folder's
 * bench.ts exports `bench` of kind 'import'. `npm run bench` imports a generated file of `rows` rows
 * through the built bundle as the sidebar does and reports each execution.
 */
export interface ImportBench {
  kind: 'import';
  /** The import descriptor's id (src/connectors/registry.ts IMPORTS). */
  importId: string;
  run(input: { rows: number; code: string }): ImportBenchRun;
}

/** One execution of an import (preview, import, pull). */
export interface ImportBenchStep {
  step: string;
  ok: boolean;
  sheetsCalls: number;
  cellsWritten: number;
  cellsRead: number;
  modelledMs: number;
  /** Finished and within Apps Script's 6-minute execution limit (modelled). */
  fits: boolean;
  wallMs: number;
  error?: string;
}

export interface ImportBenchRun {
  /** What was imported, in words (the report's heading). */
  title: string;
  rows: number;
  megabytes: number;
  steps: ImportBenchStep[];
}
