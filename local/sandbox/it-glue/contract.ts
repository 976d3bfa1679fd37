/**
 * The IT Glue month for the shared contract suite (local/sandbox/contract.ts). Rules (IT Glue API,
 * the connector's SOURCES.md): one line per organisation per billing type, counting the organisation's
 * configurations of the billed type that are not archived; the demo credentials bill "Managed Workstation"
 * at 2 (cost 0.5) (local/sandbox/it-glue/index.ts). Written from those rules, not from the connector.
 */
import type { ExpectedLine, SourceContractFixture } from '../contract';
import type { ItgState } from './server';

const PERIOD = { month: '2026-10', start: '2026-10-01', end: '2026-10-31' };

export const contract: SourceContractFixture<ItgState> = {
  kind: 'source',
  period: PERIOD,

  expected(state) {
    return state.organizations.map((o): ExpectedLine => {
      const n = state.configurations.filter(
        (c) => c.organizationId === o.id && !c.archived && c.configurationTypeName === 'Managed Workstation',
      ).length;
      return {
        customerId: o.id,
        sku: 'IT-GLUE-MANAGED-WORKSTATION',
        quantity: n,
        unitCost: 0.5,
        total: Math.round(n * 2 * 100) / 100,
        currency: 'USD',
      };
    });
  },

  // IT Glue is only read (x-api-key on every request, no token request).
  isMutation: (r) => r.method !== 'GET',

  malformed: [
    {
      name: 'a configuration whose type id is not a number',
      spoil(state) {
        const c = state.configurations.find((x) => !x.archived);
        if (!c) return null;
        (c as { configurationTypeId: unknown }).configurationTypeId = 'workstation';
        return { customerId: c.organizationId, recordId: c.id };
      },
    },
  ],
};
