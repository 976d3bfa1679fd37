/**
 * BillGrid's ConnectWise PSA target.
 *
 * Quantities live on agreements as additions, which hold an absolute quantity: a push re-reads the
 * agreement's additions and sets the quantity on the one open for the product (or adds one, or cancels it
 * at 0; never deletes). Usage and one-off lines are additions billed once (effective on the 1st of their
 * month, cancelled on the next 1st) whose invoice description carries the line key, found again by that
 * key before anything is created. Catalog items BillGrid creates carry an integrationXRef.
 */
import { HttpTransportError, type HttpClient } from '../../../core/http';
import { fnv1a64 } from '../../../core/hash';
import { LINE_KEY_PATTERN } from '../../../core/line-key';
import {
  PsaError,
  type CreatesCompanies,
  type CreatesContracts,
  type CreatesProducts,
  type Created,
  type PsaBillingState,
  type PsaCapabilities,
  type PsaChargeNow,
  type PsaCodeLists,
  type PsaCompany,
  type PsaContract,
  type PsaProduct,
  type PsaQuantityNow,
  type PsaReadScope,
  type PsaTarget,
  type PushStep,
  type StepOutcome,
} from '../../../core/psa';
import { refKey } from '../../../core/reconcile';
import { AUTO_CREATE_PRODUCT_PREFIX } from '../../../core/targets';
import { ConnectWiseClient, IN_CHUNK, chunk, quote, type ConnectWiseProblem, type ListQuery } from './client';

/** Encoded length of one query's conditions: the rest of the URL (host, path, paging, fields) fits the 2 KB left. */
const MAX_CONDITIONS = 1_400;
import type { ConnectWiseConfig } from './config';
import { decideCharge, decideQuantity, lineKeyOf, monthStart, type Decision } from './decide';
import {
  additionSchema,
  agreementSchema,
  agreementTypeSchema,
  catalogItemSchema,
  companySchema,
  contactSchema,
  type CwAddition,
  type CwAgreement,
  type CwCatalogItem,
} from './schemas';

export const CONNECTWISE_CAPABILITIES: PsaCapabilities = {
  quantityTargets: true,
  chargeContainer: 'contract',
  // An addition of 0 bills nothing: none is added (decide.ts).
  addsZeroQuantities: false,
};

/** ConnectWise's length limits on what BillGrid writes (SOURCES.md). */
export const LIMITS = {
  companyIdentifier: 25,
  companyName: 50,
  agreementName: 50,
  customerPO: 50,
  itemIdentifier: 75,
  itemDescription: 60,
  integrationXRef: 50,
} as const;

const uniqNums = (xs: Iterable<string | number>): number[] =>
  [...new Set([...xs].map(Number).filter((n) => Number.isInteger(n) && n > 0))].sort((a, b) => a - b);

const isId = (s: string | undefined): boolean => !!s && /^\d{1,12}$/.test(s);

/** The integrationXRef of a catalog item BillGrid creates for a SKU: stable, and at most 50 characters. */
export function itemXRef(sku: string): string {
  const plain = `billgrid:${sku}`;
  return plain.length <= LIMITS.integrationXRef ? plain : `billgrid:#${fnv1a64(sku)}`;
}

/** ConnectWise company identifiers: letters and digits, at most 25 characters. */
export function companyIdentifier(name: string, attempt = 0): string {
  const base =
    name
      .normalize('NFD')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, LIMITS.companyIdentifier) || 'Company';
  if (attempt === 0) return base;
  const suffix = String(attempt + 1);
  return base.slice(0, LIMITS.companyIdentifier - suffix.length) + suffix;
}

/** The customerPO of an agreement BillGrid creates: how a re-run finds it. */
export const agreementPO = (companyId: string, name: string, kind: string): string =>
  `BG-${fnv1a64(`${companyId}\u001f${name}\u001f${kind}`)}`;

/** Steps that could not be decided because ConnectWise did not answer usably; anything else is a bug. */
function failAll(steps: readonly PushStep[], err: unknown): StepOutcome[] {
  if (!(err instanceof PsaError) && !(err instanceof HttpTransportError)) throw err;
  const status = err instanceof PsaError ? err.status : undefined;
  const retryable =
    err instanceof HttpTransportError || status === undefined || status === 429 || status >= 500;
  return steps.map(() => ({ status: 'failed', message: err.message, retryable }));
}

