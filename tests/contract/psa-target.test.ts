/**
 * The PSA target contract, run by every registered PSA connector against its own sandbox: the month of
 * its contract fixture (local/sandbox/<id>/contract.ts) goes through core exactly as a push does (lines →
 * targets → readBilling → reconcile → push plan → applyAll), then:
 *  - the PSA holds what the fixture's rules say, and a second push sends no mutating request;
 *  - a connection lost before, or after, every mutating request of that push, then re-runs: the PSA
 *    converges to the same final state as a clean push, with nothing duplicated;
 *  - a record BillGrid wrote coming back malformed gives that line a message, never a crash and never
 *    a second record;
 *  - no credential in any outcome, error or console output, even when the PSA echoes it;
 *  - each company is listed with the account code the PSA keeps for it (the fixture reads it from the state);
 *  - every request and answer is valid against the vendor's published spec, where specs/ has it.
 */
import type { PsaContractFixture } from '../../local/sandbox/contract';
import { startSandboxes, type LoggedRequest, type RunningSandboxes } from '../../local/sandbox/framework';
import { sourceName } from '../../src/connectors/registry';
import type { PsaDescriptor } from '../../src/connectors/descriptor';
import type { BillingLine, RawBillingLine } from '../../src/core/billing-line';
import { assignLineKeys } from '../../src/core/line-key';
import type { PushStep, StepOutcome } from '../../src/core/psa';
import { monthReadScope } from '../../src/core/read-scope';
import { buildPushPlan, keyedStep } from '../../src/core/push-plan';
import { reconcile, type ReconcileAction } from '../../src/core/reconcile';
import { mappingTargetResolver } from '../../src/core/targets';
import { buildPsa } from '../../src/jobs/connections';
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
 * Registered PSA connectors with a sandbox that do not run this suite yet (no contract fixture). Exact:
 * the first test fails when a listed connector gains a fixture or an unlisted one has none.
 */
const NOT_YET_THROUGH_THE_SUITE: readonly string[] = [];

const { ready, without } = contractConnectors('psa');

it('every sandboxed PSA connector runs the contract suite, or is listed as not yet', () => {
  expect([...without].sort()).toEqual([...NOT_YET_THROUGH_THE_SUITE].sort());
});

interface MonthRun {
  actions: ReconcileAction[];
  steps: PushStep[];
  outcomes: StepOutcome[];
  /** Set when the push stopped with an error (a transport failure after retries, as jobs see it). */
  error?: unknown;
}

