/**
 * The registered Datto RMM descriptor: the prices per billing type a person types in Connect are checked by the
 * credential schema (a bad entry named, never a crash) and reach the source, whose month then bills exactly the
 * priced types; the sandbox module's demo credentials work through the factory.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { sandbox } from '../../../../local/sandbox/datto-rmm';
import { descriptor, pricedBillingTypes } from '../../../../src/connectors/sources/datto-rmm/descriptor';
import { sourceConnector } from '../../../../src/connectors/registry';
import { dattoRmmHttpPolicy } from '../../../../src/connectors/sources/datto-rmm';
import { stopGasHttp, testHttp } from '../support/gas-http';

const OCTOBER = { month: '2026-10', start: '2026-10-01', end: '2026-10-31' };

describe('Datto RMM descriptor', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'datto-rmm' }]);
  });
  afterAll(async () => {
    await sb.stop();
    stopGasHttp();
  });

  it('is the registry entry', () => {
    expect(sourceConnector('datto-rmm')).toBe(descriptor);
  });

  it('reads prices per billing type by name or id, cost optional; a type left out stays unpriced', () => {
    const types = pricedBillingTypes('servers = 45 / 8;\nNetwork Devices = 6');
    expect(types.map((t) => [t.id, t.unitPrice ?? null, t.unitCost ?? null])).toEqual([
      ['workstations', null, null],
      ['servers', 45, 8],
      ['network-devices', 6, 0],
    ]);
  });

  it.each([
    ['Laptops = 10 / 2', "'Laptops' is not one of Workstations, Servers, Network devices"],
    ['Servers: 45', "entry 1 ('Servers: 45') is not 'name = unit price / unit cost'"],
    ['Servers = 45; servers = 40', "'servers' is given twice"],
    ['Servers = -4', "entry 1 ('Servers = -4')"],
  ])('refuses %s with a message naming the entry', (text, message) => {
    const r = descriptor.credentials.safeParse({ ...sandbox.demoCredentials(), billingTypes: text });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain('Datto RMM billing types: ');
    expect(r.error?.issues[0]?.message).toContain(message);
  });

  it("builds the source from the sandbox module's demo credentials: every site's priced types billed", () => {
    const creds = descriptor.credentials.parse(sandbox.demoCredentials());
    const t = testHttp(dattoRmmHttpPolicy, { [creds.apiUrl]: sb.urls['datto-rmm'] });
    const source = descriptor.create(creds, { http: () => t.http, tokenStore: () => undefined });
    const { lines, problems } = source.pullPeriod(OCTOBER);
    expect(problems).toEqual([]);
    expect(lines).toHaveLength(sandbox.demoFixture().sites.length * 3);
    const hq = lines.filter((l) => l.customerId === 'site-acme-hq');
    expect(hq.map((l) => [l.sku, l.quantity, l.unitPrice, l.unitCost])).toEqual([
      ['DATTO-RMM-WORKSTATIONS', 22, 12, 3],
      ['DATTO-RMM-SERVERS', 2, 45, 8],
      ['DATTO-RMM-NETWORK-DEVICES', 3, 6, 1],
    ]);
  });
});
