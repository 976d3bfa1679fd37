/**
 * A large generated vendor export (the bench's 50,000-row file and the import tests' smaller one): 400
 * customers, 250 SKUs, one record id per row, quoted descriptions with commas and thousands separators.
 */
import { importProfileSchema, type ImportProfile } from '../../../src/connectors/sources/csv';

export const BULK_PROFILE: ImportProfile = importProfileSchema.parse({
  id: 'bulk',
  name: 'Bulk vendor',
  columns: {
    customer: 'Customer',
    customerId: 'Customer ID',
    recordId: 'Record ID',
    sku: 'SKU',
    description: 'Description',
    quantity: 'Quantity',
    unitCost: 'Unit Cost',
    unitPrice: 'Unit Price',
    currency: 'Currency',
    periodStart: 'Start',
    periodEnd: 'End',
    chargeType: 'Type',
  },
});

/** The export's text (CRLF line ends, UTF-8): row i bills customer i mod `customers`. */
export function bulkCsv(rows: number, customers = 400): string {
  const header =
    'Customer,Customer ID,Record ID,SKU,Description,Quantity,Unit Cost,Unit Price,Currency,Start,End,Type';
  const body: string[] = [];
  for (let i = 0; i < rows; i++) {
    const c = i % customers;
    body.push(
      `Client ${c} Ltd,C${c},R${i},SKU-${i % 250},"Licence ${i}, monthly",${1 + (i % 40)},${(3 + (i % 7) * 1.1).toFixed(2)},"1,${String(100 + (i % 900)).padStart(3, '0')}.50",USD,2026-10-01,2026-10-31,Recurring`,
    );
  }
  return `${header}\r\n${body.join('\r\n')}\r\n`;
}
