import { fill } from '../dom';
/**
 * Long server steps (pull, refresh, push): the call runs as one execution while the sidebar polls
 * getJobProgress in parallel and moves a progress bar.
 */
import { call } from '../rpc';
import { createProgress } from './progress';

export async function withProgress<T>(
  container: HTMLElement,
  label: string,
  work: () => Promise<T>,
): Promise<T> {
  const progress = createProgress(label);
  progress.set(null, label);
  fill(container, progress.element);
  let done = false;
  const poll = async () => {
    while (!done) {
      await new Promise((r) => window.setTimeout(r, 1000));
      if (done) break;
      try {
        const p = await call('getJobProgress');
        if (!done && p && p.total > 0) progress.set(p.done / p.total, `${p.step} (${p.done} of ${p.total})`);
      } catch {
        // Progress is a nicety; the step's own result or error is what counts.
      }
    }
  };
  void poll();
  try {
    return await work();
  } finally {
    done = true;
    progress.element.remove();
  }
}
