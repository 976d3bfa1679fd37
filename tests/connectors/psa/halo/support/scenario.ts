/**
 * A month's approved Halo charges for the demo tenant, the PushSteps core would plan for them, and the
 * checks that the sandbox's invoices hold exactly those charges (no duplicate line, invoice or item).
 */
import { keyOf } from '../../../../../src/core/line-key';
import type { PushStep, StepOutcome } from '../../../../../src/core/psa';
import type { DefaultCodes } from '../../../../../src/core/settings';
import type { HaloTarget } from '../../../../../src/connectors/psa/halo';
import { demoFixture, type HaloInvoiceRec } from '../../../../../local/sandbox/halo/fixture';
import { seedState, type HaloState } from '../../../../../local/sandbox/halo/server';

export interface Approved {
  key: string;
  companyId: string;
  container: string;
  sku: string;
  productName: string;
  description: string;
  quantity: number;
  unitPrice: number;
  unitCost: number;
  /** Core's product id: a Halo item id, or 'new:<sku>' (auto-create). */
  productId: string;
}

export const CODES: DefaultCodes = {
  incomeAccount: '200',
  expenseAccount: '310',
  taxCode: '1',
  itemCode: null,
};

let n = 0;
export function approved(
  companyId: string,
  container: string,
  sku: string,
  productName: string,
  quantity: number,
  unitPrice: number,
  unitCost: number,
  productId = `new:${sku}`,
): Approved {
  n += 1;
  return {
    key: keyOf(`scenario\u001f${companyId}\u001f${container}\u001f${sku}\u001f${n}`),
    companyId,
    container,
    sku,
    productName,
    description: `${productName} - October 2026`,
    quantity,
    unitPrice,
    unitCost,
    productId,
  };
}

export function stepsOf(lines: Approved[], codes: DefaultCodes = CODES): PushStep[] {
  return lines.map((l) => ({
    idempotencyKey: `step-${l.key}`,
    operation: 'add-charge',
    ref: { kind: 'charge', companyId: l.companyId, container: l.container, lineKey: l.key },
    lineKeys: [l.key],
    before: null,
    after: {
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      unitCost: l.unitCost,
      effectiveDate: '2026-10-31',
      description: l.description,
      productName: l.productName,
      sku: l.sku,
      productId: l.productId,
    },
    codes,
  }));
}

export const runSteps = (target: HaloTarget, steps: PushStep[]): StepOutcome[] =>
  steps.map((s) => target.apply(s));

/**
 * The month used by most integration tests: every invoice behaviour (new per month and per order,
 * latest, recurring), auto-created items next to existing ones matched by SKU and by exact name, and a
 * client with its own tax code (107, Évora Consulting).
 */
export function fullMonth(): Approved[] {
  return [
    // new: one invoice per month for 101, one per order for 103
    approved('101', 'new:month:2026-10', 'MS-365-BP', 'Microsoft 365 Business Premium', 12, 22, 18.7),
    approved('101', 'new:month:2026-10', 'MS-TEAMS-ESS', 'Microsoft Teams Essentials', 3, 4, 3.4),
    approved('103', 'new:order:SO-5501', 'MS-DEF-BIZ', 'Microsoft Defender for Business', 20, 3, 2.55),
    approved('103', 'new:order:SO-5502', 'MS-365-BP', 'Microsoft 365 Business Premium', 1, 22, 18.7),
    // latest: appended to the client's latest invoice
    approved('105', 'latest', 'twilio-usage', 'Voice & SMS usage', 1, 48.12, 31.4),
    approved('108', 'latest', 'MS-EXO-P1', 'Exchange Online (Plan 1)', 7, 4, 3.4),
    // recurring: added to the recurring invoice chosen for the client
    approved('101', 'recurring:-90', 'MS-EXO-P1', 'Exchange Online (Plan 1)', 4, 4, 3.4),
    approved('107', 'recurring:-93', 'MS-DEF-BIZ', 'Microsoft Defender for Business', 5, 3, 2.55),
    approved('102', 'recurring:-91', 'MS-TEAMS-ESS', 'Microsoft Teams Essentials', 2, 4, 3.4),
  ];
}

export interface Located {
  invoice: HaloInvoiceRec;
  recurring: boolean;
  line: HaloInvoiceRec['lines'][number];
}

export function bgLines(state: HaloState): Located[] {
  const out: Located[] = [];
  for (const [list, recurring] of [
    [state.invoices, false],
    [state.recurringInvoices, true],
  ] as const) {
    for (const invoice of list) {
      for (const line of invoice.lines)
        if (/^BG-/.test(String(line.comment_1 ?? ''))) out.push({ invoice, recurring, line });
    }
  }
  return out;
}

