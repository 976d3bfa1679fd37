/**
 * LockService. Locks live in the runtime's LockTable, shared by every execution of that runtime.
 * In the multi-execution host, tryLock/waitLock use their async twins: the host answers only when the
 * lock is free or the timeout passed, so overlapping executions really exclude each other.
 * In-process (one thread) a lock held by another execution cannot be waited for: the timeout is
 * counted as modelled time and the lock is not obtained.
 */
import { EmuObject, GAS_CLASS, type Ctx } from './service';
import { GasError } from './execution';
import type { Emulates } from './emulates';

type Lock = GoogleAppsScript.Lock.Lock;
type LockService = GoogleAppsScript.Lock.LockService;

export const LOCK_TIMEOUT_MESSAGE = 'Lock timeout: another process was holding the lock for too long.';

export class EmuLock
  extends EmuObject
  implements Emulates<Lock, 'hasLock' | 'releaseLock' | 'tryLock' | 'waitLock'>
{
  readonly [GAS_CLASS] = 'LockService.Lock';
  constructor(
    ctx: Ctx,
    private readonly _key: string,
  ) {
    super(ctx);
  }

  private _validate(ms: number): number {
    const t = Number(ms);
    if (!Number.isFinite(t) || t < 0) throw new GasError('Invalid argument: timeoutInMillis');
    // Apps Script caps lock waits at 300 s.
    return Math.min(t, 300_000);
  }

  hasLock(): boolean {
    return this._ctx.rt.locks.holds(this._key, this._ctx.exec.id);
  }
  releaseLock(): void {
    this._ctx.rt.locks.release(this._key, this._ctx.exec.id);
  }
  tryLock(timeoutInMillis: number): boolean {
    const t = this._validate(timeoutInMillis);
    const ok = this._ctx.rt.locks.tryAcquire(this._key, this._ctx.exec.id);
    if (!ok) this._ctx.exec.addMs(t);
    return ok;
  }
  waitLock(timeoutInMillis: number): void {
    if (!this.tryLock(timeoutInMillis)) throw new GasError(LOCK_TIMEOUT_MESSAGE);
  }

  async tryLockAsync(timeoutInMillis: number): Promise<boolean> {
    const t = this._validate(timeoutInMillis);
    const started = Date.now();
    const ok = await this._ctx.rt.locks.acquireAsync(this._key, this._ctx.exec.id, t);
    this._ctx.exec.addMs(Date.now() - started);
    return ok;
  }
  async waitLockAsync(timeoutInMillis: number): Promise<void> {
    if (!(await this.tryLockAsync(timeoutInMillis))) throw new GasError(LOCK_TIMEOUT_MESSAGE);
  }
}

export class EmuLockService
  extends EmuObject
  implements Emulates<LockService, 'getDocumentLock' | 'getScriptLock' | 'getUserLock'>
{
  readonly [GAS_CLASS] = 'LockService';
  getDocumentLock(): EmuLock {
    return new EmuLock(this._ctx, `document:${this._ctx.rt.state.activeSpreadsheetId}`);
  }
  getScriptLock(): EmuLock {
    return new EmuLock(this._ctx, 'script');
  }
  getUserLock(): EmuLock {
    return new EmuLock(this._ctx, `user:${this._ctx.exec.user}`);
  }
}
