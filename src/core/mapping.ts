import { z } from 'zod';
import { parseWith } from './parse';
import { resolveSettings, settingsOverrideSchema } from './settings';
import type { BillingSettings, EffectiveSettings } from './settings';

/**
 * Mappings from source entities to PSA entities (the Clients, Products and Contracts tabs).
 * One PSA company may have many source customers. Keys always include the source id, because
 * two sources can use the same customer id or SKU for different things.
 */

/** auto = matched by name (with score); confirmed = a person accepted it; manual = picked by hand; excluded = do not invoice. */
export const CLIENT_MAPPING_STATUSES = ['auto', 'confirmed', 'manual', 'excluded'] as const;
export type ClientMappingStatus = (typeof CLIENT_MAPPING_STATUSES)[number];

const text = (label: string) =>
  z
    .string({ error: `${label} is missing` })
    .trim()
    .min(1, { error: `${label} is missing` });

export const clientMappingSchema = z.lazy(() =>
  z
    .object({
      source: text('Source'),
      customerId: text('Customer id'),
      customerName: z.string(),
      /** PSA company id; null only when excluded without a company. */
      companyId: z.string().trim().min(1).nullable(),
      status: z.enum(CLIENT_MAPPING_STATUSES, {
        error: (iss) =>
          `Client status '${String(iss.input)}' is not one of ${CLIENT_MAPPING_STATUSES.join(', ')}`,
      }),
      /** Name similarity 0–100 for 'auto' mappings; null otherwise. */
      score: z.number().min(0).max(100).nullable(),
      overrides: settingsOverrideSchema.optional(),
    })
    .refine((m) => m.companyId !== null || m.status === 'excluded', {
      error: 'A client mapping needs a PSA company unless the client is excluded',
      path: ['companyId'],
    }),
);
export type ClientMapping = z.infer<typeof clientMappingSchema>;

/** Mappings a person made or accepted: name matching never changes them. */
export const isFixedClientMapping = (m: ClientMapping): boolean => m.status !== 'auto';

export const PRODUCT_MAPPING_STATUSES = ['auto', 'confirmed', 'manual'] as const;
export type ProductMappingStatus = (typeof PRODUCT_MAPPING_STATUSES)[number];

export const productMappingSchema = z.lazy(() =>
  z.object({
    source: text('Source'),
    sku: text('Product/SKU'),
    productId: text('PSA product'),
    status: z.enum(PRODUCT_MAPPING_STATUSES, {
      error: (iss) =>
        `Product status '${String(iss.input)}' is not one of ${PRODUCT_MAPPING_STATUSES.join(', ')}`,
    }),
  }),
);
export type ProductMapping = z.infer<typeof productMappingSchema>;

/**
 * Source subscription → PSA contract (+ optional contract service), made once and remembered (P22).
 * An empty `subscriptionId` is the customer's default contract, used for any subscription without its own row.
 */
export const contractMappingSchema = z.lazy(() =>
  z.object({
    source: text('Source'),
    customerId: text('Customer id'),
    subscriptionId: z.string(),
    contractId: text('PSA contract'),
    /** Known PSA contract service id, when linked; informative (targets are keyed by contract + product). */
    contractServiceId: z.string().nullable().optional(),
    /**
     * Sync stopped (seed 002's stop icon): the contract service keeps whatever quantity it has, its lines are
     * shown but never approved or pushed, by hand or by a schedule, until sync is resumed; staff bill it by hand.
     */
    syncStopped: z.boolean().optional(),
    /** When a push last brought this row's lines to the PSA (ISO time); written by BillGrid. */
    lastSync: z.string().nullable().optional(),
  }),
);
export type ContractMapping = z.infer<typeof contractMappingSchema>;

export interface Mappings {
  clients: ClientMapping[];
  products: ProductMapping[];
  contracts: ContractMapping[];
}

