/**
 * Per-line links (seed 004: "links are created on every line of the grid … the connector remembers these
 * associations"): a PSA company, contract or service/item picked in a grid row's mapping cell is used for
 * that line at once (overrides.ts). Remembering it writes it into the mapping tabs at the level the seed's
 * field table links it, so later months' pulls fill the same cells:
 *  - PSA company  → the customer's Clients row (End Customer → Customer), marked manual;
 *  - PSA contract → the subscription's own Contracts row (Subscription ID → Contract ID; a line without a
 *    subscription: the customer's default contract), keeping its sync state;
 *  - PSA service/item → the SKU's Products row (Product → Service), marked manual.
 * Rows that disagree (two rows of one customer naming two companies, of one subscription two contracts,
 * of one SKU two services), or a link that would leave the customer's contracts with another company,
 * are not remembered: each gets its reason, and nothing of it is written.
 */
import { MappingIndex } from '../core/mapping';
import type { ClientMapping, ContractMapping, Mappings, ProductMapping } from '../core/mapping';
import type { Spreadsheet } from '../platform/spreadsheet';
import { validateGrid } from './grid';
import { readLookups } from './lookups';
import { readMappings, writeMappings } from './mappings';
import type { GridRow } from './validate';

export type LineLinkKind = 'company' | 'contract' | 'service';

export interface LineLinksResult {
  /** Rows whose edited links are now in the mapping tabs (what was remembered from each). */
  remembered: { row: number; key: string; links: LineLinkKind[] }[];
  /** Rows whose edited links were not remembered, with the reason. */
  refused: { row: number; key: string; message: string }[];
  /** Mapping rows written: Clients, Contracts, Products. */
  written: { clients: number; contracts: number; products: number };
}

const k = (...parts: string[]): string => parts.join('\u0000');

interface Pick {
  row: GridRow;
  id: string;
  /** Staff picked it in the row (else it is what the pull filled in from the mapping tabs). */
  edited: boolean;
}

/** Group the rows' picks by the mapping key they would write; a key whose rows disagree is a conflict. */
function group(picks: readonly Pick[], keyOf: (r: GridRow) => string): Map<string, Pick[]> {
  const out = new Map<string, Pick[]>();
  for (const p of picks) {
    const key = keyOf(p.row);
    const list = out.get(key);
    if (list) list.push(p);
    else out.set(key, [p]);
  }
  return out;
}

const rowsText = (list: readonly Pick[]): string =>
  `rows ${list
    .map((p) => p.row.rowNumber)
    .sort((a, b) => a - b)
    .join(', ')}`;

