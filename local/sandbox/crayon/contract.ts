/**
 * The Crayon month for the shared contract suite (local/sandbox/contract.ts): October 2026 of the demo
 * MSP. Rules (Cloud-iQ billing statements, the connector's SOURCES.md): every row of the billing-records
 * file of every statement of the month is one line, for the customer tenant the row names (by its primary
 * domain), at the row's reseller sales total, in the statement's currency.
 */
import type { ExpectedLine, SourceContractFixture } from '../contract';
import type { CrayonState } from './server';

const PERIOD = { month: '2026-10', start: '2026-10-01', end: '2026-10-31' };

function monthRecords(state: CrayonState) {
  const statements = state.statements.filter((s) => s.startDate.slice(0, 7) === PERIOD.month);
  return statements.flatMap((s) =>
    state.records
      .filter((r) => r.statementId === s.id)
      .map((r, n) => ({ statement: s, record: r.record, recordId: `${s.id}#${n + 1}` })),
  );
}

const tenantOf = (state: CrayonState, domain: unknown): string =>
  String(state.customerTenants.find((t) => t.domain === domain)?.id ?? '');

export const contract: SourceContractFixture<CrayonState> = {
  kind: 'source',
  period: PERIOD,

  expected(state) {
    // The line's record id is the connector's stable key (subscription, charge, date); not fixed here.
    return monthRecords(state).map(({ statement, record }): ExpectedLine => ({
      customerId: tenantOf(state, record.TenantPrimaryDomain),
      total: Number(record.ResellerSalesPriceTotal),
      currency: String(statement.totalSalesPrice.currencyCode ?? record.Currency).toUpperCase(),
    }));
  },

  // The token request (password grant) changes nothing at Crayon.
  isMutation: (r) => r.method !== 'GET' && !/\/connect\/token$/i.test(r.path),

  malformed: [
    {
      name: 'a billing record whose quantity is not a number',
      spoil(state) {
        const first = monthRecords(state).find((r) => typeof r.record.Quantity === 'number');
        if (!first) return null;
        first.record.Quantity = 'ten';
        return { customerId: tenantOf(state, first.record.TenantPrimaryDomain), recordId: first.recordId };
      },
    },
  ],

  spec: {
    file: 'crayon_cloudiq_openapi.json',
    basePath: '/api/v1',
    auth: true,
    responses: true,
    listEnvelope: { total: 'totalHits', items: 'items' },
    camelCaseAnswers: true,
  },
};