/** Two-level map: no key concatenation on the hot path (a pull looks up every line). */
class Map2<V> {
  private readonly outer = new Map<string, Map<string, V>>();
  get(a: string, b: string): V | undefined {
    return this.outer.get(a)?.get(b);
  }
  set(a: string, b: string, v: V): void {
    let inner = this.outer.get(a);
    if (!inner) this.outer.set(a, (inner = new Map()));
    inner.set(b, v);
  }
}

/** One text key for a source's customer (sets and maps of customers across sources). */
export const sourceCustomerKey = (source: string, customerId: string): string =>
  `${source}\u0000${customerId}`;

/** The source and customer id back from `sourceCustomerKey`. */
export function splitSourceCustomerKey(key: string): [source: string, customerId: string] {
  const at = key.indexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
}

/** O(1) look-ups over the mapping tabs, built once per job. */
export class MappingIndex {
  private readonly clients = new Map2<ClientMapping>();
  private readonly products = new Map2<ProductMapping>();
  /** source → customer → subscription ('' = the customer's default contract). */
  private readonly contracts = new Map<string, Map2<ContractMapping>>();

  constructor(m: Mappings) {
    for (const c of m.clients) this.clients.set(c.source, c.customerId, c);
    for (const p of m.products) this.products.set(p.source, p.sku, p);
    for (const c of m.contracts) {
      let bySource = this.contracts.get(c.source);
      if (!bySource) this.contracts.set(c.source, (bySource = new Map2()));
      bySource.set(c.customerId, c.subscriptionId, c);
    }
  }

  client(source: string, customerId: string): ClientMapping | undefined {
    return this.clients.get(source, customerId);
  }

  product(source: string, sku: string): ProductMapping | undefined {
    return this.products.get(source, sku);
  }

  /** The subscription's own contract, else the customer's default contract. */
  contract(source: string, customerId: string, subscriptionId: string): ContractMapping | undefined {
    const bySource = this.contracts.get(source);
    return bySource?.get(customerId, subscriptionId) ?? bySource?.get(customerId, '');
  }
}

/** Parse one mapping row with one readable message (the caller adds the row number). */
export function parseClientMapping(
  input: unknown,
): { ok: true; mapping: ClientMapping } | { ok: false; message: string } {
  const r = parseWith(clientMappingSchema, input);
  return r.ok ? { ok: true, mapping: r.value } : r;
}

export function parseProductMapping(
  input: unknown,
): { ok: true; mapping: ProductMapping } | { ok: false; message: string } {
  const r = parseWith(productMappingSchema, input);
  return r.ok ? { ok: true, mapping: r.value } : r;
}

export function parseContractMapping(
  input: unknown,
): { ok: true; mapping: ContractMapping } | { ok: false; message: string } {
  const r = parseWith(contractMappingSchema, input);
  return r.ok ? { ok: true, mapping: r.value } : r;
}

/** What every line of one source customer shares: its client mapping and the settings in force. */
export interface CustomerContext {
  client: ClientMapping | undefined;
  settings: EffectiveSettings;
}

/**
 * Per-customer context: settings are global → source → the mapped PSA company → the mapping row's own
 * overrides. Memoised per (source, customer) because a pull has many lines per customer.
 */
export function customerContextResolver(
  settings: BillingSettings,
  index: MappingIndex,
): (line: { source: string; customerId: string }) => CustomerContext {
  const memo = new Map2<CustomerContext>();
  // Sources return a customer's lines together, so the previous answer is usually the right one.
  let last: { source: string; customerId: string; c: CustomerContext } | null = null;
  return (line) => {
    if (last !== null && last.customerId === line.customerId && last.source === line.source) return last.c;
    let c = memo.get(line.source, line.customerId);
    if (!c) {
      const client = index.client(line.source, line.customerId);
      c = {
        client,
        settings: resolveSettings(settings, line.source, client?.companyId ?? null, client?.overrides),
      };
      memo.set(line.source, line.customerId, c);
    }
    last = { source: line.source, customerId: line.customerId, c };
    return c;
  };
}

