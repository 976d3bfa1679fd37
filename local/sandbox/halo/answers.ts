/**
 * HaloPSA's answers, as BillGrid documents them (src/connectors/psa/halo/SOURCES.md). Halo's published
 * OpenAPI declares no answer schema at all: every operation answers only `200 "Success"`. What an answer
 * holds is therefore documented here, by operation, from the public clients and real answers SOURCES.md
 * cites, as JSON Schemas whose records are the spec's OWN component schemas (InvoiceHeader, InvoiceDetail,
 * Item, Area, Generic, Tax: every one `additionalProperties: false`), so a field the spec does not declare,
 * or a value of another type, fails. The envelope around a list is ours: `record_count` and the list under
 * its key (paged lists add `page_no`, `page_size`); `/Tax`, `/AssetGroup` and an unpaged `/Item` may be a
 * bare array or keyed (the spec declares neither: sandbox variants, tenant probes). A saved record is answered as the record, or
 * the records when several were sent. The contract suite and the Halo tests check every 200 answer of the
 * sandbox against these (`SpecRef.documentedAnswers`, tests/support/openapi.ts).
 */
const ref = (schema: string) => ({ $ref: `#/components/schemas/${schema}` });
const list = (key: string, schema: string) => ({
  type: 'object',
  required: [key],
  properties: {
    record_count: { type: 'integer', minimum: 0 },
    page_no: { type: 'integer' },
    page_size: { type: 'integer' },
    [key]: { type: 'array', items: ref(schema) },
  },
  additionalProperties: false,
});
const bareOrKeyed = (key: string, schema: string) => ({
  anyOf: [{ type: 'array', items: ref(schema) }, list(key, schema)],
});
const oneOrMany = (schema: string) => ({ anyOf: [ref(schema), { type: 'array', items: ref(schema) }] });
/** A delete answers with nothing BillGrid reads. */
const anything = {};

/** By 'METHOD /path' as the spec writes the path (without the /api base). */
export const HALO_ANSWERS: Record<string, unknown> = {
  'GET /Client': list('clients', 'Area'),
  'GET /Client/{id}': ref('Area'),
  'GET /Item': bareOrKeyed('items', 'Item'),
  'GET /Item/{id}': ref('Item'),
  'POST /Item': oneOrMany('Item'),
  'DELETE /Item/{id}': anything,
  'GET /AssetGroup': bareOrKeyed('assetgroups', 'Generic'),
  'POST /AssetGroup': oneOrMany('Generic'),
  'DELETE /AssetGroup/{id}': anything,
  'GET /Tax': bareOrKeyed('taxes', 'Tax'),
  'GET /Invoice': list('invoices', 'InvoiceHeader'),
  'GET /Invoice/{id}': ref('InvoiceHeader'),
  'POST /Invoice': oneOrMany('InvoiceHeader'),
  'DELETE /Invoice/{id}': anything,
  'GET /RecurringInvoice': list('invoices', 'InvoiceHeader'),
  'GET /RecurringInvoice/{id}': ref('InvoiceHeader'),
  'POST /RecurringInvoice': oneOrMany('InvoiceHeader'),
  'DELETE /RecurringInvoice/{id}': anything,
  // The invoices generated (the sandbox's answer; Halo's is unverified, BillGrid never calls it).
  'POST /RecurringInvoice/process': { type: 'array', items: ref('InvoiceHeader') },
};
