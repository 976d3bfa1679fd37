/**
 * The read scope says which of the month's keys no push has sent (PsaReadScope.unsentKeys): rows with no
 * PSA reference, an empty Status and no journal entry, and only when no push was cut off while sending. A PSA may read less for those (HaloPSA:
 * open invoices only), so a key a push may have sent must never be in it.
 */
import type { RawBillingLine } from '../../src/core/billing-line';
import type { PsaBillingState, PsaReadScope, PsaTarget, PushStep, StepOutcome } from '../../src/core/psa';
import { defaultBillingSettings, type BillingSettings } from '../../src/core/settings';
import type { BillingSource } from '../../src/core/source';
import { INVOICE_PSA } from '../../src/core/testing/capabilities';
import { applyStep } from '../../src/core/testing/memory-psa';
import type { ConnectedPsa } from '../../src/jobs/connections';
import { Journal, type JournalStore } from '../../src/jobs/ledger';
import { pullMonth, pushMonth } from '../../src/jobs/month';
import { setApprovals } from '../../src/sheets/approve';
import { findMonthSheet } from '../../src/sheets/month-tabs';
import { readGrid } from '../../src/sheets/grid';
import { writeLookups } from '../../src/sheets/lookups';
import { writeMappings } from '../../src/sheets/mappings';
import { sheetEnv, type SheetEnv } from '../sheets/emulator';

const MONTH = '2026-10';
const SOURCE = 'acme-cloud';

const line = (sku: string, quantity: number): RawBillingLine => ({
  source: SOURCE,
  customerId: 'c1',
  customerName: 'Customer c1',
  subscriptionId: `c1-${sku}`,
  sku,
  productName: `Product ${sku}`,
  description: `Product ${sku}`,
  periodStart: '2026-10-01',
  periodEnd: '2026-10-31',
  cycle: 'monthly',
  chargeType: 'usage',
  quantity,
  unitCost: 5,
  unitPrice: 8,
  total: quantity * 8,
  currency: 'USD',
  effectiveDate: '2026-10-01',
  orderId: '',
});

/** An invoice PSA in memory that keeps the scopes it was asked to read. */
class ScopedPsa implements PsaTarget {
  readonly id = 'memory-invoices';
  readonly displayName = 'Memory invoices';
  state: PsaBillingState = { quantities: [], charges: [] };
  scopes: PsaReadScope[] = [];
  testConnection() {
    return { ok: true, message: 'ok' };
  }
  listCompanies() {
    return [{ id: 'co1', name: 'Customer c1', active: true }];
  }
  listProducts() {
    return ['A', 'B', 'C'].map((code, i) => ({
      id: String(i + 1),
      name: `Product ${code}`,
      code,
      unitPrice: 8,
      unitCost: 5,
    }));
  }
  listContracts() {
    return [];
  }
  listCodes() {
    return { incomeAccounts: [], expenseAccounts: [], taxCodes: [], itemCodes: [] };
  }
  readBilling(scope: PsaReadScope): PsaBillingState {
    this.scopes.push(scope);
    return this.state;
  }
  apply(step: PushStep): StepOutcome {
    const r = applyStep(this.state, step);
    this.state = r.state;
    return r.outcome;
  }
}

function memoryJournal(): Journal {
  const m = new Map<string, string>();
  const store: JournalStore = {
    putAll: (e) => Object.entries(e).forEach(([k, v]) => m.set(k, v)),
    all: () => Object.fromEntries(m),
    removeAll: (keys) => keys.forEach((k) => m.delete(k)),
  };
  return new Journal(store);
}

describe('the read scope names the keys no push has sent', () => {
  let env: SheetEnv;
  let psa: ScopedPsa;
  let connected: ConnectedPsa;
  let settings: BillingSettings;
  let journal: Journal;
  let keys: string[];
  const source: BillingSource = {
    id: SOURCE,
    displayName: 'Acme Cloud',
    listCustomers: () => [],
    pullPeriod: () => ({ lines: [line('A', 3), line('B', 2), line('C', 4)], problems: [] }),
  };
  const push = () =>
    pushMonth(env.ss, MONTH, connected, settings, {
      runId: 'R1',
      user: 'owner@example.com',
      journal,
      hasTime: () => true,
    }).summary;
  const lastScope = () => psa.scopes[psa.scopes.length - 1];

  beforeEach(() => {
    env = sheetEnv();
    psa = new ScopedPsa();
    connected = { kind: psa.id, target: psa, capabilities: INVOICE_PSA };
    settings = defaultBillingSettings();
    journal = memoryJournal();
    writeLookups(env.ss, psa.listCompanies(), psa.listProducts(), [], psa.listCodes());
    writeMappings(env.ss, {
      clients: [
        {
          source: SOURCE,
          customerId: 'c1',
          customerName: 'Customer c1',
          companyId: 'co1',
          status: 'confirmed',
          score: null,
        },
      ],
    });
    pullMonth(env.ss, MONTH, [source], settings);
    keys = readGrid(env.ss, MONTH).rows.map((r) => r.key);
    setApprovals(env.ss, MONTH, new Set(keys), true);
  });
  afterEach(() => env.close());

  it('before the first push every key is unsent; after it none is', () => {
    expect(push()).toMatchObject({ steps: 3, applied: 3 });
    expect(lastScope().lineKeys.slice().sort()).toEqual(keys.slice().sort());
    expect(lastScope().unsentKeys?.slice().sort()).toEqual(keys.slice().sort());
    expect(push()).toMatchObject({ steps: 0 });
    expect(lastScope().unsentKeys).toEqual([]);
  });

  it('a key pending in the journal (a push cut off after sending it) is not unsent', () => {
    journal.write({
      time: '2026-11-02T10:00:00Z',
      runId: 'R0',
      user: 'owner@example.com',
      idempotencyKey: 'cut-off',
      operation: 'add-charge',
      entity: 'co1',
      lineKeys: [keys[0]],
      psaId: null,
      before: null,
      after: null,
      result: 'pending',
      message: '',
    });
    push();
    expect(psa.scopes[0].unsentKeys?.slice().sort()).toEqual(keys.slice(1).sort());
  });

  it('a pushed row whose Status and PSA reference staff cleared is not unsent: the Ledger records its key', () => {
    expect(push()).toMatchObject({ steps: 3, applied: 3 });
    const sheet = findMonthSheet(env.ss, MONTH)!;
    const header = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0].map(String);
    const row = 2 + readGrid(env.ss, MONTH).rows.findIndex((r) => r.key === keys[0]);
    for (const name of ['Status', 'PSA reference'])
      sheet.getRange(row, header.indexOf(name) + 1).setValue('');
    const cleared = readGrid(env.ss, MONTH).rows.find((r) => r.key === keys[0])!;
    expect([cleared.status, cleared.psaReference ?? '']).toEqual(['', '']);
    push();
    expect(lastScope().unsentKeys).toEqual([]);
  });

  it('after a push cut off while sending, no key is unsent until a push records its rows again', () => {
    // The execution died after sending (its journal may be on the Ledger tab already, rows untouched).
    journal.beginSending('R0');
    expect(push()).toMatchObject({ steps: 3, applied: 3 });
    expect(psa.scopes[0].unsentKeys).toBeUndefined();
    // That push recorded its rows and cleared the mark: the next one may read less again.
    push();
    expect(lastScope().unsentKeys).toEqual([]);
  });
});