describe.each(ready.map((c) => [c.id, c as PsaDescriptor] as const))(
  '%s as a PSA target',
  (id, descriptor) => {
    const fx = contractFixtureOf(id) as PsaContractFixture;
    const lines: BillingLine[] = assignLineKeys(fx.lines).lines;
    const byKey = new Map<string, RawBillingLine>(lines.map((l) => [l.key, l]));
    const { creds, secrets } = credentialsOf(descriptor);
    const said: string[] = [];
    let sb: RunningSandboxes;
    let httpDeps: HttpDeps;
    let console_: ReturnType<typeof captureConsole>;
    const admin = () => sb.admin(id);
    const mutations = (log: LoggedRequest[]) => log.filter((r) => fx.isMutation(r));

    beforeAll(async () => {
      sb = await startSandboxes([{ kind: id }]);
      httpDeps = sandboxHttp(sb.urls);
      console_ = captureConsole();
    });
    afterAll(async () => {
      console_.restore();
      await sb.stop();
    });
    beforeEach(() => admin().reset());

    /** One push of the month as the jobs run it; `known` is each row's PSA reference from earlier pushes. */
    function push(known: Record<string, string> = {}, credentials = creds): MonthRun {
      const psa = buildPsa(id, credentials, { httpDeps });
      const resolver = mappingTargetResolver(fx.mappings, fx.settings);
      const scope = monthReadScope({
        period: fx.period,
        lines,
        resolver,
        capabilities: psa.capabilities,
        knownIds: known,
      });
      let actions: ReconcileAction[] = [];
      let steps: PushStep[] = [];
      try {
        const state = psa.target.readBilling(scope);
        actions = reconcile({
          lines,
          state,
          resolver,
          capabilities: psa.capabilities,
          psaCurrency: null,
        }).actions;
        steps = buildPushPlan(actions, new Set(byKey.keys()), psa.capabilities.chargeContainer).steps.map(
          keyedStep,
        );
        for (const s of steps) s.source = sourceName(byKey.get(s.lineKeys[0])?.source ?? '');
        const outcomes = steps.length
          ? (psa.target.applyAll?.(steps) ?? steps.map((s) => psa.target.apply(s)))
          : [];
        for (const o of outcomes) said.push(o.message);
        outcomes.forEach((o, i) => {
          if (o.status !== 'failed') for (const k of steps[i].lineKeys) known[k] = o.psaId;
        });
        return { actions, steps, outcomes };
      } catch (error) {
        said.push(errorText(error));
        return { actions, steps, outcomes: [], error };
      }
    }

    /** Push until the plan is empty (at most `runs` pushes); the PSA references carried between runs. */
    function pushUntilDone(known: Record<string, string>, runs = 4): number {
      for (let n = 1; n <= runs; n++) if (push(known).steps.length === 0) return n;
      return Infinity;
    }

    it('applies the month convergently: the PSA holds what the fixture says, a second push sends nothing', async () => {
      const known: Record<string, string> = {};
      const first = push(known);
      expect(first.error).toBeUndefined();
      expect(first.actions.filter((a) => a.action === 'blocked')).toEqual([]);
      expect(first.steps.length).toBeGreaterThan(0);
      expect(first.outcomes.filter((o) => o.status === 'failed')).toEqual([]);
      expect(fx.check(await admin().state(), byKey)).toEqual([]);

      await admin().clearRequests();
      const second = push(known);
      expect(second.actions.filter((a) => a.action !== 'none')).toEqual([]);
      expect(second.steps).toEqual([]);
      expect(mutations(await admin().requests())).toEqual([]);

      // The first push's steps again (a re-run that planned before the first landed): nothing changes.
      await admin().clearRequests();
      const psa = buildPsa(id, creds, { httpDeps }).target;
      const again = psa.applyAll?.(first.steps) ?? first.steps.map((s) => psa.apply(s));
      expect(again.map((o) => o.status)).toEqual(first.steps.map(() => 'unchanged'));
      expect(mutations(await admin().requests())).toEqual([]);
    });

    it('converges to the same final state after a connection lost before or after every mutating request', async () => {
      pushUntilDone({});
      const reference = fx.billed(await admin().state());
      const log = await admin().requests();
      const cases = interruptionsOf(log, fx.isMutation);
      expect(cases.length).toBeGreaterThan(0);
      const wrong: string[] = [];
      for (const x of cases) {
        const label = `${x.mode} ${x.method} ${x.path} #${x.after + 1}`;
        await admin().reset();
        await admin().faults([faultOf(x)]);
        const known: Record<string, string> = {};
        push(known);
        // The fault must have hit: the interrupted push reached the request it was aimed at.
        const reached = (await admin().requests()).filter(
          (r) => r.method === x.method && r.path.startsWith(x.path),
        );
        if (reached.length <= x.after) wrong.push(`${label}: the push never sent that request`);
        const runs = pushUntilDone(known);
        const state = await admin().state();
        // The last run planned nothing: a further push sends no change.
        if (runs === Infinity) wrong.push(`${label}: still pushing after 4 re-runs`);
        const problems = fx.check(state, byKey);
        if (problems.length) wrong.push(`${label}: ${problems.join('; ')}`);
        else if (JSON.stringify(fx.billed(state)) !== JSON.stringify(reference))
          wrong.push(`${label}: final state differs from a clean push`);
      }
      expect(wrong).toEqual([]);
    });

    it.each(fx.malformed.map((m) => [m.name, m] as const))(
      'a malformed record BillGrid wrote (%s) gives its line a message: no crash, no second record',
      async (_name, m) => {
        const known: Record<string, string> = {};
        const first = push(known);
        // A charge carries its line key; a PSA that takes no charges (quantities only) spoils a quantity it set.
        const written = first.steps.filter((s, j) => first.outcomes[j]?.status === 'applied');
        const charge = written.find((s) => s.ref.kind === 'charge') ?? written[0];
        expect(charge).toBeDefined();
        const key = charge?.lineKeys[0] ?? '';
        const state = await admin().state();
        expect(m.spoil(state, key, byKey.get(key))).not.toBeNull();
        await admin().setState(state);
        await admin().clearRequests();
        // As a later push with the grid's references lost (the worst case: the record must be found by key).
        const run = push({});
        expect(run.error).toBeUndefined();
        const i = run.steps.findIndex((s) => s.lineKeys.includes(key));
        const action = run.actions.find((a) => a.lineKeys.includes(key));
        const message = i >= 0 ? run.outcomes[i] : action;
        // Either the step failed with a message for the line, or reconcile held the line back with a reason.
        if (i >= 0)
          expect(run.outcomes[i]).toMatchObject({ status: 'failed', message: expect.stringMatching(/\S/) });
        else expect(action).toMatchObject({ action: 'blocked', message: expect.stringMatching(/\S/) });
        expect(message).toBeDefined();
        // Other lines' outcomes are unaffected: nothing failed but the spoiled line.
        expect(run.outcomes.filter((o, j) => j !== i && o.status === 'failed')).toEqual([]);
        // Never a second record: no change request names the line key, and no new record carries it.
        const sent = mutations(await admin().requests());
        expect(sent.filter((r) => `${r.path} ${r.body}`.includes(key))).toEqual([]);
        const after = JSON.stringify(await admin().state());
        expect(after.split(key).length).toBe(JSON.stringify(state).split(key).length);
      },
    );

    it('never shows a credential: a wrong secret, and a PSA that echoes the credentials in its error', async () => {
      const secretFields = descriptor.fields.filter((f) => f.exposure === 'secret').map((f) => f.name);
      expect(secretFields.length).toBeGreaterThan(0);
      const wrong = { ...creds };
      for (const f of secretFields) wrong[f] = `wrong-${f}-0f9e8d7c6b`;
      const rejected = push({}, wrong);
      const text = [...rejected.outcomes.map((o) => o.message), errorText(rejected.error)].join('\n');
      expect(rejected.outcomes.filter((o) => o.status !== 'failed')).toEqual([]);
      expect(leaked(text, [...secrets, ...secretFields.map((f) => wrong[f])])).toEqual([]);

      // Every answer an error that repeats what the client sent, credentials included.
      await admin().faults([{ status: 400, times: 1000, body: { error: 'Bad request', echo: creds } }]);
      const echoed = push({});
      const echoedText = [...echoed.outcomes.map((o) => o.message), errorText(echoed.error)].join('\n');
      expect(leaked(echoedText, secrets)).toEqual([]);
      await admin().clearFaults();
    });

    it('lists every company with the account code the PSA keeps for it (Clients searches by it)', async () => {
      const state = await admin().state();
      await admin().clearRequests();
      const companies = buildPsa(id, creds, { httpDeps }).target.listCompanies();
      expect(companies.length).toBeGreaterThan(0);
      const codes = companies.map((c) => fx.accountCodeOf(state, c.id));
      // The sandbox gives most companies a code: the comparison below is not of nothing with nothing.
      expect(codes.filter((c) => c !== null).length).toBeGreaterThan(companies.length / 2);
      expect(companies.map((c) => c.code ?? null)).toEqual(codes);
      if (fx.spec) expect(specProblems(new OpenApiSpec(fx.spec), await admin().requests())).toEqual([]);
    });

    if (fx.spec) {
      const spec = new OpenApiSpec(fx.spec);
      it(`sends only requests its published spec describes (specs/${fx.spec.file}), and gets valid answers`, async () => {
        const known: Record<string, string> = {};
        push(known);
        push(known);
        const log = await admin().requests();
        expect(log.length).toBeGreaterThan(0);
        expect(specProblems(spec, log)).toEqual([]);
      });
    }

    it('said nothing, in any outcome, error or console line of this suite, that carries a credential', () => {
      expect(said.length).toBeGreaterThan(0);
      expect(leaked([...said, console_.text()].join('\n'), secrets)).toEqual([]);
    });
  },
);
