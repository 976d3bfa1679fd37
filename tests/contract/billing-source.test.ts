/**
 * The billing source contract, run by every registered source connector against its own sandbox, built
 * through the registry over the real HTTP path. With the period of its contract fixture
 * (local/sandbox/<id>/contract.ts):
 *  - the pull bills exactly the lines the vendor's data says (fixture rules), with no problem, and sends
 *    no request that changes anything at the vendor; a second pull gives the same lines;
 *  - a connection lost at each kind of request of the pull (before, or after, the vendor acted): a clear error or a pull that says what
 *    it could not read (never a wrong line), and the next pull is whole;
 *  - a malformed vendor record gives a per-record problem; the other customers are billed exactly;
 *  - no credential in any line, problem, error or console output, even when the vendor echoes it;
 *  - every request and answer is valid against the vendor's published spec, where specs/ has it.
 */
import type { ExpectedLine, SourceContractFixture } from '../../local/sandbox/contract';
import { startSandboxes, type RunningSandboxes } from '../../local/sandbox/framework';
import type { SourceDescriptor } from '../../src/connectors/descriptor';
import { parseRawBillingLine, type RawBillingLine } from '../../src/core/billing-line';
import type { PullResult } from '../../src/core/source';
import { buildSource } from '../../src/jobs/connections';
import type { HttpDeps } from '../../src/platform/http';
import { OpenApiSpec } from '../support/openapi';
import {
  captureConsole,
  contractConnectors,
  contractFixtureOf,
  credentialsOf,
  errorText,
  faultOf,
  interruptionsOf,
  leaked,
  sandboxHttp,
  specProblems,
} from './support';

/**
 * Registered source connectors with a sandbox that do not run this suite yet (no contract fixture).
 * Exact: the first test fails when a listed connector gains a fixture or an unlisted one has none.
 */
const NOT_YET_THROUGH_THE_SUITE: readonly string[] = [];

const { ready, without } = contractConnectors('source');

it('every sandboxed source connector runs the contract suite, or is listed as not yet', () => {
  expect([...without].sort()).toEqual([...NOT_YET_THROUGH_THE_SUITE].sort());
});

/** Lines reduced to the fields the fixture fixes, in a stable order, for comparison. */
function shown(lines: readonly (RawBillingLine | ExpectedLine)[], fields: readonly string[]): string[] {
  return lines
    .map((l) => JSON.stringify(fields.map((f) => (l as Record<string, unknown>)[f] ?? null)))
    .sort();
}