const monthBefore = (iso: string): string => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 10);
};

/** Additions an agreement holds, and those BillGrid could not read (by product id, or all when unknown). */
interface AgreementAdditions {
  list: CwAddition[];
  unreadable: Array<{ productId: number | null; lineKey: string | null; message: string }>;
}

const asProduct = (i: CwCatalogItem): PsaProduct => ({
  id: String(i.id),
  name: i.description ?? i.identifier,
  code: i.identifier,
  unitPrice: i.price ?? null,
  unitCost: i.cost ?? null,
});

export class ConnectWiseTarget implements PsaTarget, CreatesCompanies, CreatesContracts, CreatesProducts {
  readonly id = 'connectwise';
  readonly displayName = 'ConnectWise PSA';
  readonly capabilities = CONNECTWISE_CAPABILITIES;
  readonly client: ConnectWiseClient;
  /** Catalog items read or created during this execution, by 'id:N', 'sku:<lower>' and 'xref:<value>'. */
  private readonly items = new Map<string, CwCatalogItem>();

  constructor(
    readonly config: ConnectWiseConfig,
    http: HttpClient,
    mutations: HttpClient = http,
  ) {
    this.client = new ConnectWiseClient(config, http, mutations);
  }

  /** Records ConnectWise sent that could not be read (reported, never dropped silently). */
  get problems(): readonly ConnectWiseProblem[] {
    return this.client.problems;
  }

  // ---------------------------------------------------------------- connection

