/**
 * The ConnectWise tenant-check probes (read-only) against the sandbox under each paging variant: they
 * report the paging style the site answers, a refused clientId, and a site without agreement types.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { demoFixture, type CwState } from '../../../../local/sandbox/connectwise/fixture';
import { descriptor } from '../../../../src/connectors/psa/connectwise/descriptor';
import { connect, isMutation } from './support';

async function probe(fixture: CwState, config: Record<string, unknown> = {}) {
  const sb: RunningSandboxes = await startSandboxes([{ kind: 'connectwise', fixture }]);
  try {
    const { target, reads } = connect(sb.urls.connectwise, config);
    const out = Object.fromEntries(
      descriptor.probes.map((p) => {
        const r = p.run(target, { credentials: {} as never, http: reads });
        return [p.id, r];
      }),
    );
    expect((await sb.admin('connectwise').requests()).filter(isMutation)).toEqual([]);
    return out;
  } finally {
    await sb.stop();
  }
}

describe('ConnectWise tenant-check probes', () => {
  it('confirm every assumption on the demo site (forward-only paging)', async () => {
    const r = await probe(demoFixture());
    expect(r['connectwise.paging']).toMatchObject({
      status: 'confirmed',
      detail: expect.stringMatching(/pageId/),
    });
    expect(r['connectwise.client-id'].status).toBe('confirmed');
    expect(r['connectwise.agreement-types']).toMatchObject({
      status: 'confirmed',
      detail: expect.stringMatching(/Managed Services/),
    });
  });

  it('tell page-number paging from a site that sends no Link at all', async () => {
    expect((await probe(demoFixture({ paging: 'navigable' })))['connectwise.paging']).toMatchObject({
      status: 'confirmed',
      detail: expect.stringMatching(/page number/),
    });
    expect((await probe(demoFixture({ paging: 'no-link' })))['connectwise.paging'].status).toBe('differs');
  });

  it('report a refused clientId and a site without an active agreement type', async () => {
    const f = demoFixture();
    f.agreementTypes = f.agreementTypes.map((t) => ({ ...t, inactiveFlag: true }));
    expect((await probe(f))['connectwise.agreement-types'].status).toBe('differs');
    // A site that says the clientId is the problem (400) differs; a bare 401 leaves it unchecked.
    const refused = await probe(demoFixture({ clientIdMissing: 400 }), { clientId: 'someone-else' });
    expect(refused['connectwise.client-id'].status).toBe('differs');
    expect(refused['connectwise.client-id'].detail).not.toContain('someone-else');
    const unknown = await probe(demoFixture({ clientIdMissing: 401 }), { clientId: 'someone-else' });
    expect(unknown['connectwise.client-id'].status).toBe('unchecked');
  });
});
