import type { BillingCycle } from './billing-line';
/**
 * What every PSA connector implements (src/connectors/psa/<name>), so jobs never branch on a vendor.
 *
 * Model: each approved grid row resolves to a *target* in the PSA.
 *  - a 'quantity' target is a recurring contract service whose unit count is kept equal to the
 *    sum of the approved quantities mapped to it (Autotask contract service, Kaseya BMS service);
 *  - a 'charge' target is one PSA record per BillGrid line key (Autotask contract charge, Halo
 *    invoice line) that carries the line key in a reference/description field, so an interrupted
 *    create is found on re-run instead of repeated.
 * Reconciliation compares targets with the PSA's current state; a push applies only the difference,
 * re-reading each entity just before it mutates it (convergent, idempotent).
 */
import type { ClientMapping } from './mapping';
import type { LatestInvoiceRule } from './settings';

export interface PsaCompany {
  id: string;
  name: string;
  active: boolean;
  /**
   * The PSA's own account code where it keeps one beside the id (seed 002: the mapping page filters by
   * account code); Clients searches by it.
   */
  code?: string;
}

export interface PsaProduct {
  id: string;
  name: string;
  /** SKU / code where the PSA has one. */
  code: string;
  unitPrice: number | null;
  unitCost: number | null;
}

export type PsaContractKind = 'recurring-service' | 'fixed-price' | 'recurring-invoice' | 'invoice';

export interface PsaContract {
  id: string;
  companyId: string;
  name: string;
  kind: PsaContractKind;
  startDate: string;
  endDate: string | null;
  /**
   * An 'invoice' the PSA would pick as the company's latest invoice (#16): the rules ('latestInvoice'
   * setting) under which it is, chosen by the same code as a push's 'latest'. Absent on an 'invoice' read
   * before the rules existed: the default rule ('unsent').
   */
  latestUnder?: LatestInvoiceRule[];
}

/** A dropdown choice read from the PSA (income/expense accounts, tax codes, billing codes, item groups). */
export interface PsaCode {
  id: string;
  name: string;
}

export interface PsaCodeLists {
  incomeAccounts: PsaCode[];
  expenseAccounts: PsaCode[];
  taxCodes: PsaCode[];
  /** Items/billing codes usable as the default item code. */
  itemCodes: PsaCode[];
  /**
   * Where services take other codes than charges (Autotask: Service vs Material billing codes): the codes
   * a service BillGrid creates may take; `itemCodes` are then only the codes charges take. Absent = one list.
   */
  serviceCodes?: PsaCode[];
}

/** Where the PSA keeps a quantity in sync with the source. */
export interface QuantityTargetRef {
  kind: 'quantity';
  companyId: string;
  contractId: string;
  productId: string;
}

/** One PSA record per line key. `container` is the contract id (Autotask) or invoice id (Halo). */
export interface ChargeTargetRef {
  kind: 'charge';
  companyId: string;
  container: string;
  lineKey: string;
}

export type TargetRef = QuantityTargetRef | ChargeTargetRef;

/** The PSA's current state for one target, as read just now. */
export interface PsaQuantityNow {
  ref: QuantityTargetRef;
  /** PSA id of the contract service; null when it does not exist yet. */
  psaId: string | null;
  quantity: number;
  unitPrice: number;
  unitCost: number;
  /**
   * What is in force from the first day of the contract's next billing period (the 1st of the next month,
   * or `PsaBillingState.contractPeriods`' `next`), when the PSA says: a change that waits for the next
   * period (setting `prorate` off) is compared with it.
   */
  next?: { quantity: number; unitPrice: number; unitCost: number };
}

export interface PsaChargeNow {
  ref: ChargeTargetRef;
  psaId: string;
  quantity: number;
  unitPrice: number;
  unitCost: number;
  description: string;
  date: string;
  /**
   * The PSA has already invoiced the charge (Autotask's isBilled): it can no longer be changed, so a line
   * whose billing date has since moved leaves it where it was billed rather than planning a move that
   * the PSA would refuse on every push. Left out where the PSA does not say.
   */
  invoiced?: boolean;
}

export interface PsaBillingState {
  quantities: PsaQuantityNow[];
  charges: PsaChargeNow[];
  /**
   * By contract id, when read (`readNextMonth`) and the PSA bills the contract in periods of its own
   * (Autotask's contract period type): the first day of its billing period holding the read month, and of
   * the next one. A change that waits for the next period (setting `prorate` off) waits for `next`, and
   * `PsaQuantityNow.next` is what is in force on that day. Left out: monthly periods.
   */
  contractPeriods?: Record<string, { start: string; next: string }>;
}