  testConnection(): { ok: boolean; message: string } {
    const probes = [
      { path: 'system/info', need: 'sign in' },
      { path: 'company/companies?pageSize=1', need: 'Companies: Company Maintenance (inquire)' },
      { path: 'finance/agreements?pageSize=1', need: 'Finance: Agreements (inquire)' },
      { path: 'finance/agreements/types?pageSize=1', need: 'Finance: Agreements (inquire)' },
      { path: 'procurement/catalog?pageSize=1', need: 'Procurement: Product Catalog (inquire)' },
    ];
    let responses;
    try {
      responses = this.client.readAll(probes.map((p) => this.client.request('get', p.path)));
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : 'ConnectWise could not be reached' };
    }
    const denied = responses.find(
      (r) => r.status === 401 || (r.status === 400 && /client ?id/i.test(this.client.messages(r))),
    );
    if (denied)
      return {
        ok: false,
        message: `ConnectWise refused the sign-in (${this.client.describe(denied)}): check the company id, the public and private keys and the client id`,
      };
    const missing = new Set<string>();
    responses.forEach((r, i) => {
      if (r.status !== 200) missing.add(`${probes[i].need} (${this.client.describe(r)})`);
    });
    if (missing.size === 0)
      return { ok: true, message: `Connected to ConnectWise PSA (${this.config.site})` };
    return {
      ok: false,
      message: `Connected to ConnectWise PSA, but the API member's security role lacks: ${[...missing].join('; ')}`,
    };
  }

  // ---------------------------------------------------------------- lists for mapping

  listCompanies(): PsaCompany[] {
    return this.client
      .list('companies', { path: 'company/companies', conditions: 'deletedFlag=false' }, companySchema)
      .map((c) => ({
        id: String(c.id),
        name: c.name,
        active: !/inactive/i.test(c.status?.name ?? ''),
        // The company's identifier ("Company ID" on its screen), the short code staff know it by.
        ...(c.identifier ? { code: c.identifier } : {}),
      }));
  }

  listProducts(): PsaProduct[] {
    return this.activeCatalog().map(asProduct);
  }

  /** Active catalog items, read once per execution (refresh lists products, then codes from the same list). */
  private active: CwCatalogItem[] | null = null;
  private activeCatalog(): CwCatalogItem[] {
    this.active ??= this.catalog('inactiveFlag=false');
    return this.active;
  }

  /** The catalog item apply() would use for each 'new:' SKU: by integrationXRef, else by identifier. */
  findProducts(wanted: readonly { sku: string; name: string }[]): Map<string, PsaProduct> {
    const skus = [...new Set(wanted.map((w) => w.sku))];
    const missing = skus.filter((sku) => !this.cachedSku(sku));
    if (missing.length) this.findItems(missing);
    const out = new Map<string, PsaProduct>();
    for (const sku of skus) {
      const i = this.cachedSku(sku);
      if (i) out.set(sku, asProduct(i));
    }
    return out;
  }

  listContracts(companyIds: string[]): PsaContract[] {
    const ids = uniqNums(companyIds);
    if (!ids.length) return [];
    // Up to one chunk of companies: their agreements by id. More: every open agreement, 1,000 a page, kept
    // for the companies asked (one request per 1,000 agreements instead of one per 100 companies).
    const wanted = new Set(ids);
    const queries =
      ids.length <= IN_CHUNK
        ? [
            {
              path: 'finance/agreements',
              conditions: `company/id in (${ids.join(',')}) and cancelledFlag=false`,
            },
          ]
        : [{ path: 'finance/agreements', conditions: 'cancelledFlag=false' }];
    return this.client
      .listAll('agreements', queries, agreementSchema)
      .flat()
      .filter((a) => wanted.has(a.company.id))
      .filter((a) => !a.agreementStatus || a.agreementStatus === 'Active')
      .map((a) => ({
        id: String(a.id),
        companyId: String(a.company.id),
        name: a.type?.name && a.type.name !== a.name ? `${a.name} (${a.type.name})` : a.name,
        kind: 'recurring-service',
        startDate: a.startDate ?? '',
        endDate: a.endDate ?? null,
      }));
  }

  listCodes(): PsaCodeLists {
    // ConnectWise has no per-line GL or tax code to choose here; the default "item code" is a catalog item:
    // the product of lines mapped to the default item, and the template (subcategory, type) of items
    // BillGrid creates.
    return {
      incomeAccounts: [],
      expenseAccounts: [],
      taxCodes: [],
      itemCodes: this.activeCatalog().map((i) => ({
        id: String(i.id),
        name:
          i.description && i.description !== i.identifier
            ? `${i.identifier} (${i.description})`
            : i.identifier,
      })),
    };
  }

  private catalog(conditions: string): CwCatalogItem[] {
    const list = this.client.list(
      'catalog items',
      { path: 'procurement/catalog', conditions },
      catalogItemSchema,
    );
    for (const i of list) this.remember(i);
    return list;
  }

  private remember(i: CwCatalogItem): void {
    this.items.set(`id:${i.id}`, i);
    const sku = `sku:${i.identifier.toLowerCase()}`;
    if (!this.items.has(sku)) this.items.set(sku, i);
    if (i.integrationXRef) this.items.set(`xref:${i.integrationXRef}`, i);
  }

  // ---------------------------------------------------------------- reconcile read

  private agreements(ids: number[]): Map<number, CwAgreement> {
    const queries = chunk(ids, IN_CHUNK).map((c): ListQuery => ({
      path: 'finance/agreements',
      conditions: `id in (${c.join(',')})`,
    }));
    const list = queries.length ? this.client.listAll('agreements', queries, agreementSchema).flat() : [];
    return new Map(list.map((a) => [a.id, a]));
  }

  /** Each agreement's additions not cancelled before `from`, read in parallel. */
  private additions(ids: number[], from: string): Map<number, AgreementAdditions> {
    const before = this.client.problems.length;
    const lists = this.client.listAll(
      'additions',
      ids.map((id) => ({
        path: `finance/agreements/${id}/additions`,
        conditions: `cancelledDate = null or cancelledDate >= [${from}T00:00:00Z]`,
      })),
      additionSchema,
    );
    const out = new Map<number, AgreementAdditions>(
      ids.map((id, k) => [id, { list: lists[k], unreadable: [] }]),
    );
    for (const p of this.client.problems.slice(before)) {
      const raw = (p.raw ?? {}) as { product?: { id?: unknown }; invoiceDescription?: unknown };
      const productId = typeof raw.product?.id === 'number' ? raw.product.id : null;
      const lineKey = typeof raw.invoiceDescription === 'string' ? lineKeyOf(raw.invoiceDescription) : null;
      out.get(ids[p.query])?.unreadable.push({ productId, lineKey, message: p.message });
    }
    return out;
  }

  readBilling(scope: PsaReadScope): PsaBillingState {
    const ids = uniqNums(scope.contractIds);
    const agreements = this.agreements(ids);
    const present = ids.filter((id) => agreements.has(id));
    const keys = new Set(scope.lineKeys.filter((k) => LINE_KEY_PATTERN.test(k)));
    const additions = this.additions(present, monthBefore(monthStart(scope.periodStart)));
    const end = scope.periodEnd;
    const quantities: PsaQuantityNow[] = [];
    const charges: PsaChargeNow[] = [];
    for (const [agreementId, { list }] of additions) {
      const agreement = agreements.get(agreementId)!;
      const companyId = String(agreement.company.id);
      const byProduct = new Map<number, CwAddition[]>();
      for (const a of list) {
        const key = lineKeyOf(a.invoiceDescription);
        if (key) {
          if (keys.has(key) && !charges.some((c) => c.ref.lineKey === key))
            charges.push({
              ref: { kind: 'charge', companyId, container: String(agreementId), lineKey: key },
              psaId: String(a.id),
              quantity: a.quantity,
              unitPrice: a.unitPrice ?? 0,
              unitCost: a.unitCost ?? 0,
              description: a.invoiceDescription ?? '',
              date: a.effectiveDate ?? '',
            });
          continue;
        }
        byProduct.set(a.product.id, [...(byProduct.get(a.product.id) ?? []), a]);
      }
      for (const [productId, rows] of byProduct) {
        const inForce = rows.filter(
          (a) => (a.effectiveDate ?? '') <= end && (!a.cancelledDate || a.cancelledDate > end),
        );
        const latest = (xs: CwAddition[]) =>
          xs.reduce((b, a) =>
            (a.effectiveDate ?? '') > (b.effectiveDate ?? '') ||
            ((a.effectiveDate ?? '') === (b.effectiveDate ?? '') && a.id > b.id)
              ? a
              : b,
          );
        // Nothing in force: the latest addition was cancelled this period, so 0 is what ConnectWise bills.
        const ended = rows.filter((a) => a.cancelledDate && a.cancelledDate <= end);
        if (!inForce.length && !ended.length) continue;
        const shown = inForce.length ? latest(inForce) : latest(ended);
        const quantity = inForce.reduce((n, a) => n + a.quantity, 0);
        const now = (pid: string): PsaQuantityNow => ({
          ref: { kind: 'quantity', companyId, contractId: String(agreementId), productId: pid },
          psaId: String(shown.id),
          quantity,
          unitPrice: shown.unitPrice ?? 0,
          unitCost: shown.unitCost ?? 0,
        });
        quantities.push(now(String(productId)));
        // Lines in auto-create mode name the product by SKU until it is mapped: the same addition answers them.
        if (shown.product.identifier)
          quantities.push(now(AUTO_CREATE_PRODUCT_PREFIX + shown.product.identifier));
      }
    }
    return { quantities, charges };
  }

  // ---------------------------------------------------------------- push

  apply(step: PushStep): StepOutcome {
    return this.applyAll([step])[0];
  }

  /** One batched read per agreement, then one request per addition that must change; same-target steps in later rounds. */
  applyAll(steps: readonly PushStep[]): StepOutcome[] {
    const outcomes: StepOutcome[] = new Array<StepOutcome>(steps.length);
    let rest = steps.map((s, i) => ({ s, i }));
    while (rest.length) {
      const seen = new Set<string>();
      const round: typeof rest = [];
      const later: typeof rest = [];
      for (const x of rest) {
        const k = refKey(x.s.ref);
        (seen.has(k) ? later : round).push(x);
        seen.add(k);
      }
      const res = this.applyRound(round.map((x) => x.s));
      round.forEach((x, j) => (outcomes[x.i] = res[j]));
      rest = later;
    }
    return outcomes;
  }

  private applyRound(steps: readonly PushStep[]): StepOutcome[] {
    let decisions: Decision[];
    try {
      decisions = this.decide(steps);
    } catch (err) {
      return failAll(steps, err);
    }
    const outcomes: Array<StepOutcome | null> = decisions.map((d) => {
      if (d.kind === 'fail') return { status: 'failed', message: d.message, retryable: d.retryable };
      if (d.kind === 'unchanged') return { status: 'unchanged', psaId: d.psaId, message: d.message };
      return null;
    });
    // Changes of different steps go out together; a step's second change only after its first landed.
    const lastId = new Map<number, number>();
    for (let phase = 0; ; phase++) {
      const now = decisions.flatMap((d, i) =>
        d.kind === 'send' && outcomes[i] === null && d.changes[phase] ? [{ i, c: d.changes[phase] }] : [],
      );
      if (!now.length) break;
      const results = this.client.mutateAll(now.map((x) => x.c));
      now.forEach((x, k) => {
        const r = results[k];
        if (!r.ok) outcomes[x.i] = { status: 'failed', message: r.message, retryable: r.retryable };
        else lastId.set(x.i, r.id);
      });
    }
    return decisions.map((d, i): StepOutcome => {
      const o = outcomes[i];
      if (o) return o;
      const send = d as Extract<Decision, { kind: 'send' }>;
      const psaId = send.psaId ?? String(lastId.get(i) ?? '');
      return {
        status: 'applied',
        psaId,
        message: `ConnectWise saved ${send.changes.map((c) => c.what).join(', then ')}`,
      };
    });
  }

  private agreementOf(s: PushStep): number | null {
    const id = s.ref.kind === 'quantity' ? s.ref.contractId : s.ref.container;
    return isId(id) ? Number(id) : null;
  }

  private decide(steps: readonly PushStep[]): Decision[] {
    const failures = new Map<number, { message: string; retryable: boolean }>();
    const products = this.resolveProducts(steps, failures);
    const ids = uniqNums(steps.flatMap((s) => (this.agreementOf(s) === null ? [] : [this.agreementOf(s)!])));
    const from = steps.map((s) => monthStart(s.after.effectiveDate)).sort()[0] ?? '2000-01-01';
    const additions = ids.length ? this.additions(ids, from) : new Map<number, AgreementAdditions>();
    return steps.map((s, i): Decision => {
      const agreementId = this.agreementOf(s);
      const id = s.ref.kind === 'quantity' ? s.ref.contractId : s.ref.container;
      if (agreementId === null)
        return { kind: 'fail', retryable: false, message: `'${id}' is not a ConnectWise agreement id` };
      const why = failures.get(i);
      if (why) return { kind: 'fail', ...why };
      const held = additions.get(agreementId) ?? { list: [], unreadable: [] };
      const productId = products[i];
      if (s.ref.kind === 'quantity') {
        if (productId === null)
          return {
            kind: 'fail',
            retryable: false,
            message: `'${s.ref.productId}' is not a ConnectWise catalog item`,
          };
        const bad = held.unreadable.find(
          (u) => !u.lineKey && (u.productId === null || u.productId === productId),
        );
        if (bad)
          return {
            kind: 'fail',
            retryable: false,
            message: `ConnectWise has an addition on agreement ${agreementId} that BillGrid cannot read (${bad.message}); correct it in ConnectWise, then push again`,
          };
        return decideQuantity(s, agreementId, productId, held.list, this.config.proration);
      }
      const key = s.ref.lineKey;
      const bad = held.unreadable.find((u) => u.lineKey === key);
      if (bad)
        return {
          kind: 'fail',
          retryable: false,
          message: `ConnectWise already has an addition for this line that BillGrid cannot read (${bad.message}); correct or cancel it in ConnectWise, then push again`,
        };
      const found = held.list.filter((a) => lineKeyOf(a.invoiceDescription) === key);
      return decideCharge(s, agreementId, found, productId);
    });
  }

  /** Catalog item id per step; 'new:SKU' items are found by integrationXRef or identifier, else created. */
  private resolveProducts(
    steps: readonly PushStep[],
    failures: Map<number, { message: string; retryable: boolean }>,
  ): Array<number | null> {
    const wanted = steps.map((s) =>
      s.ref.kind === 'quantity' ? s.ref.productId : (s.after.productId ?? ''),
    );
    const skus = [
      ...new Set(
        wanted
          .filter((p) => p.startsWith(AUTO_CREATE_PRODUCT_PREFIX))
          .map((p) => p.slice(AUTO_CREATE_PRODUCT_PREFIX.length)),
      ),
    ].filter((sku) => !this.cachedSku(sku));
    if (skus.length) this.findItems(skus);
    const templates = uniqNums(
      steps.map((s) => s.codes?.itemCode ?? '').filter((c) => isId(c) && !this.items.has(`id:${c}`)),
    );
    if (templates.length && skus.some((sku) => !this.cachedSku(sku)))
      this.client
        .listAll(
          'catalog items',
          chunk(templates, IN_CHUNK).map((c) => ({
            path: 'procurement/catalog',
            conditions: `id in (${c.join(',')})`,
          })),
          catalogItemSchema,
        )
        .flat()
        .forEach((i) => this.remember(i));
    // A SKU whose create failed is not created again in this batch (by a later step with other values):
    // the item is made once, from its first step, by whichever run gets it through.
    const failedSkus = new Map<string, { message: string; retryable: boolean }>();
    return steps.map((s, i) => {
      const p = wanted[i];
      if (isId(p)) return Number(p);
      if (!p.startsWith(AUTO_CREATE_PRODUCT_PREFIX)) return null;
      const sku = p.slice(AUTO_CREATE_PRODUCT_PREFIX.length);
      const known = this.cachedSku(sku);
      if (known) return known.id;
      const failed = failedSkus.get(sku);
      if (failed) {
        failures.set(i, failed);
        return null;
      }
      const template = isId(s.codes?.itemCode ?? '') ? this.items.get(`id:${s.codes!.itemCode}`) : undefined;
      if (!template?.subcategory || !template.type) {
        failures.set(i, {
          retryable: false,
          message: `ConnectWise needs a template to create the catalog item '${s.after.productName || sku}': choose a catalog item as the default item code (new items copy its subcategory and type)`,
        });
        return null;
      }
      const name = (s.after.productName || sku).trim();
      const r = this.client.mutate(
        'post',
        'procurement/catalog',
        {
          identifier: sku.slice(0, LIMITS.itemIdentifier),
          description: name.slice(0, LIMITS.itemDescription),
          customerDescription: name.slice(0, LIMITS.itemDescription),
          subcategory: { id: template.subcategory.id },
          type: { id: template.type.id },
          productClass: template.productClass ?? 'Service',
          price: s.after.unitPrice,
          cost: s.after.unitCost,
          integrationXRef: itemXRef(sku),
        },
        `the new catalog item '${sku}'`,
      );
      if (!r.ok) {
        // Created by a run whose answer was lost, or by someone in between: look again before giving up.
        this.findItems([sku]);
        const again = this.cachedSku(sku);
        if (again) return again.id;
        failures.set(i, { message: r.message, retryable: r.retryable });
        failedSkus.set(sku, { message: r.message, retryable: r.retryable });
        return null;
      }
      this.remember({
        id: r.id,
        identifier: sku.slice(0, LIMITS.itemIdentifier),
        integrationXRef: itemXRef(sku),
        description: name,
      });
      return r.id;
    });
  }

  private cachedSku(sku: string): CwCatalogItem | undefined {
    return (
      this.items.get(`xref:${itemXRef(sku)}`) ??
      (sku.length <= LIMITS.itemIdentifier ? this.items.get(`sku:${sku.toLowerCase()}`) : undefined)
    );
  }

  private findItems(skus: string[]): void {
    const conditionsOf = (part: string[]): string => {
      const idents = part.filter((s) => s.length <= LIMITS.itemIdentifier).map(quote);
      const xrefs = part.map((s) => quote(itemXRef(s)));
      return [
        idents.length ? `identifier in (${idents.join(',')})` : '',
        `integrationXRef in (${xrefs.join(',')})`,
      ]
        .filter(Boolean)
        .join(' or ');
    };
    // Apps Script refuses a URL over 2 KB: SKUs are grouped so that each query's encoded conditions stay
    // well under it (at most 40 a query).
    const parts: string[][] = [];
    for (const sku of skus) {
      const last = parts.at(-1);
      if (
        last &&
        last.length < 40 &&
        encodeURIComponent(conditionsOf([...last, sku])).length <= MAX_CONDITIONS
      )
        last.push(sku);
      else parts.push([sku]);
    }
    const queries = parts.map((part): ListQuery => ({
      path: 'procurement/catalog',
      conditions: conditionsOf(part),
    }));
    // Lowest id first: the oldest item with an identifier keeps it.
    for (const i of this.client
      .listAll('catalog items', queries, catalogItemSchema)
      .flat()
      .sort((a, b) => a.id - b.id))
      this.remember(i);
  }

  // ---------------------------------------------------------------- create missing

  createCompany(input: { name: string }): Created {
    const name = input.name.trim().slice(0, LIMITS.companyName);
    const existing = this.client
      .list(
        'companies',
        { path: 'company/companies', conditions: `name=${quote(name)} and deletedFlag=false` },
        companySchema,
      )
      .find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (existing) return { id: String(existing.id), created: false };
    let last = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = this.client.mutate(
        'post',
        'company/companies',
        { identifier: companyIdentifier(name, attempt), name },
        `the new company '${name}'`,
      );
      if (r.ok) return { id: String(r.id), created: true };
      last = r.message;
      // Another company already has the identifier: try the next one.
      if (!(r.status === 400 && /identifier/i.test(r.message))) break;
    }
    throw new PsaError(last);
  }

  createContract(input: {
    companyId: string;
    name: string;
    kind: 'recurring-service' | 'fixed-price';
    startDate: string;
    endDate?: string;
  }): Created {
    if (!isId(input.companyId)) throw new PsaError(`'${input.companyId}' is not a ConnectWise company id`);
    const po = agreementPO(input.companyId, input.name, input.kind);
    const found = this.client.list(
      'agreements',
      { path: 'finance/agreements', conditions: `company/id=${input.companyId} and customerPO=${quote(po)}` },
      agreementSchema,
    );
    if (found[0]) return { id: String(found[0].id), created: false };
    const [company] = this.client.list(
      'companies',
      { path: 'company/companies', conditions: `id=${input.companyId}` },
      companySchema,
    );
    if (!company) throw new PsaError(`ConnectWise has no company ${input.companyId}`);
    const contactId =
      company.defaultContact?.id ??
      this.client.list(
        'contacts',
        { path: 'company/contacts', conditions: `company/id=${company.id}` },
        contactSchema,
      )[0]?.id;
    if (!contactId)
      throw new PsaError(
        `ConnectWise needs a contact on every agreement: add a contact to '${company.name}', then create the agreement again`,
      );
    const types = this.client
      .list('agreement types', { path: 'finance/agreements/types' }, agreementTypeSchema)
      .filter((t) => !t.inactiveFlag);
    const type =
      types.find((t) => t.id === this.config.agreementTypeId) ?? types.find((t) => t.defaultFlag) ?? types[0];
    if (!type) throw new PsaError('ConnectWise has no active agreement type to create an agreement with');
    const r = this.client.mutate(
      'post',
      'finance/agreements',
      {
        name: input.name.trim().slice(0, LIMITS.agreementName),
        type: { id: type.id },
        company: { id: company.id },
        contact: { id: contactId },
        startDate: `${input.startDate}T00:00:00Z`,
        ...(input.endDate ? { endDate: `${input.endDate}T00:00:00Z` } : {}),
        customerPO: po,
      },
      `the new agreement '${input.name}'`,
    );
    if (!r.ok) throw new PsaError(r.message, r.status);
    return { id: String(r.id), created: true };
  }

  /** An agreement that starts on the 1st bills that whole month (ConnectWise bills agreements by cycle). */
  contractStartFor(monthStartIso: string): string {
    return monthStartIso;
  }
}
