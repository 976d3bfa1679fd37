/**
 * The bad-input corpus's size: the shared cases and every PSA's own bad answers (its
 * tests/connectors/psa/<id>/bad-input-hooks.ts, found by convention), at least 50 kinds in all, and each
 * PSA with hooks runs it (a PSA without hooks yet: its connector issue lists it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { sandboxedConnectors } from '../../local/sandbox/registry';
import { SHARED_CASES, type PsaBadInputHooks } from './support/bad-input-suite';

const PSA_TESTS = path.resolve(__dirname, '..', 'connectors', 'psa');
const withHooks = fs
  .readdirSync(PSA_TESTS)
  .filter((id) => fs.existsSync(path.join(PSA_TESTS, id, 'bad-input-hooks.ts')));
const hooksOf = (id: string): PsaBadInputHooks =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- hooks load by convention
  (require(path.join(PSA_TESTS, id, 'bad-input-hooks.ts')) as { hooks: PsaBadInputHooks }).hooks;

it('the corpus has at least 50 kinds of bad input', () => {
  const kinds = new Set(
    [...SHARED_CASES, ...withHooks.flatMap((id) => hooksOf(id).answers)].map((c) => c.kind),
  );
  expect(kinds.size).toBeGreaterThanOrEqual(50);
});

it('each PSA with hooks runs the corpus, and every shared case runs on at least one PSA', () => {
  const psas = sandboxedConnectors('psa').map((c) => c.id);
  expect(withHooks.filter((id) => !psas.includes(id))).toEqual([]);
  expect(withHooks.length).toBeGreaterThan(1);
  for (const id of withHooks) {
    expect(fs.existsSync(path.join(PSA_TESTS, id, 'bad-inputs.test.ts'))).toBe(true);
    expect(hooksOf(id).answers.length).toBeGreaterThan(0);
  }
  const run = new Set(withHooks.flatMap((id) => hooksOf(id).shared.map((c) => c.kind)));
  expect(SHARED_CASES.filter((c) => !run.has(c.kind)).map((c) => c.kind)).toEqual([]);
});