/** What must be read for a billing month: only the companies/contracts the month's lines need. */
export interface PsaReadScope {
  periodStart: string;
  periodEnd: string;
  companyIds: string[];
  contractIds: string[];
  lineKeys: string[];
  /**
   * The PSA id BillGrid recorded for a line key in an earlier push (the row's PSA reference), so a
   * connector can recognise its own record even where the PSA did not keep the key on it.
   */
  knownIds?: Record<string, string>;
  /**
   * Line keys no push has sent as far as the workbook knows: the key's row has no PSA reference, an empty
   * Status and no journal entry, and no push was cut off while sending (Journal.unrecordedKeys). A
   * connector may then read a narrower view (open invoices only) as long as every other key of
   * `lineKeys` is found in it, and must read in full otherwise. Absent: nothing is known, every key may
   * be in the PSA.
   */
  unsentKeys?: string[];
  /**
   * Some quantity target's changes wait for the next billing period (setting `prorate` off): also read what is
   * in force from the first day of each contract's next period (`PsaQuantityNow.next`; the day after
   * `periodEnd` for monthly contracts) and the contracts' periods (`PsaBillingState.contractPeriods`).
   */
  readNextMonth?: boolean;
  /**
   * A comparison that only shows or approves (Review, approval, a dry run), never a push: a connector that
   * keeps its recent reads may answer from reads up to this many ms old instead of reading again (Kaseya BMS,
   * whose hourly limit per endpoint a large month's reads would otherwise exhaust). Absent: read now.
   */
  recentReadsMs?: number;
  /**
   * This comparison plans a continuation of a push that began at this time (ms since the epoch) and then
   * compared with a fresh read: a connector that keeps its reads, together with what its own writes since
   * then changed, may answer from those made since this time instead of reading again (Kaseya BMS, where
   * each continuation of a 20,000-line push re-read its 900 contracts against 1,500 reads an hour). Every
   * write still re-reads its entity right before it, so what a kept read gets wrong is at most a change
   * made in the PSA by hand during the push to an entity the push had already compared: the next push sees
   * it. Absent: read now (or per `recentReadsMs`).
   */
  pushBeganAt?: number;
}

export type PushOperation = 'create-quantity' | 'set-quantity' | 'add-charge' | 'update-charge';

/** One convergent step of a push plan. `after` is the approved target; `before` what we saw. */
export interface PushStep {
  /** Deterministic and unique per plan; recorded in the ledger before the request is sent. */
  idempotencyKey: string;
  operation: PushOperation;
  ref: TargetRef;
  lineKeys: string[];
  before: { quantity: number; unitPrice: number; unitCost: number } | null;
  after: {
    quantity: number;
    unitPrice: number;
    unitCost: number;
    effectiveDate: string;
    description: string;
    productName: string;
    sku: string;
    /**
     * The PSA product/item the line maps to (for charges; quantity refs carry it in `ref`).
     * Starts with 'new:' when the connector must find or create the item by SKU (auto-create mode).
     */
    productId?: string;
    /** The lines' billing cycle (the commitment period of a service the connector creates); absent = monthly. */
    cycle?: BillingCycle;
  };
  /** Display name of the lines' source (integration), e.g. 'Pax8': names the item group of items created for it. */
  source?: string;
  /** The PSA id of the target when known (read or recorded earlier): lets a connector find it without its key. */
  psaId?: string | null;
  /** Default income/expense/tax/item codes in force for the client, for items the connector creates. */
  codes?: {
    incomeAccount: string | null;
    expenseAccount: string | null;
    taxCode: string | null;
    itemCode: string | null;
    /** The code for services the connector creates, where it is not the item code (PsaCodeLists.serviceCodes). */
    serviceCode?: string | null;
  };
}

export type StepOutcome =
  | { status: 'applied'; psaId: string; message: string }
  | { status: 'unchanged'; psaId: string; message: string }
  | {
      status: 'failed';
      message: string;
      retryable: boolean;
      /**
       * The PSA's rate limit needs a longer wait than this execution has left: the job stops after this
       * batch and continues from a trigger, which sends the step again.
       */
      continueLater?: boolean;
      /**
       * The connector knows that no request that could change the PSA was sent for this step (e.g. its
       * batch stopped at the rate limit before any change): the step did nothing, so nothing need be
       * looked for later. Only where that is certain; absent: the step may have been sent.
       */
      notSent?: boolean;
    };

