/**
 * The registered IT Glue descriptor: each configuration type named in Connect with its price becomes a billing
 * type counting that type's non-archived configurations; a bad entry is refused by the credential schema.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { sandbox } from '../../../../local/sandbox/it-glue';
import { billingTypesFrom, descriptor } from '../../../../src/connectors/sources/it-glue/descriptor';
import { sourceConnector } from '../../../../src/connectors/registry';
import { itGlueHttpPolicy } from '../../../../src/connectors/sources/it-glue';
import { stopGasHttp, testHttp } from '../support/gas-http';

const OCTOBER = { month: '2026-10', start: '2026-10-01', end: '2026-10-31' };

describe('IT Glue descriptor', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'it-glue' }]);
  });
  afterAll(async () => {
    await sb.stop();
    stopGasHttp();
  });

  it('is the registry entry', () => {
    expect(sourceConnector('it-glue')).toBe(descriptor);
  });

  it('turns each priced configuration type into a billing type with a stable id', () => {
    expect(billingTypesFrom('Managed Workstation = 2 / 0.5; Managed Server = 5')).toEqual([
      {
        id: 'managed-workstation',
        name: 'Managed Workstation',
        configurationTypeNames: ['Managed Workstation'],
        unitPrice: 2,
        unitCost: 0.5,
      },
      {
        id: 'managed-server',
        name: 'Managed Server',
        configurationTypeNames: ['Managed Server'],
        unitPrice: 5,
        unitCost: 0,
      },
    ]);
  });

  it('refuses an entry that does not read, naming it', () => {
    const r = descriptor.credentials.safeParse({ ...sandbox.demoCredentials(), billingTypes: 'Servers 5' });
    expect(r.error?.issues[0]?.message).toContain("IT Glue billing types: entry 1 ('Servers 5')");
  });

  it("builds the source from the sandbox module's demo credentials: configurations of the priced type", () => {
    const creds = descriptor.credentials.parse(sandbox.demoCredentials());
    const t = testHttp(itGlueHttpPolicy, { 'https://api.itglue.com': sb.urls['it-glue'] });
    const source = descriptor.create(creds, { http: () => t.http, tokenStore: () => undefined });
    const { lines, problems } = source.pullPeriod(OCTOBER);
    expect(problems).toEqual([]);
    expect(lines.map((l) => [l.customerId, l.sku, l.quantity, l.unitPrice])).toEqual([
      ['3300412', 'IT-GLUE-MANAGED-WORKSTATION', 55, 2],
      ['3300413', 'IT-GLUE-MANAGED-WORKSTATION', 12, 2],
      ['3300414', 'IT-GLUE-MANAGED-WORKSTATION', 0, 2],
    ]);
  });
});