describe.each(ready.map((c) => [c.id, c as SourceDescriptor] as const))(
  '%s as a billing source',
  (id, descriptor) => {
    const fx = contractFixtureOf(id) as SourceContractFixture;
    const { creds, secrets } = credentialsOf(descriptor);
    const said: string[] = [];
    let sb: RunningSandboxes;
    let httpDeps: HttpDeps;
    let console_: ReturnType<typeof captureConsole>;
    let expected: ExpectedLine[];
    let fields: string[];
    const admin = () => sb.admin(id);

    beforeAll(async () => {
      sb = await startSandboxes([{ kind: id }]);
      httpDeps = sandboxHttp(sb.urls);
      console_ = captureConsole();
      expected = fx.expected(await admin().state());
      fields = [...new Set(expected.flatMap((l) => Object.keys(l)))].sort();
    });
    afterAll(async () => {
      console_.restore();
      await sb.stop();
    });
    beforeEach(() => admin().reset());

    /** One pull of the period as the jobs run it: the result, or the error that stopped it. */
    function pull(credentials = creds): { result?: PullResult; error?: unknown } {
      try {
        const result = buildSource(id, credentials, { httpDeps }).pullPeriod(fx.period);
        said.push(JSON.stringify(result));
        return { result };
      } catch (error) {
        said.push(errorText(error));
        return { error };
      }
    }

    it('bills exactly what the vendor’s data says, changes nothing there, and a second pull is the same', async () => {
      expect(expected.length).toBeGreaterThan(0);
      const first = pull();
      expect(first.error).toBeUndefined();
      expect(first.result?.problems).toEqual([]);
      const lines = first.result?.lines ?? [];
      expect(shown(lines, fields)).toEqual(shown(expected, fields));
      for (const l of lines) expect(parseRawBillingLine(l)).toMatchObject({ ok: true });
      expect(lines.every((l) => l.source === id)).toBe(true);
      const log = await admin().requests();
      expect(log.filter((r) => fx.isMutation(r))).toEqual([]);

      const second = pull();
      expect(second.result?.lines).toEqual(lines);
    });

    it('a connection lost at each kind of request (before or after the vendor acted): a clear error or a pull that says what is missing; the next pull is whole', async () => {
      pull();
      // Reads change nothing, so a read lost before or after the vendor answered is the same to the
      // client: one case per kind of request (path with its ids blanked), both modes only for the others.
      const seen = new Set<string>();
      const cases = interruptionsOf(await admin().requests(), (r) => {
        const shape = `${r.method} ${r.path.replace(/[^/]*\d[^/]*/g, ':id')}`;
        if (seen.has(shape)) return false;
        seen.add(shape);
        return true;
      }).filter((x) => x.mode === 'lost-before' || x.method !== 'GET');
      expect(cases.length).toBeGreaterThan(0);
      const want = shown(expected, fields);
      const wrong: string[] = [];
      for (const x of cases) {
        const label = `${x.mode} ${x.method} ${x.path} #${x.after + 1}`;
        await admin().reset();
        await admin().faults([faultOf(x)]);
        const hit = pull();
        const reached = (await admin().requests()).filter(
          (r) => r.method === x.method && r.path.startsWith(x.path),
        );
        if (reached.length <= x.after) wrong.push(`${label}: the pull never sent that request`);
        if (hit.error) {
          if (!(hit.error instanceof Error) || !hit.error.message.trim())
            wrong.push(`${label}: an error without words`);
        } else {
          const got = shown(hit.result?.lines ?? [], fields);
          const extra = got.filter((l) => !want.includes(l));
          if (extra.length)
            wrong.push(`${label}: billed lines the vendor does not have: ${extra.join(', ')}`);
          if (got.length < want.length && !hit.result?.problems.length)
            wrong.push(`${label}: ${want.length - got.length} lines missing and no problem said so`);
        }
        const next = pull();
        if (next.error) wrong.push(`${label}: the next pull failed: ${errorText(next.error)}`);
        else if (JSON.stringify(shown(next.result?.lines ?? [], fields)) !== JSON.stringify(want))
          wrong.push(`${label}: the next pull is not whole`);
      }
      expect(wrong).toEqual([]);
    });

    it.each(fx.malformed.map((m) => [m.name, m] as const))(
      'a malformed vendor record (%s) is a problem of that record; every other customer is billed exactly',
      async (_name, m) => {
        const state = await admin().state();
        const spoiled = m.spoil(state, '');
        expect(spoiled).not.toBeNull();
        await admin().setState(state);
        const run = pull();
        expect(run.error).toBeUndefined();
        const problems = run.result?.problems ?? [];
        expect(
          problems.filter(
            (p) =>
              p.recordId === spoiled?.recordId ||
              (!!spoiled?.customerId && p.customerId === spoiled.customerId),
          ),
        ).not.toEqual([]);
        for (const p of problems) expect(p.message.trim()).not.toBe('');
        const got = shown(run.result?.lines ?? [], fields);
        const want = shown(expected, fields);
        // Never a wrong line: everything billed is a line the vendor's data has.
        expect(got.filter((l) => !want.includes(l))).toEqual([]);
        // Customers without the spoiled record are billed exactly.
        const others = (ls: readonly (RawBillingLine | ExpectedLine)[]) =>
          shown(
            ls.filter((l) => l.customerId !== spoiled?.customerId),
            fields,
          );
        expect(others(run.result?.lines ?? [])).toEqual(others(expected));
      },
    );

    it('never shows a credential: a wrong secret, and a vendor that echoes the credentials in its error', async () => {
      const secretFields = descriptor.fields.filter((f) => f.exposure === 'secret').map((f) => f.name);
      expect(secretFields.length).toBeGreaterThan(0);
      const wrong = { ...creds };
      for (const f of secretFields) wrong[f] = `wrong-${f}-0f9e8d7c6b`;
      const rejected = pull(wrong);
      expect(rejected.result?.lines ?? []).toEqual([]);
      const text = rejected.error ? errorText(rejected.error) : JSON.stringify(rejected.result);
      expect(leaked(text, [...secrets, ...secretFields.map((f) => wrong[f])])).toEqual([]);

      await admin().faults([{ status: 400, times: 1000, body: { error: 'Bad request', echo: creds } }]);
      const echoed = pull();
      expect(echoed.result?.lines ?? []).toEqual([]);
      expect(leaked(echoed.error ? errorText(echoed.error) : JSON.stringify(echoed.result), secrets)).toEqual(
        [],
      );
      await admin().clearFaults();
    });

    if (fx.spec) {
      const spec = new OpenApiSpec(fx.spec);
      it(`sends only requests its published spec describes (specs/${fx.spec.file}), and gets valid answers`, async () => {
        pull();
        const log = await admin().requests();
        expect(log.length).toBeGreaterThan(0);
        expect(specProblems(spec, log)).toEqual([]);
      });
    }

    it('said nothing, in any line, problem, error or console line of this suite, that carries a credential', () => {
      expect(said.length).toBeGreaterThan(0);
      expect(leaked([...said, console_.text()].join('\n'), secrets)).toEqual([]);
    });
  },
);
