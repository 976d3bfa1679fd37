/**
 * The HaloPSA month for the shared contract suite (local/sandbox/contract.ts): every invoice behaviour —
 * a new invoice per month (Acme), a new invoice per order (Blue Harbor's two orders), the client's latest
 * open invoice (Crestview), a recurring invoice chosen for the client (Évora) — with one item mapped and
 * the others auto-created once each in the item group BillGrid_Pax8.
 * Rules checked (HaloPSA API docs, the connector's SOURCES.md): a charge is one invoice line carrying the
 * line key (comment_1); a recurring seat line on a recurring invoice is one line per item carrying
 * `BGQ-<item id>` (comment_1), not a one-time charge, its quantity the seats; a new invoice carries
 * 'BillGrid <container>' as its reference; posted, sent or paid invoices take no charges; items BillGrid
 * creates are found by supplier part code.
 */
import type { RawBillingLine } from '../../../src/core/billing-line';
import { DEFAULT_SETTINGS } from '../../../src/core/settings';
import { codeText, near, type PsaContractFixture, type SpecRef } from '../contract';
import { HALO_ANSWERS } from './answers';
import { demoFixture, type HaloInvoiceRec, type HaloLineRec } from './fixture';
import { seedState, type HaloState } from './server';

const CUSTOMERS: Record<string, { name: string; companyId: string }> = {
  'px-acme': { name: 'Acme Dental Group, LLC', companyId: '101' },
  'px-blue': { name: 'Blue Harbor Logistics Inc.', companyId: '103' },
  'px-crest': { name: 'Crestview Veterinary Clinic', companyId: '105' },
  'px-evora': { name: 'Evora Consulting S.A.', companyId: '107' },
};
const GROUP = 'BillGrid_Pax8';
const CODES = { incomeAccount: '200', expenseAccount: '310', taxCode: '1', itemCode: null };

/** Where each line must land: a new invoice by its reference, the latest open one, or a recurring one. */
type Where = { new: string } | { latest: true } | { recurring: number };

function raw(
  customerId: string,
  sku: string,
  productName: string,
  quantity: number,
  over: Partial<RawBillingLine> = {},
) {
  return {
    source: 'pax8',
    customerId,
    customerName: CUSTOMERS[customerId].name,
    subscriptionId: `sub-${customerId}-${sku}`,
    sku,
    productName,
    description: `${productName} (Oct 2026)`,
    periodStart: '2026-10-01',
    periodEnd: '2026-10-31',
    cycle: 'monthly',
    chargeType: 'recurring',
    quantity,
    unitCost: 3.4,
    unitPrice: 4,
    total: quantity * 4,
    currency: 'USD',
    effectiveDate: '2026-10-01',
    orderId: '',
    ...over,
  } satisfies RawBillingLine;
}

const MONTH: Array<[RawBillingLine, Where]> = [
  [raw('px-acme', 'MS-365-BP', 'Microsoft 365 Business Premium', 12), { new: 'BillGrid new:month:2026-10' }],
  [raw('px-acme', 'MS-TEAMS-ESS', 'Microsoft Teams Essentials', 3), { new: 'BillGrid new:month:2026-10' }],
  [
    raw('px-blue', 'HW-DOCK-01', 'USB-C Dock', 2, { chargeType: 'one-off', orderId: 'SO-77', recordId: 'a' }),
    { new: 'BillGrid new:order:SO-77' },
  ],
  [
    raw('px-blue', 'HW-CABLE-2M', 'USB-C Cable 2m', 4, {
      chargeType: 'one-off',
      orderId: 'SO-77',
      recordId: 'b',
    }),
    { new: 'BillGrid new:order:SO-77' },
  ],
  [
    raw('px-blue', 'HW-DOCK-01', 'USB-C Dock', 1, { chargeType: 'one-off', orderId: 'SO-78', recordId: 'c' }),
    { new: 'BillGrid new:order:SO-78' },
  ],
  [raw('px-crest', 'MS-EXO-P1', 'Exchange Online (Plan 1)', 9), { latest: true }],
  [raw('px-evora', 'MS-DEF-BIZ', 'Microsoft Defender for Business', 5), { recurring: -93 }],
];
/** A line's place, found by what identifies it in the month (customer, SKU, order, quantity). */
const whereOf = (l: RawBillingLine): Where | undefined =>
  MONTH.find(
    ([m]) =>
      m.customerId === l.customerId &&
      m.sku === l.sku &&
      m.orderId === l.orderId &&
      m.quantity === l.quantity,
  )?.[1];

const isKey = (v: unknown): boolean => /^BGQ?-/.test(String(v ?? ''));
/** A recurring line on a recurring invoice is a seat line: one per item, its quantity kept. */
const isSeat = (l: RawBillingLine, where: Where | undefined): boolean =>
  !!where && 'recurring' in where && l.chargeType === 'recurring';

