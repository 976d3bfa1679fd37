/** Error banner (stays until dismissed) and toasts (vanish), both announced to screen readers. */
import { clear, h } from '../dom';

export interface Notifier {
  toast(message: string): void;
  error(message: string): void;
  clearError(): void;
}

export function createNotifier(root: HTMLElement): Notifier {
  const banner = h('div', { class: 'banner', role: 'alert', hidden: true });
  const toasts = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
  root.prepend(banner);
  root.append(toasts);
  return {
    toast(message) {
      // One at a time: the newest says what just happened.
      const t = h('div', { class: 'toast' }, message);
      toasts.replaceChildren(t);
      window.setTimeout(() => t.remove(), 4000);
    },
    error(message) {
      clear(banner);
      const close = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Dismiss' }, '×');
      close.addEventListener('click', () => {
        banner.hidden = true;
      });
      banner.append(h('span', {}, message), close);
      banner.hidden = false;
    },
    clearError() {
      banner.hidden = true;
      clear(banner);
    },
  };
}
