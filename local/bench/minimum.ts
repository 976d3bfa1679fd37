/**
 * The fewest requests the APIs allow for each step, computed from the fixtures — not from BillGrid's
 * plan or its request log:
 *  - reads: for every list the step needs, ceil(records / the API's largest page), at least 1;
 *  - writes: one request per entity that had to change, counted by comparing the PSA's state before the
 *    push (the fixture) with its state after it (records created or changed).
 * Setup requests (OAuth tokens, Autotask zone discovery) are counted apart: they depend on how long a
 * token lives and how many executions a step takes, not on the month's size.
 */
import type { BigMonth } from './big-msp';
import type { AtState } from '../sandbox/autotask/fixture';
import type { AtRecord } from '../sandbox/autotask/filter';
import type { HaloFixture, HaloInvoiceRec } from '../sandbox/halo/fixture';
import { seedState } from '../sandbox/halo/server';

export type Psa = 'autotask' | 'halo';

/** Largest page each API serves (see each connector's SOURCES.md). */
export const PAGE = { pax8: 200, twilio: 1000, autotask: 500, halo: 100 } as const;

const pages = (records: number, size: number): number => Math.max(1, Math.ceil(records / size));

export interface Minimum {
  /** Per API. */
  byApi: Record<string, number>;
  /** What the figure is made of, for the report. */
  parts: string[];
}

function sum(parts: [string, string, number][]): Minimum {
  const byApi: Record<string, number> = {};
  for (const [api, , n] of parts) byApi[api] = (byApi[api] ?? 0) + n;
  return { byApi, parts: parts.map(([api, what, n]) => `${api} ${what}: ${n}`) };
}

export const minimumTotal = (m: Minimum): number => Object.values(m.byApi).reduce((a, b) => a + b, 0);

/** Refresh clients: the sources' customers, the PSA's companies, contracts (or invoices), products, codes. */
export function refreshMinimum(f: BigMonth, psa: Psa): Minimum {
  const src: [string, string, number][] = [
    ['pax8', 'companies', pages(f.pax8.companies.length, PAGE.pax8)],
    ['twilio', 'accounts', pages(f.twilio.subaccounts.length + 1, PAGE.twilio)],
  ];
  if (psa === 'autotask') {
    const e = f.autotask.entities;
    return sum([
      ...src,
      ['autotask', 'companies', pages(e.Companies.length, PAGE.autotask)],
      ['autotask', 'contracts', pages(e.Contracts.length, PAGE.autotask)],
      ['autotask', 'services', pages(e.Services.length, PAGE.autotask)],
      ['autotask', 'billing codes', pages(e.BillingCodes.length, PAGE.autotask)],
    ]);
  }
  const h = f.halo;
  return sum([
    ...src,
    ['halo', 'clients', pages(h.clients.length, PAGE.halo)],
    ['halo', 'invoices (latest per client)', pages(h.invoices.length, PAGE.halo)],
    ['halo', 'recurring invoices', pages(h.recurringInvoices.length, PAGE.halo)],
    ['halo', 'items', pages(h.items.length, PAGE.halo)],
    ['halo', 'tax rates', pages(h.taxes.length, PAGE.halo)],
  ]);
}

/** The month's charges at the sources: Pax8 companies, subscriptions, invoices and their items; Twilio usage. */
export function sourceMinimum(f: BigMonth): [string, string, number][] {
  const itemsPerInvoice = new Map<string, number>();
  for (const it of f.pax8.items)
    itemsPerInvoice.set(it.invoiceId, (itemsPerInvoice.get(it.invoiceId) ?? 0) + 1);
  const monthInvoices = f.pax8.invoices.filter((i) => itemsPerInvoice.has(i.id));
  return [
    ['pax8', 'companies', pages(f.pax8.companies.length, PAGE.pax8)],
    ['pax8', 'subscriptions', pages(f.pax8.subscriptions.length, PAGE.pax8)],
    ['pax8', 'invoices', pages(monthInvoices.length, PAGE.pax8)],
    [
      'pax8',
      'invoice items',
      monthInvoices.reduce((n, i) => n + pages(itemsPerInvoice.get(i.id) ?? 0, PAGE.pax8), 0),
    ],
    ['twilio', 'accounts', pages(f.twilio.subaccounts.length + 1, PAGE.twilio)],
    // Usage records are per account: one list per account (main + subaccounts).
    ...perAccountUsage(f),
  ];
}

function perAccountUsage(f: BigMonth): [string, string, number][] {
  const per = new Map<string, number>();
  for (const u of f.twilio.usage) per.set(u.accountSid, (per.get(u.accountSid) ?? 0) + 1);
  const accounts = [f.twilio.main.sid, ...f.twilio.subaccounts.map((s) => s.sid)];
  return [['twilio', 'usage records', accounts.reduce((n, a) => n + pages(per.get(a) ?? 0, PAGE.twilio), 0)]];
}

