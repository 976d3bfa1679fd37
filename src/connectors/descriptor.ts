/**
 * What a connector tells the rest of BillGrid about itself. Each connector folder exports one descriptor
 * (`descriptor.ts`); src/connectors/registry.ts lists them. Jobs, the sidebar API, the Connect screen, the
 * manifest check and the local harnesses read connectors only through this contract, so adding a
 * connector is one folder plus one registry line.
 */
import type { z } from 'zod';
import type { CachedValue, HttpClient, RequestWindowStore, TokenStore } from '../core/http';
import type { MonthCostModel } from '../core/daily-quota';
import type { PsaCapabilities, PsaCodeLists, PsaTarget } from '../core/psa';
import type { BillingSource } from '../core/source';
import type { HttpPolicy } from '../platform/http';
import type { Exposure } from '../platform/secrets';

export type ConnectorKind = 'source' | 'psa';

/**
 * Stored credentials: the text fields a person typed in Connect, checked by the descriptor's schema.
 * Kept as strings (document properties hold text); the factory turns them into the connector's config.
 */
export type Credentials = Record<string, string | undefined>;

/** How one credential field appears in the Connect form and how much of it the sidebar may see. */
export interface CredentialField {
  /** Key in the credential schema and in the stored record. */
  name: string;
  label: string;
  exposure: Exposure;
  /** HTML input type for the sidebar. */
  input: 'text' | 'password' | 'url' | 'email';
  /** Shown under the field. */
  hint?: string;
  /** Must match the schema: an optional field may be left blank (and is then removed). */
  optional?: boolean;
}

/** The connector's HTTP manners, handed to the platform's retrying client. */
export type ConnectorHttpPolicy = Partial<HttpPolicy> & { apiName: string };

/** What a factory gets from the platform (UrlFetchApp behind a retrying client, the document cache). */
export interface ConnectorDeps {
  /** An HTTP client that applies `policy` (rate limit, concurrency, retries). */
  http(policy: ConnectorHttpPolicy): HttpClient;
  /** A token store shared across executions, keyed so a changed credential never reuses a token. */
  tokenStore(key: string): TokenStore | undefined;
  /** The last tenant check's result for one of this connector's probes, so it may adapt to a confirmed behaviour. */
  checked?(probeId: string): ProbeResult | undefined;
  /**
   * A small value kept across executions (document properties), namespaced by connector id, for a connector
   * that must remember what it sent where the vendor cannot be read back. Absent where there is no store.
   */
  durable?(key: string): DurableValue | undefined;
  /**
   * Send times of an API's rate-limit window kept between executions (script properties), so a
   * continuation paces itself against what the previous execution sent; absent in tests.
   */
  requestWindow?(key: string): RequestWindowStore | undefined;
  /**
   * A value kept a short while across executions (the document cache), namespaced by connector id: what
   * the connector can always read again from the vendor, kept so that a job's continuations do not read
   * it again each time (e.g. a large reference list). May vanish at any time; absent in tests.
   */
  cache?(key: string): CachedValue | undefined;
  /** Sleep that counts against the execution's time (Utilities.sleep), for pacing. */
  sleep?(ms: number): void;
  /** What the running job (or execution) may still spend, so a wait for a rate limit never outlives it. */
  timeLeftMs?(): number;
}

/** One stored JSON value: parsed with the caller's schema on read (null when none); a damaged value throws. */
export interface DurableValue {
  read<T>(schema: z.ZodType<T>): T | null;
  write(value: unknown): void;
}

/** Outcome of one read-only check of an assumption against a real tenant (the tenant check). */
export interface ProbeResult {
  status: 'confirmed' | 'differs' | 'unchecked';
  detail: string;
}

/** What a probe gets besides the connector: the checked credentials and the connector's read client. */
export interface ProbeContext<C extends Credentials = Credentials> {
  credentials: C;
  /** The connector's read HTTP client (its read policy): for raw checks of an envelope or a paging style. */
  http: HttpClient;
  /** A test client/company the user named; write probes run only when it is given. */
  testCompanyId?: string;
  /** The defaults, an integration or a client use the auto-create product mode (P21): products get created. */
  autoCreateProducts?: boolean;
}

/**
 * A check of one documented assumption (paging, a required field's presence, …) against the real tenant.
 * Read-only unless `writes` is set: a write probe runs only on a test company the user names, says here
 * what it changes (listed before it runs) and removes what it made.
 */
export interface ConnectorProbe<T, C extends Credentials = Credentials> {
  id: string;
  /** The assumption in the user's words. */
  assumption: string;
  /**
   * A right the connector's API user needs, in the vendor's words (its security area): Connect lists these
   * as the API user's minimum permissions before any check, and the probe checks it.
   */
  permission?: string;
  /** A write probe: what it creates or changes on the test company, and how it cleans up. */
  writes?: string;
  /**
   * What a write probe cannot remove because the vendor's API cannot (e.g. a record that is create-only),
   * and why it bills nothing; said in `writes` too. Absent: it removes everything it made.
   */
  leaves?: string;
  run(connector: T, ctx: ProbeContext<C>): ProbeResult;
}

interface DescriptorBase<C extends Credentials> {
  /** Stable id: namespace of stored credentials, source id in line keys and mapping tabs. */
  id: string;
  kind: ConnectorKind;
  /** The vendor's name as users know it. */
  displayName: string;
  /** The credential fields as one object schema (eager: its shape is the Connect form): the only validation of what Connect saves. */
  credentials: z.ZodType<C> & Pick<z.ZodObject, 'shape'>;
  /** The Connect form's fields, in order; names and optionality equal the schema's (tested). */
  fields: readonly CredentialField[];
  /** Every URL prefix the connector fetches (https, ending in '/'): appsscript.json's urlFetchWhitelist. */
  urlPrefixes: readonly string[];
  /** Reads: retried on 429/5xx; mutations (when the connector writes) are never replayed blindly. */
  http: { reads: ConnectorHttpPolicy; mutations?: ConnectorHttpPolicy };
}

export interface SourceDescriptor<C extends Credentials = Credentials> extends DescriptorBase<C> {
  kind: 'source';
  create(credentials: C, deps: ConnectorDeps): BillingSource;
  probes: readonly ConnectorProbe<BillingSource, C>[];
}

export interface PsaDescriptor<C extends Credentials = Credentials> extends DescriptorBase<C> {
  kind: 'psa';
  /** What the PSA can hold (quantity targets; charges on contracts or invoices). */
  capabilities: PsaCapabilities;
  /**
   * What a whole month costs on Google per source line, as the PSA's bench measured it (docs/PERFORMANCE.md):
   * the daily-quota estimate shown before a run (src/core/daily-quota.ts). Absent: DEFAULT_MONTH_COST.
   */
  monthCost?: MonthCostModel;
  create(credentials: C, deps: ConnectorDeps): PsaTarget;
  probes: readonly ConnectorProbe<PsaTarget, C>[];
  /**
   * Where each code list of `listCodes` comes from, in the users' words, where that is not simply the PSA's
   * own list of that name (e.g. codes gathered from the PSA's products because its API has no such list).
   * The Defaults screen says it under the dropdown.
   */
  codeOrigins?: Partial<Record<keyof PsaCodeLists, string>>;
  /**
   * The hour (0–23, spreadsheet time zone) a new schedule syncs quantities each night, where the PSA's own
   * billing syncs nightly at a set hour; the Schedule screen offers it until staff save their own. Absent: off.
   */
  nightlySyncHour?: number;
}

export type ConnectorDescriptor = SourceDescriptor | PsaDescriptor;
