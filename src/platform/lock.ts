/** Every pull and push runs under the document lock, so a trigger and a click never run at once. */

export class BusyError extends Error {
  constructor(what: string) {
    super(
      `Another BillGrid run is in progress on this spreadsheet; ${what} did not start. Try again in a minute.`,
    );
    this.name = 'BusyError';
  }
}

/** Waits up to `waitMs` for the lock, runs `fn`, always releases. Throws BusyError when it stays taken. */
export function withDocumentLock<T>(what: string, fn: () => T, waitMs = 10_000): T {
  const lock = LockService.getDocumentLock() ?? LockService.getScriptLock();
  if (!lock.tryLock(waitMs)) throw new BusyError(what);
  try {
    return fn();
  } finally {
    lock.releaseLock();
  }
}