/** Remember the links staff edited in a month's grid rows (see the file comment). One write per tab. */
export function rememberLineLinks(ss: Spreadsheet, month: string): LineLinksResult {
  const lookups = readLookups(ss, { codes: false });
  const mappings = readMappings(ss, lookups).mappings;
  const index = new MappingIndex(mappings);
  // Bad cells (a company or contract the PSA does not have) get their reason in Status here.
  const grid = validateGrid(ss, month, { lookups });
  const contractCompany = new Map((lookups?.contracts ?? []).map((c) => [c.id, c.companyId]));

  // Every row's link (edited or as pulled): a remembered link is every row's of that customer,
  // subscription or SKU, so the rows of one must agree.
  const all = { company: [] as Pick[], contract: [] as Pick[], service: [] as Pick[] };
  const edited = (r: GridRow, id: 'psaCompany' | 'psaContract' | 'psaProduct') => r.overridden.includes(id);
  for (const r of grid.rows) {
    const { companyId, contractId, productId } = r.mapping;
    if (companyId) all.company.push({ row: r, id: companyId, edited: edited(r, 'psaCompany') });
    if (contractId) all.contract.push({ row: r, id: contractId, edited: edited(r, 'psaContract') });
    if (productId) all.service.push({ row: r, id: productId, edited: edited(r, 'psaProduct') });
  }
  const picks = {
    company: all.company.filter((p) => p.edited),
    contract: all.contract.filter((p) => p.edited),
    service: all.service.filter((p) => p.edited),
  };

  const refused = new Map<number, { key: string; message: string }>();
  const refuse = (list: readonly Pick[], message: string) => {
    for (const p of list)
      if (!refused.has(p.row.rowNumber)) refused.set(p.row.rowNumber, { key: p.row.key, message });
  };
  /** The groups with an edit whose rows all agree (their edited picks); the others' edits are refused. */
  const agreed = (groups: Map<string, Pick[]>, what: string, whose: (r: GridRow) => string) => {
    const ok: Pick[][] = [];
    for (const list of groups.values()) {
      const mine = list.filter((p) => p.edited);
      if (!mine.length) continue;
      if (new Set(list.map((p) => p.id)).size > 1) {
        refuse(
          mine,
          `${rowsText(list)} name different ${what} for ${whose(list[0].row)}, which has one: ` +
            'pick the same on each to remember it',
        );
      } else ok.push(mine);
    }
    return ok;
  };
  const customer = (r: GridRow) =>
    r.line.customerName ? `customer '${r.line.customerName}'` : `customer ${r.line.customerId}`;
  const subscription = (r: GridRow) =>
    r.line.subscriptionId ? `subscription ${r.line.subscriptionId}` : customer(r);

  const contractGroups = agreed(
    group(all.contract, (r) => k(r.line.source, r.line.customerId, r.line.subscriptionId)),
    'PSA contracts',
    subscription,
  );
  const companyGroups = agreed(
    group(all.company, (r) => k(r.line.source, r.line.customerId)),
    'PSA companies',
    customer,
  );
  const serviceGroups = agreed(
    group(all.service, (r) => k(r.line.source, r.line.sku)),
    'PSA services/items',
    (r) => `product '${r.line.sku}'`,
  );

  // The company each customer will have, and the contracts it will link, once this is remembered.
  const newCompany = new Map<string, string>();
  for (const list of companyGroups)
    newCompany.set(k(list[0].row.line.source, list[0].row.line.customerId), list[0].id);
  const newContract = new Map<string, string>();
  for (const list of contractGroups) {
    const l = list[0].row.line;
    newContract.set(k(l.source, l.customerId, l.subscriptionId), list[0].id);
  }

  const clients: ClientMapping[] = [];
  for (const list of companyGroups) {
    const { line } = list[0].row;
    const companyId = list[0].id;
    const was = index.client(line.source, line.customerId);
    if (was?.status === 'excluded') {
      refuse(list, `${customer(list[0].row)} is excluded on Clients: include it there first`);
      continue;
    }
    // Every contract the customer stays linked to must belong to the new company.
    const stale = mappings.contracts.filter(
      (c) =>
        c.source === line.source &&
        c.customerId === line.customerId &&
        (newContract.get(k(c.source, c.customerId, c.subscriptionId)) ?? c.contractId) === c.contractId &&
        contractCompany.has(c.contractId) &&
        contractCompany.get(c.contractId) !== companyId,
    );
    if (stale.length) {
      const subs = stale.map((c) => (c.subscriptionId ? `subscription ${c.subscriptionId}` : 'its default'));
      refuse(
        list,
        `${customer(list[0].row)} has contract links of another PSA company (${subs.join(', ')}): ` +
          `pick this line's PSA contract of the new company too, or link one on Contracts`,
      );
      continue;
    }
    if (was?.companyId === companyId) continue;
    clients.push({
      source: line.source,
      customerId: line.customerId,
      customerName: was?.customerName || line.customerName,
      companyId,
      status: 'manual',
      score: null,
      ...(was?.overrides ? { overrides: was.overrides } : {}),
    });
  }

  const contracts: ContractMapping[] = [];
  for (const list of contractGroups) {
    if (list.some((p) => refused.has(p.row.rowNumber))) continue;
    const { line } = list[0].row;
    const contractId = list[0].id;
    const company =
      newCompany.get(k(line.source, line.customerId)) ??
      index.client(line.source, line.customerId)?.companyId;
    if (contractCompany.has(contractId) && company && contractCompany.get(contractId) !== company) {
      refuse(
        list,
        `PSA contract ${contractId} belongs to another PSA company than ${customer(list[0].row)}'s`,
      );
      continue;
    }
    const own = mappings.contracts.find(
      (c) =>
        c.source === line.source &&
        c.customerId === line.customerId &&
        c.subscriptionId === line.subscriptionId,
    );
    if (own?.contractId === contractId) continue;
    contracts.push({
      ...(own ?? {}),
      source: line.source,
      customerId: line.customerId,
      subscriptionId: line.subscriptionId,
      contractId,
      // A service id known on the old contract is not the new contract's.
      contractServiceId: null,
    });
  }

  const products: ProductMapping[] = [];
  for (const list of serviceGroups) {
    const { line } = list[0].row;
    if (index.product(line.source, line.sku)?.productId === list[0].id) continue;
    products.push({ source: line.source, sku: line.sku, productId: list[0].id, status: 'manual' });
  }

  // A row is remembered only whole, and a link only when none of the rows naming it was refused.
  const rowRefused = (p: Pick) => refused.has(p.row.rowNumber);
  const keyOfGroup = {
    company: (r: GridRow) => k(r.line.source, r.line.customerId),
    contract: (r: GridRow) => k(r.line.source, r.line.customerId, r.line.subscriptionId),
    service: (r: GridRow) => k(r.line.source, r.line.sku),
  };
  const badKeys = (kind: LineLinkKind) =>
    new Set(picks[kind].filter(rowRefused).map((p) => keyOfGroup[kind](p.row)));
  const bad = { company: badKeys('company'), contract: badKeys('contract'), service: badKeys('service') };
  const nonEmpty: Partial<Mappings> = {};
  const c1 = clients.filter((m) => !bad.company.has(k(m.source, m.customerId)));
  const c2 = contracts.filter((m) => !bad.contract.has(k(m.source, m.customerId, m.subscriptionId)));
  const c3 = products.filter((m) => !bad.service.has(k(m.source, m.sku)));
  if (c1.length) nonEmpty.clients = c1;
  if (c2.length) nonEmpty.contracts = c2;
  if (c3.length) nonEmpty.products = c3;
  if (c1.length || c2.length || c3.length) writeMappings(ss, nonEmpty, { lookups });

  const remembered = new Map<number, { key: string; links: LineLinkKind[] }>();
  for (const kind of ['company', 'contract', 'service'] as const) {
    for (const p of picks[kind]) {
      if (rowRefused(p) || bad[kind].has(keyOfGroup[kind](p.row))) continue;
      const r = remembered.get(p.row.rowNumber) ?? { key: p.row.key, links: [] };
      r.links.push(kind);
      remembered.set(p.row.rowNumber, r);
    }
  }
  return {
    remembered: [...remembered].map(([row, r]) => ({ row, ...r })).sort((a, b) => a.row - b.row),
    refused: [...refused].map(([row, r]) => ({ row, ...r })).sort((a, b) => a.row - b.row),
    written: { clients: c1.length, contracts: c2.length, products: c3.length },
  };
}
