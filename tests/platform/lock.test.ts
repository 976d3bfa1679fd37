import { GasRuntime, createGasEnvironment, installGlobals } from '../../local/gas';
import { BusyError, withDocumentLock } from '../../src/platform/lock';

describe('withDocumentLock', () => {
  it('runs the job under the document lock and releases it afterwards', () => {
    const runtime = GasRuntime.create();
    const env = createGasEnvironment(runtime);
    const restore = installGlobals(env.globals);
    try {
      expect(withDocumentLock('the pull', () => 42)).toBe(42);
      // Released: the same execution (or any other) can take it again at once.
      expect(env.globals.LockService.getDocumentLock().tryLock(0)).toBe(true);
    } finally {
      restore();
      env.end();
    }
  });

  it('gives up with a clear message when another execution holds the lock, and never runs the job', () => {
    const runtime = GasRuntime.create();
    const holder = createGasEnvironment(runtime);
    expect(holder.globals.LockService.getDocumentLock().tryLock(0)).toBe(true);
    const second = createGasEnvironment(runtime);
    const restore = installGlobals(second.globals);
    let ran = false;
    try {
      expect(() =>
        withDocumentLock('the push', () => {
          ran = true;
        }),
      ).toThrow(BusyError);
      expect(() => withDocumentLock('the push', () => undefined)).toThrow(
        'Another BillGrid run is in progress on this spreadsheet; the push did not start. Try again in a minute.',
      );
      expect(ran).toBe(false);
    } finally {
      restore();
      second.end();
      holder.end();
    }
  });
});