/** What a PSA can hold, so reconciliation picks targets it supports (see targets.ts). */
export interface PsaCapabilities {
  /** The PSA keeps recurring quantities on contract services (Autotask, Kaseya BMS). */
  quantityTargets: boolean;
  /** Where a charge lives: a contract (Autotask contract charge) or an invoice (Halo invoice line). */
  chargeContainer: 'contract' | 'invoice';
  /**
   * False where BillGrid cannot change the unit cost of a contract service that exists (Autotask: the
   * documented paths change units and the price only). A cost-only difference is then shown, not planned,
   * since no push could settle it.
   */
  quantityCostSettable?: boolean;
  /**
   * The PSA bills a contract's periods from its start date (Autotask): a contract starting after the first
   * usage billed on it, or a recurring one not on the 1st, is refused before the push (core/contract-start.ts).
   */
  contractStartChecks?: boolean;
  /**
   * False where the PSA keeps no record for a quantity of 0 (an addition or service line of 0 units bills
   * nothing, so the connector adds none): a wanted 0 with no record is then already as wanted, rather than
   * a create planned on every push and found done when applied.
   */
  addsZeroQuantities?: boolean;
  /**
   * Set where the PSA takes no charges at all (usage, one-off, pro-rata: Kaseya BMS), to the reason in the
   * user's words. Each charge line is then blocked with it when the month is compared, so Review shows it
   * and it is never approved, instead of failing at the push.
   */
  chargesRefused?: string;
  /**
   * The PSA keeps a charge's quantity, unit price and cost to this many decimals and rounds what it is
   * sent (Autotask: 4). A charge whose rounded quantity × unit price would not bill the line's amount to
   * the cent is sent as 1 × the amount (`chargeForm` in core/money.ts), and compared in that form.
   */
  chargeDecimals?: number;
  /**
   * The PSA keeps the date a charge is sent with and an update can change it (Autotask's datePurchased):
   * reconcile then compares a charge's date too. A line is one charge whatever its date (its line key),
   * so when the line's billing date moves after a push (the arrears setting changed from "most recent" to
   * "next" or back) its existing charge is moved onto the new date: never a second charge for the other
   * period, never left in the old one. An invoiced charge stays where it was billed. Left out where a
   * charge's date is not its own (HaloPSA: an invoice line reports its invoice's date), where comparing
   * dates would plan an update on every push.
   */
  chargeDatesKept?: boolean;
  /**
   * In default-item mode, recurring lines (quantity targets) not yet mapped go to the default service
   * (`codes.defaultService`, a PSA product), not the default item code: on Autotask the item code is a
   * billing code, while a contract service needs a Service. Absent = the default item serves both.
   */
  defaultServiceForQuantities?: boolean;
  /**
   * The PSA keeps a recurring quantity as one line per product on a recurring invoice (HaloPSA): a
   * 'recurring' line of a client billed to a chosen invoice (invoice behaviour 'recurring') is a quantity
   * target on that invoice (`contractId` = the chosen invoice), so a seat change updates the line's
   * quantity instead of adding a charge each month.
   */
  recurringInvoiceQuantities?: boolean;
  /**
   * The PSA's charges live on contracts and one charge may stand for many lines (Autotask): the setting
   * `chargeDetail` 'grouped' then makes one charge per contract, product, billing month and currency
   * (core/charge-groups.ts), keyed by a key derived from those, instead of one per line.
   */
  groupedCharges?: boolean;
}

export interface PsaTarget {
  readonly id: string;
  readonly displayName: string;
  /** Optional for now; jobs fall back to the connector id's known capabilities. */
  readonly capabilities?: PsaCapabilities;
  testConnection(): { ok: boolean; message: string };
  listCompanies(): PsaCompany[];
  listProducts(): PsaProduct[];
  listContracts(companyIds: string[]): PsaContract[];
  listCodes(): PsaCodeLists;
  readBilling(scope: PsaReadScope): PsaBillingState;
  /** Apply one step convergently: re-read the entity, send only what differs. Never throws for a PSA 4xx. */
  apply(step: PushStep): StepOutcome;
  /**
   * Optional batch form of `apply` with the same per-step semantics and one outcome per step, in order:
   * lets a connector read and write many entities in parallel (fetchAll) within its API's limits.
   */
  applyAll?(steps: readonly PushStep[]): StepOutcome[];
  /**
   * Optional: steps per applyAll batch (default 100). A PSA that re-reads a batch's entities in one list
   * request sends fewer requests with larger batches; the journal holds a batch's entries in properties,
   * so keep it at a few hundred.
   */
  readonly pushBatchSize?: number;
  /**
   * Optional: milliseconds until the PSA's rate limit has room for a continuation's work again (0: now).
   * A job that stops with work left schedules its continuation no earlier than this, so the continuation
   * does not start by waiting for the window.
   */
  resumeInMs?(): number;
}

