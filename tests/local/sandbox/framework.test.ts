import { startSandboxes, type RunningSandboxes } from '../../../local/sandbox/framework';

describe('sandbox framework', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'echo', fixture: { counter: 5 } }]);
  });
  afterAll(() => sb.stop());
  beforeEach(() => sb.admin('echo').reset());

  it('serves stateful routes on a worker thread and logs requests', async () => {
    const url = sb.urls.echo;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${url}/counter/3`, { method: 'POST' })).json()).toEqual({ counter: 8 });
    expect(await (await fetch(`${url}/counter`)).json()).toEqual({ counter: 8 });
    const log = await sb.admin('echo').requests();
    expect(log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /counter/3 201',
      'GET /counter 200',
    ]);
    expect(await sb.admin('echo').state()).toEqual({ counter: 8 });
  });

  it('injects status faults with Retry-After, skipping and counting', async () => {
    const url = sb.urls.echo;
    await sb
      .admin('echo')
      .faults([{ match: { method: 'GET' }, after: 1, times: 2, status: 429, retryAfter: 7 }]);
    const statuses: number[] = [];
    let retryAfter = '';
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${url}/counter`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after') ?? '';
    }
    expect(statuses).toEqual([200, 429, 429, 200]);
    expect(retryAfter).toBe('7');
  });

  it('drops connections, before or after acting', async () => {
    const url = sb.urls.echo;
    await sb.admin('echo').faults([{ drop: true }, { dropAfterHandling: true }]);
    await expect(fetch(`${url}/counter/1`, { method: 'POST' })).rejects.toThrow();
    expect(await sb.admin('echo').state()).toEqual({ counter: 5 });
    await expect(fetch(`${url}/counter/1`, { method: 'POST' })).rejects.toThrow();
    expect(await sb.admin('echo').state()).toEqual({ counter: 6 });
  });

  it('reset reseeds the fixture and clears the log', async () => {
    await fetch(`${sb.urls.echo}/counter/10`, { method: 'POST' });
    await sb.admin('echo').reset();
    expect(await sb.admin('echo').state()).toEqual({ counter: 5 });
    expect(await sb.admin('echo').requests()).toEqual([]);
  });
});
