/** A progress bar for long steps the sidebar polls (pull, reconcile, push). */
import { h } from '../dom';

export interface Progress {
  element: HTMLElement;
  /** fraction in [0, 1], or null for "working…" without a known end. */
  set(fraction: number | null, label: string): void;
}

export function createProgress(label: string): Progress {
  const bar = h('div', { class: 'progress-bar' });
  const text = h('div', { class: 'progress-label' }, label);
  const track = h(
    'div',
    { class: 'progress', role: 'progressbar', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': 100 },
    bar,
  );
  const element = h('div', { class: 'progress-wrap' }, track, text);
  const progress: Progress = {
    element,
    set(fraction, message) {
      text.textContent = message;
      if (fraction === null) {
        track.removeAttribute('aria-valuenow');
        track.classList.add('indeterminate');
        bar.style.width = '30%';
      } else {
        const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
        track.classList.remove('indeterminate');
        track.setAttribute('aria-valuenow', String(pct));
        bar.style.width = `${pct}%`;
      }
    },
  };
  progress.set(0, label);
  return progress;
}

/**
 * Calls `step` until it reports done, updating the bar between calls. Each call is a short server
 * execution, so long jobs stay under Apps Script's time limit and the user sees progress.
 */
export async function pollUntilDone<T extends { done: boolean; fraction: number | null; message: string }>(
  progress: Progress,
  step: () => Promise<T>,
  intervalMs = 1000,
): Promise<T> {
  for (;;) {
    const status = await step();
    progress.set(status.done ? 1 : status.fraction, status.message);
    if (status.done) return status;
    await new Promise((r) => window.setTimeout(r, intervalMs));
  }
}