/** A record the PSA holds after a create: `created` is false when an existing one was found and reused. */
export interface Created {
  id: string;
  created: boolean;
}

/**
 * Optional abilities some PSAs have. The API and sidebar discover them with the guards below, never by
 * the connector's name, so a new PSA gains a feature by implementing the interface.
 */
export interface CreatesCompanies {
  /** Find-or-create by name (a second call reuses the first's company). */
  createCompany(input: { name: string }): Created;
}

export interface CreatesContracts {
  /** Find-or-create a contract of a kind for a company (a second call reuses the first's). */
  createContract(input: {
    companyId: string;
    name: string;
    kind: 'recurring-service' | 'fixed-price';
    startDate: string;
    endDate?: string;
  }): Created;
  /** The start date a new contract should have to bill a month that starts on `monthStart` (YYYY-MM-DD). */
  contractStartFor(monthStart: string): string;
}

/**
 * A PSA that keeps its own mapping of source customers to its companies (one company ← many customers):
 * imported at refresh as confirmed client mappings, so a mapping made there is not redone here. A person's
 * mapping in BillGrid is never overwritten; a customer the PSA maps twice is a problem, not a guess.
 */
export interface ImportsClientMappings {
  importClientMappings(
    sources: readonly { id: string; displayName: string }[],
    existing: readonly ClientMapping[],
  ): { mappings: ClientMapping[]; problems: string[]; parents?: SourceCustomerParent[] };
}

/**
 * A source customer's parent as the PSA knows it, where the source itself does not say (seed 002: a
 * module's organisations and sub-organisations, listed by the PSA's organisation mapping page). The Clients
 * screen nests the child under its parent; each is still mapped on its own.
 */
export interface SourceCustomerParent {
  source: string;
  customerId: string;
  parentId: string;
  parentName: string;
}

/** One invoice a person may choose as a client's target invoice (the invoice picker). */
export interface PsaInvoiceChoice {
  /** What to store as the client's target invoice: the container id the push understands. */
  id: string;
  kind: 'invoice' | 'recurring-invoice';
  /** The PSA's own id, as staff see it. */
  psaId: string;
  /** Invoice number ('' where the PSA numbers none, e.g. a recurring invoice). */
  number: string;
  /** Invoice date (YYYY-MM-DD); '' when none. */
  date: string;
  /** Reference or name. */
  name: string;
  /** Recurring: what one period bills now (sum of its active lines), in the client's currency. */
  amount: number | null;
  /** Recurring: the next period it generates an invoice for (YYYY-MM-DD), when known. */
  nextPeriod: string | null;
}

/**
 * A PSA whose charges go on invoices a person may choose: a company's invoices that can still take
 * charges (open; recurring invoices), newest first, for the Clients screen's picker.
 */
export interface ListsInvoices {
  listInvoices(companyId: string): PsaInvoiceChoice[];
}

/**
 * Item auto-creation (the "auto-create" product mode, offered only for a PSA with this interface): apply()
 * finds the product of a step whose product id is 'new:<SKU>' the way the PSA keeps a SKU, and creates it
 * only when there is none. `findProducts` is that same find, read-only. Planning uses it to record what each
 * such SKU resolves to as a product mapping, so a step names the product by the id the PSA's state is read
 * by; a product created by a push whose execution then died is found and recorded the same way.
 */
export interface CreatesProducts {
  /** The PSA product apply() would use for each SKU, where one exists; `name` is the product's name at the source. */
  findProducts(wanted: readonly { sku: string; name: string }[]): Map<string, PsaProduct>;
}

const hasMethods = (t: object, ...names: string[]): boolean =>
  names.every((n) => typeof (t as Record<string, unknown>)[n] === 'function');

export const createsCompanies = (t: PsaTarget): t is PsaTarget & CreatesCompanies =>
  hasMethods(t, 'createCompany');

export const createsContracts = (t: PsaTarget): t is PsaTarget & CreatesContracts =>
  hasMethods(t, 'createContract', 'contractStartFor');

export const listsInvoices = (t: PsaTarget): t is PsaTarget & ListsInvoices => hasMethods(t, 'listInvoices');

export const createsProducts = (t: PsaTarget): t is PsaTarget & CreatesProducts =>
  hasMethods(t, 'findProducts');

export const importsClientMappings = (t: PsaTarget): t is PsaTarget & ImportsClientMappings =>
  hasMethods(t, 'importClientMappings');

export class PsaError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PsaError';
  }
}
