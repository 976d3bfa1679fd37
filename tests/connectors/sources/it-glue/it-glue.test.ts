/** IT Glue source against its sandbox: configurations counted per organisation per billing type per month. */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_ITG_KEY, TYPE, demoFixture } from '../../../../local/sandbox/it-glue/fixture';
import type { ItgState } from '../../../../local/sandbox/it-glue/server';
import { parseRawBillingLine } from '../../../../src/core/billing-line';
import { keyOf, lineIdentity } from '../../../../src/core/line-key';
import {
  createItGlueSource,
  itGlueHttpPolicy,
  type ItGlueBillingType,
} from '../../../../src/connectors/sources/it-glue';
import { stopGasHttp, testHttp } from '../support/gas-http';

const HOST = 'https://api.itglue.com';
const OCTOBER = { month: '2026-10', start: '2026-10-01', end: '2026-10-31' };
const TYPES: ItGlueBillingType[] = [
  {
    id: 'workstations',
    name: 'Documented workstations',
    configurationTypeIds: [TYPE.managedWorkstation],
    unitPrice: 2,
    unitCost: 0.5,
  },
  {
    id: 'servers',
    name: 'Documented servers',
    configurationTypeNames: ['managed server'],
    unitPrice: 5,
    unitCost: 1,
  },
];

describe('IT Glue source against the sandbox', () => {
  let sb: RunningSandboxes;
  const big = demoFixture();
  for (let i = 0; i < 2500; i++)
    big.configurations.push({ ...big.configurations[0], id: String(8_000_000 + i), name: `Bulk ${i}` });
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'it-glue' }, { kind: 'it-glue', name: 'big', fixture: big }]);
  });
  afterAll(async () => {
    await sb.stop();
    stopGasHttp();
  });
  beforeEach(async () => {
    await sb.admin('it-glue').reset();
    await sb.admin('big').reset();
  });
  const source = (name = 'it-glue', key = DEMO_ITG_KEY, types = TYPES) =>
    createItGlueSource({ apiKey: key }, testHttp(itGlueHttpPolicy, { [HOST]: sb.urls[name] }).http, types);
  const counts = (lines: Array<{ customerId: string; sku: string; quantity: number }>) =>
    Object.fromEntries(lines.map((l) => [`${l.customerId} ${l.sku}`, l.quantity]));

  it('lists organisations and counts non-archived configurations per billing type, with stable keys', async () => {
    expect(
      source()
        .listCustomers()
        .map((c) => [c.id, c.name, c.status]),
    ).toEqual([
      ['3300412', 'Cedar & Pine Law', 'active'],
      ['3300413', 'Fairway Golf Club', 'active'],
      ['3300414', 'Granite Peak Realty', 'inactive'],
    ]);
    const { lines, problems } = source().pullPeriod(OCTOBER);
    expect(problems).toEqual([]);
    expect(counts(lines)).toEqual({
      '3300412 IT-GLUE-WORKSTATIONS': 55, // 2 archived not counted; printers are no billing type
      '3300412 IT-GLUE-SERVERS': 3,
      '3300413 IT-GLUE-WORKSTATIONS': 12,
      '3300413 IT-GLUE-SERVERS': 0,
      '3300414 IT-GLUE-WORKSTATIONS': 0,
      '3300414 IT-GLUE-SERVERS': 0,
    });
    for (const l of lines) expect(parseRawBillingLine(l).ok).toBe(true);
    // The evidence: the configurations counted, by name, sorted; ten listed, then how many more.
    const evidence = Object.fromEntries(lines.map((l) => [`${l.customerId} ${l.sku}`, l.evidence]));
    expect(evidence['3300412 IT-GLUE-SERVERS']).toBe(
      '3 configurations: Managed Server 56, Managed Server 57, Managed Server 58',
    );
    expect(evidence['3300413 IT-GLUE-SERVERS']).toBe('No configurations counted');
    expect(evidence['3300412 IT-GLUE-WORKSTATIONS']).toMatch(
      /^55 configurations: Managed Workstation 1, Managed Workstation 10, .*, and 45 more$/,
    );
    const keys = lines.map((l) => keyOf(lineIdentity(l)));
    expect(new Set(keys).size).toBe(lines.length);
    const s = await sb.admin('it-glue').state<ItgState>();
    s.configurations.push({ ...s.configurations[0], id: '9999999' });
    await sb.admin('it-glue').setState(s);
    const again = source().pullPeriod(OCTOBER).lines;
    expect(counts(again)['3300412 IT-GLUE-WORKSTATIONS']).toBe(56);
    expect(again.map((l) => keyOf(lineIdentity(l)))).toEqual(keys);
    const l = (await sb.admin('it-glue').requests()).find((r) => r.path === '/configurations');
    expect(l?.headers['x-api-key']).toBe(DEMO_ITG_KEY);
    expect(new URLSearchParams(l?.query).get('filter[archived]')).toBe('false');
  });

  it('reads every page: the first, then the rest together (page[size] 1000)', async () => {
    const { lines } = source('big').pullPeriod(OCTOBER);
    expect(counts(lines)['3300412 IT-GLUE-WORKSTATIONS']).toBe(2555);
    const pages = (await sb.admin('big').requests()).filter((r) => r.path === '/configurations');
    expect(pages.map((r) => new URLSearchParams(r.query).get('page[number]'))).toEqual(['1', '2', '3']);
  });

  it('a bad key in plain words, no key in it; an unpriced type reported; a malformed record reported', async () => {
    expect(() => source('it-glue', 'not-the-key').listCustomers()).toThrow(
      'IT Glue rejected the API key (401)',
    );
    const s = await sb.admin('it-glue').state<ItgState>();
    s.organizations.push({ id: '', name: 'Broken', organizationStatusName: 'Active' });
    await sb.admin('it-glue').setState(s);
    const { lines, problems } = source('it-glue', DEMO_ITG_KEY, [
      TYPES[0],
      { ...TYPES[1], unitPrice: null },
    ]).pullPeriod(OCTOBER);
    expect(lines.every((l) => l.sku === 'IT-GLUE-WORKSTATIONS')).toBe(true);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^IT Glue organisation : id/),
      expect.stringMatching(/^IT Glue billing type 'Documented servers' has no price yet/),
    ]);
  });
});