/** Whether an invoice can still take charges: not posted, voided, sent, credited or paid. */
const isOpen = (i: HaloInvoiceRec): boolean =>
  !i.posted &&
  !i.voided &&
  !i.datesent &&
  !(Number(i.creditlinkedtoinvoiceid) > 0) &&
  !(Number(i.paymentstatus) > 0) &&
  !(Number(i.amountpaid) > 0);

function latestOpen(companyId: string): number | undefined {
  const mine = demoFixture().invoices.filter((i) => String(i.client_id) === companyId && isOpen(i));
  return mine.sort((a, b) => ((a.invoice_date ?? '') < (b.invoice_date ?? '') ? 1 : -1))[0]?.id;
}

function located(
  state: HaloState,
): Array<{ invoice: HaloInvoiceRec; recurring: boolean; line: HaloLineRec }> {
  const out: Array<{ invoice: HaloInvoiceRec; recurring: boolean; line: HaloLineRec }> = [];
  for (const [list, recurring] of [
    [state.invoices, false],
    [state.recurringInvoices, true],
  ] as const)
    for (const invoice of list)
      for (const line of invoice.lines) if (isKey(line.comment_1)) out.push({ invoice, recurring, line });
  return out;
}

/** How the HaloPSA API's published OpenAPI document is read (tests/support/openapi.ts). */
export const spec: SpecRef = {
  file: 'halopsa_swagger.json',
  basePath: '/api',
  caseInsensitivePaths: true,
  nullableScalars: true,
  ignoreFormats: true,
  requestBodies: true,
  // The spec declares no answer schema: every operation answers only `200 "Success"`. Answers are checked
  // against the shapes SOURCES.md documents instead, whose records are the spec's own component schemas.
  responses: true,
  documentedAnswers: HALO_ANSWERS,
  // Sign-in (token and discovery) is documented apart from the resource API.
  skip: (r) => !/^\/api\//i.test(r.path) || /^\/api\/authinfo$/i.test(r.path),
};