/** Whether a fixture invoice can still take charges: not posted, credited, voided, sent or paid. */
export const isOpenInvoice = (i: HaloInvoiceRec): boolean =>
  !i.posted &&
  !i.voided &&
  !i.datesent &&
  !(Number(i.creditlinkedtoinvoiceid) > 0) &&
  !(Number(i.paymentstatus) > 0) &&
  !(Number(i.amountpaid) > 0);

/** Latest open invoice per client in the untouched demo fixture. */
export function latestInFixture(companyId: string): number | undefined {
  const mine = demoFixture().invoices.filter((i) => String(i.client_id) === companyId && isOpenInvoice(i));
  return mine.sort((a, b) => ((a.invoice_date ?? '') < (b.invoice_date ?? '') ? 1 : -1))[0]?.id;
}

/**
 * Every problem with the state, as sentences (empty: the invoices hold exactly the approved charges).
 * `groupName`: the item group auto-created items must sit in (null: no item may have been created).
 */
export function divergence(state: HaloState, lines: Approved[], groupName: string | null): string[] {
  const problems: string[] = [];
  const fixture = seedState(demoFixture());
  const located = bgLines(state);
  const wanted = new Set(lines.map((l) => l.key));
  for (const x of located) {
    if (!wanted.has(String(x.line.comment_1)))
      problems.push(`unexpected BillGrid line ${String(x.line.comment_1)}`);
  }
  const groups = state.assetGroups.filter((g) => g.name === groupName);
  if (groupName && groups.length > 1) problems.push(`${groups.length} item groups named ${groupName}`);
  const newItems = state.items.filter((i) => !fixture.items.some((f) => f.id === i.id));
  if (!groupName && newItems.length) problems.push(`${newItems.length} items created`);
  for (const f of fixture.items) {
    const now = state.items.find((i) => i.id === f.id);
    if (JSON.stringify(now) !== JSON.stringify(f)) problems.push(`existing item ${f.id} was modified`);
  }
  for (const l of lines) {
    const at = located.filter((x) => x.line.comment_1 === l.key);
    if (at.length !== 1) {
      problems.push(`${at.length} lines for ${l.sku} (${l.key})`);
      continue;
    }
    const { invoice, recurring, line } = at[0];
    if (String(invoice.client_id) !== l.companyId) problems.push(`${l.key} on client ${invoice.client_id}`);
    if (l.container.startsWith('new:')) {
      const copies = state.invoices.filter(
        (i) => String(i.client_id) === l.companyId && i.reference === `BillGrid ${l.container}`,
      );
      if (copies.length !== 1) problems.push(`${copies.length} invoices for ${l.companyId} ${l.container}`);
      if (recurring || invoice.reference !== `BillGrid ${l.container}`)
        problems.push(`${l.key} not on its new invoice`);
    } else if (l.container === 'latest') {
      if (recurring || invoice.id !== latestInFixture(l.companyId))
        problems.push(`${l.key} not on the latest invoice`);
    } else if (!recurring || `recurring:${invoice.id}` !== l.container) {
      problems.push(`${l.key} not on ${l.container}`);
    }
    const itemId = l.productId.startsWith('new:')
      ? state.items.filter((i) => i.supplier_part_code === l.sku || i.name === l.productName).map((i) => i.id)
      : [Number(l.productId)];
    if (itemId.length !== 1) problems.push(`${itemId.length} items for ${l.sku}`);
    const item = state.items.find((i) => i.id === itemId[0]);
    const want = {
      _itemid: itemId[0],
      nominal_code: item?.nominalcode || CODES.incomeAccount,
      // Évora Consulting (107) has its own tax code in Halo, which wins over the default: BillGrid leaves
      // its tax to Halo; elsewhere the default code is set as an override.
      tax_code: l.companyId === '107' ? '3' : CODES.taxCode,
      tax_code_overriden: l.companyId !== '107',
      qty_order: l.quantity,
      unit_price: l.unitPrice,
      unit_cost: l.unitCost,
      item_shortdescription: l.productName,
      item_longdescription: l.description,
    };
    const got = Object.fromEntries(Object.keys(want).map((k) => [k, line[k]]));
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      problems.push(`${l.sku} on ${l.container}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
    }
  }
  for (const list of ['invoices', 'recurringInvoices'] as const) {
    for (const f of fixture[list]) {
      const now = state[list].find((i) => i.id === f.id);
      const others = now?.lines.filter((x) => !/^BG-/.test(String(x.comment_1 ?? '')));
      if (JSON.stringify(others) !== JSON.stringify(f.lines))
        problems.push(`other lines of ${list} ${f.id} changed`);
    }
  }
  const emptyMine = state.invoices.filter((i) => i.reference.startsWith('BillGrid ') && !i.lines.length);
  if (emptyMine.length) problems.push(`${emptyMine.length} empty BillGrid invoices left`);
  return problems;
}