/** The settings in force for each line (see customerContextResolver). */
export function lineSettingsResolver(
  settings: BillingSettings,
  index: MappingIndex,
): (line: { source: string; customerId: string }) => EffectiveSettings {
  const context = customerContextResolver(settings, index);
  return (line) => context(line).settings;
}

/** What seed 002 shows under a contract service's "Last sync" while its organisation mapping is not complete. */
export const MAPPING_INCOMPLETE = 'Mapping Settings Incomplete';

/**
 * Why a contract service's mapping is incomplete (seed 002: "Module organization is not mapped to an account"),
 * or null when it is complete. A service is a Contracts row: a source customer (a module organisation) and its
 * subscription linked to a PSA contract. It is incomplete when that customer is not mapped to the company whose
 * contract it is: not mapped at all, excluded, or mapped to another company. The service is still kept (and
 * shown, with its last sync); it gets no units from that customer until the mapping is saved, when the warning
 * goes away.
 */
export function serviceMappingGap(s: {
  client: ClientMapping | undefined;
  customerName: string;
  /** The source's name for people, or how to get it (asked only when there is something to say). */
  sourceName: string | (() => string);
  /** The company owning the linked contract, as last read from the PSA; null when the contract is not listed. */
  contractCompanyId: string | null;
  companyName: (id: string) => string;
}): string | null {
  const who = (): string =>
    `${s.customerName} (${typeof s.sourceName === 'string' ? s.sourceName : s.sourceName()})`;
  const tail =
    'so this contract service gets no units from it and keeps what it has. Map it on Clients (or stop the sync and bill it by hand)';
  if (!s.client || s.client.companyId === null)
    return `${MAPPING_INCOMPLETE}: ${who()} is not mapped to a PSA company, ${tail}`;
  if (s.client.status === 'excluded')
    return `${MAPPING_INCOMPLETE}: ${who()} is excluded (not invoiced), ${tail}`;
  if (s.contractCompanyId !== null && s.client.companyId !== s.contractCompanyId)
    return `${MAPPING_INCOMPLETE}: ${who()} is mapped to ${s.companyName(s.client.companyId)}, not to ${s.companyName(s.contractCompanyId)} whose contract this is, ${tail}`;
  return null;
}

/**
 * serviceMappingGap for every contract service the given lines reach through a Contracts row, by line key;
 * lines of one service share its message. Pure: the caller gives the PSA's contracts and companies as last read.
 */
export function mappingGapsOf(
  lines: readonly {
    key: string;
    source: string;
    customerId: string;
    subscriptionId: string;
    customerName: string;
  }[],
  mappings: Mappings,
  psa: {
    contracts: readonly { id: string; companyId: string }[];
    companies: readonly { id: string; name: string }[];
  },
  /** A source's name for people (asked only when a gap is found). */
  sourceName: (source: string) => string,
): Map<string, string> {
  const index = new MappingIndex(mappings);
  const contractCompany = new Map(psa.contracts.map((c) => [c.id, c.companyId]));
  const companyName = new Map(psa.companies.map((c) => [c.id, c.name]));
  const byService = new Map<ContractMapping, string | null>();
  const out = new Map<string, string>();
  for (const l of lines) {
    const m = index.contract(l.source, l.customerId, l.subscriptionId);
    if (!m) continue;
    let gap = byService.get(m);
    if (gap === undefined) {
      gap = serviceMappingGap({
        client: index.client(l.source, l.customerId),
        customerName: l.customerName || l.customerId,
        sourceName: () => sourceName(l.source),
        contractCompanyId: contractCompany.get(m.contractId) || null,
        companyName: (id) => companyName.get(id) ?? id,
      });
      byService.set(m, gap);
    }
    if (gap) out.set(l.key, gap);
  }
  return out;
}