export const contract: PsaContractFixture<HaloState> = {
  kind: 'psa',
  period: { month: '2026-10', start: '2026-10-01', end: '2026-10-31' },
  lines: MONTH.map(([l]) => l),
  mappings: {
    clients: Object.entries(CUSTOMERS).map(([customerId, c]) => ({
      source: 'pax8',
      customerId,
      customerName: c.name,
      companyId: c.companyId,
      status: 'confirmed',
      score: null,
    })),
    products: [{ source: 'pax8', sku: 'MS-365-BP', productId: '1', status: 'confirmed' }],
    contracts: [],
  },
  settings: {
    global: {
      ...DEFAULT_SETTINGS,
      productLifecycle: 'auto-create',
      invoiceBehaviour: 'latest',
      codes: CODES,
    },
    sources: {},
    clients: {
      '101': { invoiceBehaviour: 'new' },
      '103': { invoiceBehaviour: 'new' },
      '107': { invoiceBehaviour: 'recurring', targetInvoiceId: 'recurring:-93' },
    },
  },

  check(state, byKey) {
    const out: string[] = [];
    const seeded = seedState(demoFixture());
    const found = located(state);
    // The key each line must be found by: its line key, or a seat line's item key.
    const itemOf = (sku: string) =>
      sku === 'MS-365-BP' ? 1 : state.items.find((i) => i.supplier_part_code === sku)?.id;
    const keyOf = (key: string, l: RawBillingLine): string =>
      isSeat(l, whereOf(l)) ? `BGQ-${String(itemOf(l.sku))}` : key;
    const expected = new Set([...byKey].map(([key, l]) => keyOf(key, l)));
    for (const x of found)
      if (!expected.has(String(x.line.comment_1)))
        out.push(`unexpected BillGrid line ${String(x.line.comment_1)}`);
    for (const [rowKey, l] of byKey) {
      const where = whereOf(l);
      const key = keyOf(rowKey, l);
      const at = found.filter((x) => x.line.comment_1 === key);
      if (!where || at.length !== 1) {
        out.push(`${at.length} invoice lines carry ${key} (${l.sku})`);
        continue;
      }
      const { invoice, recurring, line } = at[0];
      const companyId = CUSTOMERS[l.customerId].companyId;
      if (String(invoice.client_id) !== companyId) out.push(`${key} on client ${invoice.client_id}`);
      if ('new' in where) {
        const copies = state.invoices.filter(
          (i) => String(i.client_id) === companyId && i.reference === where.new,
        );
        if (copies.length !== 1) out.push(`${copies.length} invoices '${where.new}' for ${companyId}`);
        if (recurring || invoice.reference !== where.new) out.push(`${key} not on '${where.new}'`);
      } else if ('latest' in where) {
        if (recurring || invoice.id !== latestOpen(companyId))
          out.push(`${key} not on the latest open invoice`);
      } else if (!recurring || invoice.id !== where.recurring)
        out.push(`${key} not on recurring ${where.recurring}`);
      // A seat line is billed every period; a charge on a recurring invoice once.
      else if ((line.onetimecharge === true) === isSeat(l, where))
        out.push(`${key}: onetimecharge ${String(line.onetimecharge)}`);
      const item = state.items.find((i) => i.id === line._itemid);
      if (l.sku === 'MS-365-BP') {
        if (line._itemid !== 1) out.push(`${key} not on the mapped item 1`);
      } else {
        const made = state.items.filter((i) => i.supplier_part_code === l.sku);
        if (made.length !== 1) out.push(`${made.length} items for ${l.sku}`);
        // An item Halo already has is found by its supplier part code; a new one goes into the group.
        if (item?.supplier_part_code !== l.sku) out.push(`${key} not on the item for ${l.sku}`);
        else if (!seeded.items.some((i) => i.id === item.id) && item.assetgroup_name !== GROUP)
          out.push(`${key}: item ${item.id} created outside ${GROUP}`);
      }
      if (!near(line.qty_order, l.quantity)) out.push(`${key}: quantity ${String(line.qty_order)}`);
      if (!near(line.unit_price, l.unitPrice)) out.push(`${key}: price ${String(line.unit_price)}`);
      if (!near(line.unit_cost, l.unitCost)) out.push(`${key}: cost ${String(line.unit_cost)}`);
    }
    // Items created: only for the month's SKUs Halo did not have, each once, in the group.
    const skus = new Set([...byKey.values()].map((l) => l.sku));
    for (const i of state.items.filter((x) => !seeded.items.some((f) => f.id === x.id))) {
      if (!skus.has(i.supplier_part_code) || i.assetgroup_name !== GROUP)
        out.push(`item ${i.id} (${i.supplier_part_code}) created outside the month's SKUs or ${GROUP}`);
    }
    const groups = state.assetGroups.filter((g) => g.name === GROUP);
    if (groups.length !== 1) out.push(`${groups.length} item groups named ${GROUP}`);
    for (const f of seeded.items) {
      if (JSON.stringify(state.items.find((i) => i.id === f.id)) !== JSON.stringify(f))
        out.push(`existing item ${f.id} changed`);
    }
    for (const list of ['invoices', 'recurringInvoices'] as const) {
      for (const f of seeded[list]) {
        const now = state[list].find((i) => i.id === f.id);
        const others = now?.lines.filter((x) => !isKey(x.comment_1));
        if (JSON.stringify(others) !== JSON.stringify(f.lines))
          out.push(`other lines of ${list} ${f.id} changed`);
      }
    }
    const empty = state.invoices.filter((i) => i.reference.startsWith('BillGrid ') && !i.lines.length);
    if (empty.length) out.push(`${empty.length} empty BillGrid invoices`);
    return out;
  },

  billed(state) {
    const sku = (id: unknown) => state.items.find((i) => i.id === id)?.supplier_part_code ?? String(id);
    return {
      counts: {
        invoices: state.invoices.length,
        recurringInvoices: state.recurringInvoices.length,
        items: state.items.length,
        assetGroups: state.assetGroups.length,
      },
      lines: located(state)
        .map(({ invoice, recurring, line }) =>
          JSON.stringify([
            recurring ? `recurring ${invoice.id}` : invoice.reference || `invoice ${invoice.id}`,
            invoice.client_id,
            line.comment_1,
            sku(line._itemid),
            line.qty_order,
            line.unit_price,
            line.unit_cost,
            line.nominal_code,
            line.tax_code,
            line.item_shortdescription,
            line.item_longdescription,
          ]),
        )
        .sort(),
      items: state.items.map((i) => JSON.stringify({ ...i, id: 0 })).sort(),
    };
  },

  // A line is billed on its invoice's date (the key is in comment_1).
  chargeMonthOf(state, lineKey) {
    const invoice = state.invoices.find((i) => i.lines.some((l) => l.comment_1 === lineKey));
    return invoice?.invoice_date ? invoice.invoice_date.slice(0, 7) : null;
  },

  // The client's reference (Area `ref`).
  accountCodeOf: (state, companyId) => codeText(state.clients.find((c) => String(c.id) === companyId)?.ref),
  isMutation: (r) => r.method !== 'GET' && /^\/api\//i.test(r.path),

  malformed: [
    {
      name: 'an invoice line carrying the line key whose quantity is not a number',
      spoil(state, lineKey) {
        const at = located(state).find((x) => x.line.comment_1 === lineKey);
        if (!at) return null;
        at.line.qty_order = 'twelve' as unknown as number;
        return { recordId: String(at.line.id) };
      },
    },
  ],

  spec,
};
