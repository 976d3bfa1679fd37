/**
 * Locks shared by all executions of one runtime. `acquireAsync` queues the caller until the lock is
 * free or its timeout passes, which is how overlapping executions really exclude each other.
 */
interface Waiter {
  owner: string;
  resolve: (ok: boolean) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class LockTable {
  private holders = new Map<string, string>();
  private waiters = new Map<string, Waiter[]>();

  holder(key: string): string | undefined {
    return this.holders.get(key);
  }

  holds(key: string, owner: string): boolean {
    return this.holders.get(key) === owner;
  }

  /** Takes the lock if it is free (or already ours). Never waits. */
  tryAcquire(key: string, owner: string): boolean {
    const h = this.holders.get(key);
    if (h === undefined || h === owner) {
      this.holders.set(key, owner);
      return true;
    }
    return false;
  }

  acquireAsync(key: string, owner: string, timeoutMs: number): Promise<boolean> {
    if (this.tryAcquire(key, owner)) return Promise.resolve(true);
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const queue = this.waiters.get(key) ?? [];
      const waiter: Waiter = {
        owner,
        resolve,
        timer: setTimeout(() => {
          const q = this.waiters.get(key) ?? [];
          const i = q.indexOf(waiter);
          if (i >= 0) q.splice(i, 1);
          resolve(false);
        }, timeoutMs),
      };
      queue.push(waiter);
      this.waiters.set(key, queue);
    });
  }

  release(key: string, owner: string): void {
    if (this.holders.get(key) !== owner) return;
    this.holders.delete(key);
    const next = this.waiters.get(key)?.shift();
    if (next) {
      clearTimeout(next.timer);
      this.holders.set(key, next.owner);
      next.resolve(true);
    }
  }

  /** Apps Script releases an execution's locks when it ends. */
  releaseAll(owner: string): void {
    for (const [key, h] of [...this.holders]) if (h === owner) this.release(key, owner);
    for (const [key, q] of this.waiters) {
      for (const w of q.filter((x) => x.owner === owner)) {
        clearTimeout(w.timer);
        w.resolve(false);
      }
      this.waiters.set(
        key,
        q.filter((x) => x.owner !== owner),
      );
    }
  }
}
