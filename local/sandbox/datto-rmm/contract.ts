/**
 * The Datto RMM month for the shared contract suite (local/sandbox/contract.ts). Rules (Datto RMM API v2,
 * the connector's SOURCES.md): one line per site per billing type, counting the site's devices that are not
 * deleted — Workstations: class `device` not in category Server; Servers: class `device` or `esxihost` in
 * category Server or ESXi Host; Network devices: class `rmmnetworkdevice` — at the prices the demo
 * credentials give (local/sandbox/datto-rmm/index.ts). Written from those rules, not from the connector.
 */
import type { ExpectedLine, SourceContractFixture } from '../contract';
import type { DattoState } from './server';

const PERIOD = { month: '2026-10', start: '2026-10-01', end: '2026-10-31' };
type Device = DattoState['devices'][number];
const lc = (s: string | null | undefined): string => (s ?? '').toLowerCase();

const TYPES: Array<{ sku: string; price: number; cost: number; counts(d: Device): boolean }> = [
  {
    sku: 'DATTO-RMM-WORKSTATIONS',
    price: 12,
    cost: 3,
    counts: (d) => lc(d.deviceClass) === 'device' && lc(d.deviceType?.category) !== 'server',
  },
  {
    sku: 'DATTO-RMM-SERVERS',
    price: 45,
    cost: 8,
    counts: (d) =>
      ['device', 'esxihost'].includes(lc(d.deviceClass)) &&
      ['server', 'esxi host'].includes(lc(d.deviceType?.category)),
  },
  {
    sku: 'DATTO-RMM-NETWORK-DEVICES',
    price: 6,
    cost: 1,
    counts: (d) => lc(d.deviceClass) === 'rmmnetworkdevice',
  },
];

export const contract: SourceContractFixture<DattoState> = {
  kind: 'source',
  period: PERIOD,

  expected(state) {
    return state.sites.flatMap((site) =>
      TYPES.map((t): ExpectedLine => {
        const n = state.devices.filter((d) => d.siteUid === site.uid && !d.deleted && t.counts(d)).length;
        return {
          customerId: site.uid,
          sku: t.sku,
          quantity: n,
          unitCost: t.cost,
          total: Math.round(n * t.price * 100) / 100,
          currency: 'USD',
        };
      }),
    );
  },

  // The token request (OAuth password grant) changes nothing at Datto.
  isMutation: (r) => r.method !== 'GET' && !/\/auth\/oauth\/token$/i.test(r.path),

  malformed: [
    {
      name: 'a device whose class is not text',
      spoil(state) {
        const d = state.devices.find((x) => !x.deleted && x.deviceClass === 'device');
        if (!d) return null;
        (d as { deviceClass: unknown }).deviceClass = 42;
        return { customerId: d.siteUid, recordId: d.uid };
      },
    },
  ],
};
