import type { LatestInvoiceRule } from '../../../core/settings';
import { NEW_INVOICE_PREFIX, parseLatestContainer } from '../../../core/targets';

/**
 * Where a Halo charge line lives (`ChargeTargetRef.container`, see core/targets.ts, P31):
 *   'latest'              the client's latest invoice, resolved at push time (a line already on one of the
 *                         client's invoices stays where it is): the newest one not sent ('latest;unpaid': not
 *                         paid) nor posted, voided or a credit note; when none qualifies the step fails saying
 *                         so, or (';else=new:<group>') its charges go on a new invoice for the group;
 *   'new:<group>'         an invoice BillGrid creates per order ('new:order:<id>') or per billing month
 *                         ('new:month:<yyyy-mm>'); the placeholder is written on the invoice's reference so
 *                         a crash after creating it is found on re-run;
 *   'invoice:<id>'        a chosen invoice (ids listContracts gives; a bare number works too);
 *   'recurring:<id>'      a recurring invoice (Halo numbers them negative).
 */
export type HaloContainer =
  | { kind: 'latest'; rule: LatestInvoiceRule; fallback: { group: string; container: string } | null }
  | { kind: 'new'; group: string }
  | { kind: 'invoice'; id: number }
  | { kind: 'recurring'; id: number };

export const invoiceContainer = (id: number | string): string => `invoice:${id}`;
export const recurringContainer = (id: number | string): string => `recurring:${id}`;

/** The reference written on invoices BillGrid creates. */
export const NEW_INVOICE_REFERENCE_PREFIX = 'BillGrid ';
export const referenceFor = (placeholder: string): string => `${NEW_INVOICE_REFERENCE_PREFIX}${placeholder}`;
/** The placeholder an invoice was created for, from its reference; null for other invoices. */
export const placeholderOf = (reference: string): string | null =>
  reference.startsWith(NEW_INVOICE_REFERENCE_PREFIX + NEW_INVOICE_PREFIX)
    ? reference.slice(NEW_INVOICE_REFERENCE_PREFIX.length)
    : null;

export function parseContainer(container: string): HaloContainer | null {
  const latest = parseLatestContainer(container);
  if (latest) {
    const f = latest.fallback;
    return {
      kind: 'latest',
      rule: latest.rule,
      fallback: f ? { group: f.slice(NEW_INVOICE_PREFIX.length), container: f } : null,
    };
  }
  if (container.startsWith(NEW_INVOICE_PREFIX) && container.length > NEW_INVOICE_PREFIX.length) {
    return { kind: 'new', group: container.slice(NEW_INVOICE_PREFIX.length) };
  }
  const m = /^(invoice:|recurring:)?(-?\d+)$/.exec(container);
  if (!m) return null;
  return { kind: m[1] === 'recurring:' ? 'recurring' : 'invoice', id: Number(m[2]) };
}
