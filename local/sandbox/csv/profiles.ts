/**
 * Demo import profiles for the two sample exports in ./samples, two vendors with different layouts:
 *  - sherweb-2026-10.csv: UTF-8 with BOM, commas, ISO dates, quoted thousands separators, a customer id
 *    and subscription id per row, unit cost and price, CRLF line ends;
 *  - dicker-data-2026-10.csv: Windows-1252, semicolons, two title lines above the header, decimal comma
 *    with '.' thousands, dd/mm/yyyy dates, no currency column, a credit as a negative quantity with its
 *    total in brackets.
 */
import fs from 'node:fs';
import path from 'node:path';
import { importProfileSchema, type ImportProfile } from '../../../src/connectors/sources/csv';

export const SHERWEB_PROFILE: ImportProfile = importProfileSchema.parse({
  id: 'sherweb',
  name: 'Sherweb',
  columns: {
    customer: 'Customer Name',
    customerId: 'Customer ID',
    recordId: 'Subscription ID',
    sku: 'SKU',
    productName: 'Product',
    description: 'Description',
    quantity: 'Quantity',
    unitCost: 'Unit Cost',
    unitPrice: 'Unit Price',
    totalPrice: 'Total',
    currency: 'Currency',
    periodStart: 'Period Start',
    periodEnd: 'Period End',
    chargeType: 'Charge Type',
  },
  header: [
    'customername',
    'customerid',
    'subscriptionid',
    'sku',
    'product',
    'description',
    'quantity',
    'unitcost',
    'unitprice',
    'total',
    'currency',
    'periodstart',
    'periodend',
    'chargetype',
  ],
  dateFormat: 'yyyy-mm-dd',
  decimal: '.',
});

export const DICKER_PROFILE: ImportProfile = importProfileSchema.parse({
  id: 'dicker-data',
  name: 'Dicker Data',
  columns: {
    customer: 'Kunde',
    sku: 'Part No',
    description: 'Description',
    quantity: 'Qty',
    unitCost: 'Buy Price',
    totalCost: 'Line Total',
    periodStart: 'Billing From',
    periodEnd: 'Billing To',
    chargeType: 'Type',
  },
  header: [
    'kunde',
    'partno',
    'description',
    'qty',
    'buyprice',
    'linetotal',
    'billingfrom',
    'billingto',
    'type',
  ],
  delimiter: ';',
  dateFormat: 'dd/mm/yyyy',
  decimal: ',',
  defaultCurrency: 'USD',
  markupPercent: 20,
  chargeTypes: { Subscription: 'recurring', Credit: 'one-off' },
});

export const SAMPLE_DIR = path.join(__dirname, 'samples');
export const sampleBytes = (name: string): Uint8Array =>
  new Uint8Array(fs.readFileSync(path.join(SAMPLE_DIR, name)));
