/**
 * The sidebar's mapping, product, contract and push-result functions check their arguments before
 * they touch the spreadsheet or the PSA: malformed arguments get one readable message that names the
 * field (and never echoes the value).
 */
import { sidebarApi } from '../../src/api';
import type { ServerApi } from '../../src/api';

/** Untyped on purpose: these tests send what a tampered sidebar could. */
const jobsApi = sidebarApi as unknown as {
  [K in keyof ServerApi]: (...args: unknown[]) => ReturnType<ServerApi[K]>;
};
import { errorOf, installFakeGas } from './fake-gas';
import { SOURCES } from '../../src/connectors/registry';

/** Any registered source: these checks happen before a connector is involved. */
const SOURCE = SOURCES[0].id;

const OWNER = 'owner@northwind.example';

describe('mapping functions for the sidebar', () => {
  beforeEach(() => {
    installFakeGas({ user: OWNER, editors: [OWNER] });
  });

  it.each([
    [() => jobsApi.assignClient({ source: SOURCE, companyId: '1' }), 'Client mapping: Customer is missing'],
    [() => jobsApi.assignClient(SOURCE), 'Client mapping: '],
    [() => jobsApi.unassignClient({ source: '', customerId: 'c1' }), 'Client: Source is missing'],
    [() => jobsApi.confirmClients('everyone'), 'Clients to confirm: '],
    [
      () =>
        jobsApi.saveClientOverrides({
          source: SOURCE,
          customerId: 'c1',
          overrides: { invoiceBehaviour: 'weekly' },
        }),
      'Client settings: Invoice behaviour must be one of new, latest, recurring',
    ],
    [
      () =>
        jobsApi.saveClientOverrides({
          source: SOURCE,
          customerId: 'c1',
          overrides: { targetInvoiceId: '<img src=x>' },
        }),
      'Client settings: Target invoice must be an invoice id',
    ],
    [() => jobsApi.assignProduct({ source: SOURCE, productId: '1' }), 'Product mapping: SKU is missing'],
    [
      () => jobsApi.linkContract({ source: SOURCE, customerId: 'c1' }),
      'Contract link: PSA contract is missing',
    ],
    [
      () => jobsApi.setContractProrate({ contractId: '9', prorate: 'sometimes' }),
      "Contract proration: Proration must be 'on', 'off' or 'inherit'",
    ],
    [
      () =>
        jobsApi.createMissingInPsa({ source: SOURCE, customerId: 'c1', companyId: null, month: '2026-10' }),
      'Create in the PSA: Customer name is missing',
    ],
    [
      () => jobsApi.showGridRow({ month: 'October', row: 3 }),
      'Row to show: Billing month must look like 2026-10',
    ],
    [() => jobsApi.showGridRow({ month: '2026-10', row: 1 }), 'Row to show: '],
    [() => jobsApi.getPushStatus('last month'), 'Billing month: Billing month must look like 2026-10'],
    [() => jobsApi.listProductMappings('2026/10'), 'Billing month: Billing month must look like 2026-10'],
    [() => jobsApi.dryRunPush('2026-10', { limit: -1 }), 'Dry run options: '],
  ])('rejects malformed arguments with a readable message (%#)', (fn, message) => {
    const error = errorOf(fn);
    expect(error.startsWith(message)).toBe(true);
    expect(error).not.toContain('<img');
  });
});