/** Reading the PSA's side of the month (to reconcile): the lists in scope, whole. */
export function psaReadMinimum(f: BigMonth, psa: Psa, charges: number): [string, string, number][] {
  if (psa === 'autotask') {
    const e = f.autotask.entities;
    const inPeriod = e.ContractServiceUnits.filter(
      (u) => String(u.startDate) <= '2026-10-31' && String(u.endDate) >= '2026-10-31',
    ).length;
    return [
      ['autotask', 'contracts', pages(e.Contracts.length, PAGE.autotask)],
      ['autotask', 'contract service units in the period', pages(inPeriod, PAGE.autotask)],
      ['autotask', 'contract charges', pages(charges, PAGE.autotask)],
    ];
  }
  return [
    ['halo', 'invoices with lines', pages(f.halo.invoices.length, PAGE.halo)],
    ['halo', 'recurring invoices with lines', pages(f.halo.recurringInvoices.length, PAGE.halo)],
  ];
}

export function pullMinimum(f: BigMonth, psa: Psa): Minimum {
  return sum([...sourceMinimum(f), ...psaReadMinimum(f, psa, 0)]);
}

export function reviewMinimum(f: BigMonth, psa: Psa, charges: number): Minimum {
  return sum(psaReadMinimum(f, psa, charges));
}

export interface Changes {
  /** Entities created or changed, by kind. */
  byKind: Record<string, number>;
  total: number;
}

/** Entities the push had to create or change: the PSA's state after the push against the fixture. */
export function changes(psa: Psa, before: BigMonth, after: unknown): Changes {
  const byKind: Record<string, number> =
    psa === 'autotask'
      ? autotaskChanges(before.autotask, after as AtState)
      : haloChanges(before.halo, after as HaloFixture);
  return { byKind, total: Object.values(byKind).reduce((a, b) => a + b, 0) };
}

function autotaskChanges(before: AtState, after: AtState): Record<string, number> {
  const out: Record<string, number> = {};
  // ContractServices and their units change as a consequence of an adjustment (no request of their own).
  const derived = new Set(['ContractServices', 'ContractServiceUnits']);
  for (const [entity, rows] of Object.entries(after.entities)) {
    if (derived.has(entity)) continue;
    const old = new Map((before.entities[entity] ?? []).map((r: AtRecord) => [r.id, JSON.stringify(r)]));
    const n = rows.filter((r) => old.get(r.id) !== JSON.stringify(r)).length;
    if (n) out[entity] = n;
  }
  return out;
}

function haloChanges(fixture: HaloFixture, after: HaloFixture): Record<string, number> {
  const out: Record<string, number> = {};
  // As the sandbox holds the fixture before any request (its lines carry the amounts Halo computes):
  // compared with the raw fixture every invoice with lines would count as changed.
  const before = seedState(fixture);
  const changed = (a: HaloInvoiceRec[], b: HaloInvoiceRec[], label: string, created: string) => {
    const old = new Map(a.map((i) => [i.id, JSON.stringify(i)]));
    for (const inv of b) {
      // A new invoice with its lines is one request (POST /Invoice with `lines`).
      const k = !old.has(inv.id) ? created : old.get(inv.id) !== JSON.stringify(inv) ? label : null;
      if (k) out[k] = (out[k] ?? 0) + 1;
    }
  };
  changed(before.invoices, after.invoices, 'invoices changed', 'invoices created');
  changed(
    before.recurringInvoices,
    after.recurringInvoices,
    'recurring invoices changed',
    'recurring created',
  );
  const items = new Set(before.items.map((i) => i.id));
  const newItems = after.items.filter((i) => !items.has(i.id)).length;
  if (newItems) out['items created'] = newItems;
  const groups = new Set(before.assetGroups.map((g) => g.id));
  const newGroups = after.assetGroups.filter((g) => !groups.has(g.id)).length;
  if (newGroups) out['item groups created'] = newGroups;
  return out;
}

export interface Duplicates {
  chargeKeys: number;
  adjustments: number;
  invoiceLineKeys: number;
  invoices: number;
}

/** Anything billed twice in the PSA's final state. */
export function duplicates(psa: Psa, after: unknown): Duplicates {
  const dup = (keys: string[]) => keys.length - new Set(keys).size;
  if (psa === 'autotask') {
    const e = (after as AtState).entities;
    return {
      chargeKeys: dup(
        e.ContractCharges.map((c) => /BG-[0-9a-f]{16}(-\d+)?/.exec(String(c.name))?.[0] ?? '').filter(
          Boolean,
        ),
      ),
      // One adjustment per contract service and effective date: a second one would bill the change twice.
      adjustments: dup(
        e.ContractServiceAdjustments.map((a) => `${a.contractID}/${a.serviceID}/${String(a.effectiveDate)}`),
      ),
      invoiceLineKeys: 0,
      invoices: 0,
    };
  }
  const h = after as HaloFixture;
  const all = [...h.invoices, ...h.recurringInvoices];
  return {
    chargeKeys: 0,
    adjustments: 0,
    invoiceLineKeys: dup(
      all.flatMap((i) => i.lines.map((l) => String(l.comment_1 ?? '')).filter((k) => /^BG-/.test(k))),
    ),
    invoices: dup(h.invoices.filter((i) => i.reference).map((i) => `${i.client_id}/${i.reference}`)),
  };
}
