/**
 * The invoice picker (core's ListsInvoices): a client's invoices that can still take charges and its
 * recurring invoices, so a person chooses the target invoice instead of typing its id. Two requests per
 * client, whatever its history: page 1 of each list, newest first.
 */
import { microsToNumber, productMicros } from '../../../core/money';
import type { PsaInvoiceChoice } from '../../../core/psa';
import type { HaloApi } from './api';
import { invoiceContainer, recurringContainer } from './containers';
import { closedBecause, haloInvoice, haloLine, listEnvelope, type HaloInvoice } from './schemas';

/** Newest records read per list: more than a person scrolls through in a dropdown. */
const PICKER_SIZE = 50;
const WHAT = 'reading the client’s invoices';

const day = (d: string | null | undefined): string => (d && d.slice(0, 4) > '1901' ? d.slice(0, 10) : '');

/** What one period of a recurring invoice bills now: its active lines, summed exactly. */
function periodAmount(api: HaloApi, r: HaloInvoice): number {
  const lines = api.parseRecords(r.lines ?? [], haloLine, WHAT).filter((l) => !l.isinactive);
  let sum = 0n;
  for (const l of lines) sum += productMicros(l.qty_order ?? 0, l.unit_price ?? 0);
  return microsToNumber(sum);
}

export function invoiceChoices(api: HaloApi, companyId: string): PsaInvoiceChoice[] {
  const page = { client_id: companyId, pageinate: true, page_size: PICKER_SIZE, page_no: 1 };
  const [invoices, recurring] = api.sendAll([
    {
      method: 'get',
      path: '/Invoice',
      query: { ...page, order: 'invoice_date', orderdesc: true, order2: 'id', orderdesc2: true },
    },
    { method: 'get', path: '/RecurringInvoice', query: { ...page, includelines: true } },
  ]);
  const env = listEnvelope('invoices');
  const open = api
    .parseRecords(api.json(invoices, env, WHAT).records, haloInvoice, WHAT)
    .filter((h) => closedBecause(h) === null);
  const templates = api.parseRecords(api.json(recurring, env, WHAT).records, haloInvoice, WHAT);
  return [
    ...open.map((h): PsaInvoiceChoice => ({
      id: invoiceContainer(h.id),
      kind: 'invoice',
      psaId: String(h.id),
      number: h.invoicenumber,
      date: day(h.invoice_date),
      name: h.reference,
      amount: null,
      nextPeriod: null,
    })),
    ...templates.map((r): PsaInvoiceChoice => ({
      id: recurringContainer(r.id),
      kind: 'recurring-invoice',
      psaId: String(r.id),
      number: r.invoicenumber,
      date: day(r.invoice_date),
      name: r.reference,
      amount: periodAmount(api, r),
      nextPeriod: day(r.nextcreationdate) || null,
    })),
  ];
}
