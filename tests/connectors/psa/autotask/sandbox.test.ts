import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
  DEMO_INTEGRATION_CODE,
  DEMO_SECRET,
  DEMO_USER,
  demoFixture,
  recurringContractIdOf,
  type AtState,
} from '../../../../local/sandbox/autotask/fixture';

type Rec = Record<string, unknown>;
interface Page {
  items: Rec[];
  pageDetails: {
    count: number;
    requestCount: number;
    nextPageUrl: string | null;
    prevPageUrl: string | null;
  };
}

const AUTH = { ApiIntegrationCode: DEMO_INTEGRATION_CODE, UserName: DEMO_USER, Secret: DEMO_SECRET };

describe('Autotask sandbox', () => {
  let sb: RunningSandboxes;
  let root: string;
  beforeAll(async () => {
    sb = await startSandboxes([
      { kind: 'autotask' },
      {
        kind: 'autotask',
        name: 'tiny',
        fixture: { ...demoFixture(), limits: { hourlyRequests: 3, threadsPerEndpoint: 3 } },
      },
    ]);
    root = `${sb.urls.autotask}/atservicesrest/v1.0`;
  });
  afterAll(() => sb.stop());
  beforeEach(async () => {
    await sb.admin('autotask').reset();
    await sb.admin('tiny').reset();
  });

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = AUTH,
  ) => {
    const res = await fetch(path.startsWith('http') ? path : `${root}/${path}`, {
      method,
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : undefined) as Rec };
  };
  const query = async (entity: string, filter: unknown[], max?: number) => {
    const r = await call('POST', `${entity}/query`, { filter, ...(max ? { MaxRecords: max } : {}) });
    expect(r.status).toBe(200);
    return r.json as unknown as Page;
  };
  const ids = (p: Page) => p.items.map((i) => i.id);

  it('answers zone discovery on the same server, without authentication', async () => {
    const r = await call('GET', `zoneInformation?user=${encodeURIComponent(DEMO_USER)}`, undefined, {});
    expect(r.status).toBe(200);
    expect(r.json.url).toBe(`${sb.urls.autotask}/atservicesrest/`);
    const unknown = await call('GET', 'zoneInformation?user=nobody%40example.com', undefined, {});
    expect(unknown.status).toBe(500);
    expect(unknown.json.errors).toEqual([expect.stringContaining('nobody@example.com')]);
  });

  it('answers a wrong secret with 401, an unknown user or a wrong integration code with 500 (F7)', async () => {
    const r = await call(
      'POST',
      'Companies/query',
      { filter: [{ op: 'gte', field: 'id', value: 0 }] },
      { ...AUTH, Secret: 'wrong' },
    );
    expect(r.status).toBe(401);
    expect(r.json.errors).toHaveLength(1);
    const noCode = await call('GET', 'Companies/101', undefined, {
      UserName: DEMO_USER,
      Secret: DEMO_SECRET,
    });
    expect(noCode.status).toBe(500);
    const wrongCode = await call(
      'POST',
      'Companies/query',
      { filter: [] },
      { ...AUTH, ApiIntegrationCode: 'X' },
    );
    expect(wrongCode.status).toBe(500);
    expect(wrongCode.json.errors).toHaveLength(1);
    const unknownUser = await call('GET', 'Companies/101', undefined, {
      ...AUTH,
      UserName: 'who@example.com',
    });
    expect(unknownUser.status).toBe(500);
  });

  it('implements the filter operators and and/or groups', async () => {
    const name = async (filter: unknown[]) =>
      (await query('Companies', filter)).items.map((i) => i.companyName);
    expect(await name([{ op: 'eq', field: 'companyName', value: 'acme dental group' }])).toEqual([
      'Acme Dental Group',
    ]);
    expect(await name([{ op: 'beginsWith', field: 'companyName', value: 'Summit' }])).toEqual([
      'Summit Physiotherapy',
      'Summit Partners',
      'Summit Partners Group',
    ]);
    expect(await name([{ op: 'contains', field: 'companyName', value: 'dental' }])).toEqual([
      'Acme Dental Group',
      'Zenith Dental',
    ]);
    expect(await name([{ op: 'in', field: 'id', value: [101, 102, 999] }])).toEqual([
      'Acme Dental Group',
      'Bäckerei Müller',
    ]);
    expect(
      (await query('Companies', [{ op: 'noteq', field: 'isActive', value: true }])).items.map((i) => i.id),
    ).toEqual([133]);
    expect(
      ids(
        await query('Companies', [
          { op: 'gt', field: 'id', value: 101 },
          { op: 'lte', field: 'id', value: 104 },
        ]),
      ),
    ).toEqual([102, 103, 104]);
    expect(ids(await query('Companies', [{ op: 'lt', field: 'id', value: 102 }]))).toEqual([101]);
    expect(
      ids(
        await query('Companies', [
          {
            op: 'or',
            items: [
              { op: 'eq', field: 'id', value: 105 },
              {
                op: 'and',
                items: [
                  { op: 'gte', field: 'id', value: 140 },
                  { op: 'exist', field: 'phone' },
                ],
              },
            ],
          },
        ]),
      ),
    ).toEqual([105, 140, 141]);
    // Dates compare as instants; exist/notExist on a nullable field.
    const rows = await query('ContractServiceUnits', [
      { op: 'eq', field: 'contractID', value: recurringContractIdOf('c01') },
      { op: 'lte', field: 'startDate', value: '2026-10-31' },
      { op: 'gte', field: 'endDate', value: '2026-10-31' },
      { op: 'notExist', field: 'approveAndPostDate' },
    ]);
    const acmeRows = demoFixture().entities.ContractServiceUnits.filter(
      (r) => r.contractID === recurringContractIdOf('c01') && r.startDate === '2026-10-01T00:00:00Z',
    );
    expect(acmeRows.length).toBeGreaterThan(1);
    expect(ids(rows)).toEqual(acmeRows.map((r) => r.id));
    expect(rows.items.every((r) => r.startDate === '2026-10-01T00:00:00Z')).toBe(true);
  });

  it('rejects bad queries with Autotask-shaped errors', async () => {
    const bad = async (body: unknown) => {
      const r = await call('POST', 'Companies/query', body);
      expect(r.status).toBe(500);
      return (r.json.errors as string[])[0];
    };
    expect(await bad({ filter: [{ op: 'eq', field: 'nope', value: 1 }] })).toMatch(/Unable to find nope/);
    expect(await bad({ filter: [{ op: 'like', field: 'id', value: 1 }] })).toMatch(/operator/);
    expect(await bad({ filter: [] })).toMatch(/filter/);
    expect(await bad({ MaxRecords: 501, filter: [{ op: 'gte', field: 'id', value: 0 }] })).toMatch(
      /MaxRecords/,
    );
    expect(
      await bad({ filter: [{ op: 'in', field: 'id', value: Array.from({ length: 501 }, (_, i) => i) }] }),
    ).toMatch(/500/);
  });

  it('returns only the IncludeFields listed (no id unless asked); has no query route for adjustments (F10)', async () => {
    const filter = [{ op: 'eq', field: 'id', value: 101 }];
    const named = await call('POST', 'Companies/query', { IncludeFields: ['companyName'], filter });
    expect(named.status).toBe(200);
    expect((named.json as unknown as Page).items).toEqual([{ companyName: expect.any(String) }]);
    const withId = await call('POST', 'Companies/query', { IncludeFields: ['id', 'companyName'], filter });
    expect((withId.json as unknown as Page).items).toEqual([{ id: 101, companyName: expect.any(String) }]);
    // Adjustments are create-only: ASP.NET's own { Message }, not Autotask's { errors }.
    const adjustments = await call('POST', 'ContractServiceAdjustments/query', { filter });
    expect(adjustments.status).toBe(405);
    expect(adjustments.json).toEqual({
      Message: "The requested resource does not support http method 'POST'.",
    });
  });

  it('pages a POST query by re-POSTing its body to next and previous page URLs; GET there is 405', async () => {
    const filter = [{ op: 'gte', field: 'id', value: 0 }];
    const first = await query('Companies', filter, 15);
    expect(first.pageDetails).toMatchObject({ count: 15, requestCount: 15, prevPageUrl: null });
    // The documented link shape: paging ids, no search part (the filter travels in the body).
    const link = new URL(first.pageDetails.nextPageUrl!);
    expect(link.pathname).toMatch(/\/Companies\/query\/next$/);
    expect([...link.searchParams.keys()]).toEqual(['paging']);
    expect(JSON.parse(link.searchParams.get('paging')!)).toEqual({
      pageSize: 15,
      previousIds: [],
      nextIds: [ids(first)[14]],
    });
    const asGet = await call('GET', first.pageDetails.nextPageUrl!);
    expect(asGet.status).toBe(405);
    expect(asGet.json).toEqual({ Message: "The requested resource does not support http method 'GET'." });
    const seen = [...ids(first)];
    let next = first.pageDetails.nextPageUrl;
    let pages = 1;
    let second: Page | null = null;
    while (next) {
      const r = await call('POST', next, { filter, MaxRecords: 15 });
      expect(r.status).toBe(200);
      const p = r.json as unknown as Page;
      second ??= p;
      seen.push(...ids(p));
      next = p.pageDetails.nextPageUrl;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(
      Array.from({ length: 41 }, (_, i) => 101 + i).filter((id) => id !== 136 && id !== 137),
    );
    const back = await call('POST', second!.pageDetails.prevPageUrl!, { filter });
    expect(ids(back.json as unknown as Page)).toEqual(ids(first));
    // GET ?search= works too and defaults to 500 records a page.
    const viaGet = await call(
      'GET',
      `Companies/query?search=${encodeURIComponent(JSON.stringify({ filter: [{ op: 'gte', field: 'id', value: 0 }] }))}`,
    );
    expect((viaGet.json as unknown as Page).items).toHaveLength(39);
    // A GET query's link carries its search and is followed with GET.
    const smallGet = await call(
      'GET',
      `Companies/query?search=${encodeURIComponent(JSON.stringify({ filter, MaxRecords: 30 }))}`,
    );
    const getNext = (smallGet.json as unknown as Page).pageDetails.nextPageUrl!;
    expect(new URL(getNext).searchParams.has('search')).toBe(true);
    const rest = await call('GET', getNext);
    expect(rest.status).toBe(200);
    expect(ids(rest.json as unknown as Page)).toEqual(seen.slice(30));
  });

  it('applies an adjustment inside the contract dates, splitting the period row', async () => {
    const contractID = recurringContractIdOf('c01');
    const first = demoFixture().entities.ContractServiceUnits.find((r) => r.contractID === contractID)!;
    const serviceID = first.serviceID as number;
    const price = first.price as number;
    const before = await query('ContractServiceUnits', [
      { op: 'eq', field: 'contractID', value: contractID },
      { op: 'eq', field: 'serviceID', value: serviceID },
      { op: 'gte', field: 'endDate', value: '2026-10-01' },
      { op: 'lte', field: 'startDate', value: '2026-11-30' },
    ]);
    const units = before.items[0].units as number;
    const r = await call('POST', 'ContractServiceAdjustments', {
      contractID,
      serviceID,
      effectiveDate: '2026-10-15',
      unitChange: 2,
      adjustedUnitPrice: 25,
    });
    expect(r.status).toBe(200);
    expect(r.json.itemId).toEqual(expect.any(Number));
    const after = await query('ContractServiceUnits', [
      { op: 'eq', field: 'contractID', value: contractID },
      { op: 'eq', field: 'serviceID', value: serviceID },
      { op: 'gte', field: 'endDate', value: '2026-10-01' },
      { op: 'lte', field: 'startDate', value: '2026-11-30' },
    ]);
    const rows = after.items
      .map((x) => [String(x.startDate).slice(0, 10), String(x.endDate).slice(0, 10), x.units, x.price])
      .sort();
    // The earlier row ends ON the effective date (documented boundary, F4): the two rows touch there.
    expect(rows).toEqual([
      ['2026-10-01', '2026-10-15', units, price],
      ['2026-10-15', '2026-10-31', units + 2, 25],
      ['2026-11-01', '2026-11-30', units + 2, 25],
    ]);
    // A second adjustment on the same date changes the row in force (the newer one), not the history.
    expect(
      (
        await call('POST', 'ContractServiceAdjustments', {
          contractID,
          serviceID,
          effectiveDate: '2026-10-15',
          unitChange: 1,
        })
      ).status,
    ).toBe(200);
    const again = await query('ContractServiceUnits', [
      { op: 'eq', field: 'contractID', value: contractID },
      { op: 'eq', field: 'serviceID', value: serviceID },
      { op: 'gte', field: 'endDate', value: '2026-10-01' },
      { op: 'lte', field: 'startDate', value: '2026-10-31' },
    ]);
    expect(
      again.items
        .map((x) => [String(x.startDate).slice(0, 10), String(x.endDate).slice(0, 10), x.units])
        .sort(),
    ).toEqual([
      ['2026-10-01', '2026-10-15', units],
      ['2026-10-15', '2026-10-31', units + 3],
    ]);
    const outside = await call('POST', 'ContractServiceAdjustments', {
      contractID,
      serviceID,
      effectiveDate: '2028-01-01',
      unitChange: 1,
    });
    expect(outside.status).toBe(500);
    expect(outside.json.errors).toEqual([expect.stringMatching(/within the contract's dates/)]);
    const below = await call('POST', 'ContractServiceAdjustments', {
      contractID,
      serviceID,
      effectiveDate: '2026-12-01',
      unitChange: -(units + 4),
    });
    expect(below.status).toBe(500);
    expect(
      (
        await call('POST', 'ContractServiceAdjustments/query', {
          filter: [{ op: 'gte', field: 'id', value: 0 }],
        })
      ).status,
    ).toBe(405);
  });

  it('creates the contract service when an adjustment names a service not on the contract', async () => {
    const contractID = recurringContractIdOf('c02');
    const r = await call('POST', 'ContractServiceAdjustments', {
      contractID,
      serviceID: 5007,
      effectiveDate: '2026-10-01',
      unitChange: 4,
    });
    expect(r.status).toBe(200);
    const cs = await query('ContractServices', [
      { op: 'eq', field: 'contractID', value: contractID },
      { op: 'eq', field: 'serviceID', value: 5007 },
    ]);
    expect(cs.items).toHaveLength(1);
    const sept = await query('ContractServiceUnits', [
      { op: 'eq', field: 'contractServiceID', value: cs.items[0].id as number },
      { op: 'lte', field: 'startDate', value: '2026-09-15' },
      { op: 'gte', field: 'endDate', value: '2026-09-15' },
    ]);
    expect(sept.items.map((x) => x.units)).toEqual([0]);
  });

  it('validates required fields on create with a 500 and Autotask-style errors', async () => {
    const r = await call('POST', `Contracts/${recurringContractIdOf('c01')}/Charges`, {
      name: 'x',
      unitQuantity: 1,
      chargeType: 1,
      billingCodeID: 29682805,
    });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ errors: ['Value does not exist for the required field datePurchased.'] });
    const company = await call('POST', 'Companies', { companyName: 'New Co' });
    expect(company.status).toBe(500);
    const state = await sb.admin('autotask').state<AtState>();
    expect(state.entities.Companies.some((c) => c.companyName === 'New Co')).toBe(false);
  });

  it('takes Material codes (useType 4) on charges and Service codes (useType 5) on services only', async () => {
    const contract = recurringContractIdOf('c01');
    const charge = (billingCodeID: number) =>
      call('POST', `Contracts/${contract}/Charges`, {
        name: 'Seats',
        datePurchased: '2026-10-01',
        unitQuantity: 1,
        chargeType: 1,
        billingCodeID,
      });
    const withService = await charge(29682802);
    expect(withService.status).toBe(500);
    expect(withService.json.errors).toEqual([
      expect.stringMatching(/useType 5.*Material code \(useType 4\)/),
    ]);
    expect((await charge(29682808)).status).toBe(500); // a work type (labour) code
    expect((await charge(29682805)).status).toBe(200);
    const service = (billingCodeID: number) =>
      call('POST', 'Services', { name: 'Seat', unitPrice: 1, periodType: 1, billingCodeID });
    const withMaterial = await service(29682805);
    expect(withMaterial.status).toBe(500);
    expect(withMaterial.json.errors).toEqual([expect.stringMatching(/Service code \(useType 5\)/)]);
    expect((await service(29682801)).status).toBe(200);
  });

  it('refuses to update a charge that has been billed', async () => {
    const contract = recurringContractIdOf('c01');
    const billed = await call('PATCH', `Contracts/${contract}/Charges`, { id: 60001, unitQuantity: 5 });
    expect(billed.status).toBe(500);
    expect(billed.json.errors).toEqual([expect.stringMatching(/billed/)]);
    const open = await call('PATCH', `Contracts/${contract}/Charges`, { id: 60002, unitQuantity: 2 });
    expect(open).toMatchObject({ status: 200, json: { itemId: 60002 } });
  });

  it('answers 429 when more than 3 threads of one integration hit one endpoint', async () => {
    await sb.admin('autotask').faults([{ match: { pathIncludes: '/Companies/' }, delayMs: 150, times: 10 }]);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        call('POST', 'Companies/query', { MaxRecords: 1, filter: [{ op: 'gte', field: 'id', value: 0 }] }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = results.find((r) => r.status === 429)!;
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((limited.json.errors as string[])[0]).toMatch(/thread/i);
  });

  it('answers 429 with Retry-After once the hourly request budget is used', async () => {
    const url = `${sb.urls.tiny}/atservicesrest/v1.0/Companies/101`;
    const statuses: number[] = [];
    let retryAfter = '';
    for (let i = 0; i < 4; i++) {
      const res = await fetch(url, { headers: AUTH });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after') ?? '';
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(3000);
  });
});
