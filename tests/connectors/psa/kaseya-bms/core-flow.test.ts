/**
 * A Kaseya month as the jobs layer runs it, through core's own functions, under every BMS variant but the
 * default one (whose month runs in the shared contract suite, tests/contract/psa-target.test.ts, and whose
 * nightly device-count change runs through the built bundle in bundle-month.test.ts):
 * Datto RMM device counts (two sites of one client: one-to-many) → keys → readBilling → reconcile → push plan →
 * applyAll on BMS; then nothing to do and no mutating request; then a device added in Datto RMM is pushed as
 * exactly one change, and then nothing again.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_API_KEY, DEMO_API_SECRET, type DattoDevice } from '../../../../local/sandbox/datto-rmm/fixture';
import type { DattoState } from '../../../../local/sandbox/datto-rmm/server';
import {
  DEFAULT_VARIANTS,
  LINE_VARIANTS,
  SERVICE,
  accountIdOf,
  contractIdOf,
  demoFixture,
} from '../../../../local/sandbox/kaseya-bms/fixture';
import type { BmsState } from '../../../../local/sandbox/kaseya-bms/server';
import { assignLineKeys } from '../../../../src/core/line-key';
import type { Mappings } from '../../../../src/core/mapping';
import { buildPushPlan, keyedStep } from '../../../../src/core/push-plan';
import { reconcile } from '../../../../src/core/reconcile';
import { defaultBillingSettings } from '../../../../src/core/settings';
import { mappingTargetResolver } from '../../../../src/core/targets';
import {
  KASEYA_BMS_CAPABILITIES,
  memoryLineRecordStore,
  memoryTenantFacts,
  type LineRecordStore,
  type TenantFacts,
} from '../../../../src/connectors/psa/kaseya-bms';
import {
  DEFAULT_BILLING_TYPES,
  createDattoRmmSource,
  dattoRmmHttpPolicy,
} from '../../../../src/connectors/sources/datto-rmm';
import { stopGasHttp, testHttp } from '../../sources/support/gas-http';
import { connect, isMutation } from './support';

const DATTO = 'https://zinfandel-api.centrastage.net';
const OCTOBER = { month: '2026-10', start: '2026-10-01', end: '2026-10-31' };
const PRICES: Record<string, [number, number]> = {
  workstations: [12, 3],
  servers: [45, 8],
  'network-devices': [6, 1],
};
const SERVICE_OF: Record<string, number> = {
  'DATTO-RMM-WORKSTATIONS': SERVICE.rmmWorkstation,
  'DATTO-RMM-SERVERS': SERVICE.rmmServer,
  'DATTO-RMM-NETWORK-DEVICES': SERVICE.rmmNetwork,
};
const ACME = String(accountIdOf('c01'));
const BLUE = String(accountIdOf('c03'));
const SITES: Record<string, string> = {
  'site-acme-hq': ACME,
  'site-acme-north': ACME,
  'site-blueharbor': BLUE,
};

const OTHER_VARIANTS = LINE_VARIANTS.filter(
  (v) => v.lineRead !== DEFAULT_VARIANTS.lineRead || v.lineUpdate !== DEFAULT_VARIANTS.lineUpdate,
);

describe.each(OTHER_VARIANTS.map((v, i) => [`${v.lineRead} / ${v.lineUpdate}`, v, i] as const))(
  'a Kaseya month with core reconcile, variant %s',
  (_label, variant) => {
    let sb: RunningSandboxes;
    beforeAll(async () => {
      sb = await startSandboxes([
        { kind: 'datto-rmm' },
        { kind: 'kaseya-bms', fixture: demoFixture(variant) },
      ]);
    });
    afterAll(async () => {
      await sb.stop();
      stopGasHttp();
    });

    const reads = variant.lineRead === 'contract-detail';
    const store: LineRecordStore = memoryLineRecordStore();
    const facts: TenantFacts = memoryTenantFacts();
    const bms = () => connect(sb.urls['kaseya-bms'], { lineStore: store, facts }).target;
    const pull = () => {
      const t = testHttp(dattoRmmHttpPolicy, { [DATTO]: sb.urls['datto-rmm'] });
      const source = createDattoRmmSource(
        { apiUrl: DATTO, apiKey: DEMO_API_KEY, apiSecret: DEMO_API_SECRET },
        t.http,
        {
          billingTypes: DEFAULT_BILLING_TYPES.map((r) => ({
            ...r,
            unitPrice: PRICES[r.id][0],
            unitCost: PRICES[r.id][1],
          })),
        },
      );
      const { lines, problems } = source.pullPeriod(OCTOBER);
      expect(problems).toEqual([]);
      return assignLineKeys(lines.filter((l) => SITES[l.customerId])).lines;
    };

    it('pushes the month, converges, then pushes exactly a device-count change', async () => {
      // With a read path, the contracts BMS already has (lines made by hand); without one, contracts BillGrid
      // creates, since it can only vouch for lines it added itself.
      const contractOf: Record<string, string> = reads
        ? { [ACME]: String(contractIdOf('c01')), [BLUE]: String(contractIdOf('c03')) }
        : Object.fromEntries(
            [ACME, BLUE].map((a) => [
              a,
              bms().createContract({
                companyId: a,
                name: 'Managed devices',
                reference: `BG-k-${a}`,
                startDate: '2026-10-01',
              }).id,
            ]),
          );
      const mappings: Mappings = {
        clients: Object.entries(SITES).map(([site, account]) => ({
          source: 'datto-rmm',
          customerId: site,
          customerName: site,
          companyId: account,
          status: 'confirmed' as const,
          score: null,
        })),
        products: Object.entries(SERVICE_OF).map(([sku, id]) => ({
          source: 'datto-rmm',
          sku,
          productId: String(id),
          status: 'confirmed' as const,
        })),
        contracts: Object.entries(SITES).map(([site, account]) => ({
          source: 'datto-rmm',
          customerId: site,
          subscriptionId: '',
          contractId: contractOf[account],
        })),
      };
      const resolver = mappingTargetResolver(mappings, defaultBillingSettings());
      const plan = () => {
        const lines = pull();
        const scope = {
          periodStart: OCTOBER.start,
          periodEnd: OCTOBER.end,
          companyIds: [ACME, BLUE],
          contractIds: Object.values(contractOf),
          lineKeys: lines.map((l) => l.key),
        };
        const r = reconcile({
          lines,
          state: bms().readBilling(scope),
          resolver,
          capabilities: KASEYA_BMS_CAPABILITIES,
          psaCurrency: 'USD',
        });
        return { actions: r.actions, plan: buildPushPlan(r.actions, new Set(lines.map((l) => l.key))) };
      };
      const unitsOf = (s: BmsState, account: string, service: number): number[] =>
        s.lines
          .filter((l) => l.ContractId === Number(contractOf[account]) && l.ServiceId === service)
          .map((l) => l.Units);

      // October: ACME's two sites count together (one account ← many organisations).
      const first = plan();
      const outcomes = bms().applyAll(first.plan.steps.map(keyedStep));
      const s1 = await sb.admin('kaseya-bms').state<BmsState>();
      expect(unitsOf(s1, ACME, SERVICE.rmmNetwork)).toEqual([3]);
      expect(unitsOf(s1, BLUE, SERVICE.rmmServer)).toEqual([4]);
      expect(unitsOf(s1, ACME, SERVICE.rmmServer)).toEqual([3]); // 2 servers at HQ + the ESXi host
      const changes = reads && variant.lineUpdate === 'none';
      // Changing hand-made lines needs an update route; without it those steps say what to set by hand.
      expect(unitsOf(s1, ACME, SERVICE.rmmWorkstation)).toEqual([changes ? 24 : 28]);
      expect(unitsOf(s1, BLUE, SERVICE.rmmWorkstation)).toEqual([changes ? 40 : 38]);
      const failed = outcomes.filter((o) => o.status === 'failed');
      expect(failed).toHaveLength(changes ? 2 : 0);
      for (const f of failed)
        expect(f).toMatchObject({ message: expect.stringMatching(/set .* by hand in BMS/) });

      // The same month again: nothing to do, no mutating request.
      await sb.admin('kaseya-bms').clearRequests();
      const second = plan();
      const pending = second.actions.filter((a) => a.action !== 'none');
      expect(pending).toHaveLength(changes ? 2 : 0);
      bms().applyAll(second.plan.steps.map(keyedStep));
      expect((await sb.admin('kaseya-bms').requests()).filter(isMutation)).toEqual([]);

      // Nightly sync: a laptop added at Acme's north clinic in Datto RMM is exactly one change.
      const d = await sb.admin('datto-rmm').state<DattoState>();
      const laptop = d.devices.find((x) => x.siteUid === 'site-acme-north' && x.deviceClass === 'device')!;
      const added: DattoDevice = { ...laptop, id: 77_777, uid: 'dev-new-laptop', hostname: 'NORTH-NEW' };
      await sb.admin('datto-rmm').setState({ ...d, devices: [...d.devices, added] });
      await sb.admin('kaseya-bms').clearRequests();
      const third = plan();
      const moved = third.actions.filter((a) => a.action !== 'none');
      expect(moved.map((a) => [a.action, a.after?.quantity]).sort()).toEqual(
        changes
          ? [
              ['set-quantity', 29],
              ['set-quantity', 38],
            ]
          : [['set-quantity', 29]],
      );
      const synced = bms().applyAll(third.plan.steps.map(keyedStep));
      const s3 = await sb.admin('kaseya-bms').state<BmsState>();
      if (variant.lineUpdate === 'put-line') {
        expect(synced.map((o) => o.status)).toEqual(['applied']);
        expect(unitsOf(s3, ACME, SERVICE.rmmWorkstation)).toEqual([29]);
        expect((await sb.admin('kaseya-bms').requests()).filter(isMutation)).toHaveLength(1);
      } else {
        expect(synced.every((o) => o.status === 'failed')).toBe(true);
        expect(s3.lines).toEqual(s1.lines); // nothing added, nothing changed
      }
      await sb.admin('kaseya-bms').clearRequests();
      bms().applyAll(plan().plan.steps.map(keyedStep));
      expect((await sb.admin('kaseya-bms').requests()).filter(isMutation)).toEqual([]);
    });
  },
);
