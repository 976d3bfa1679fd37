/**
 * Puts the emulator's services on globalThis so `src/` code (which uses the Apps Script globals
 * directly) can run inside a jest test. Returns a function that restores what was there before.
 */
import type { GasGlobals } from './services';

export function installGlobals(globals: GasGlobals): () => void {
  const g = globalThis as Record<string, unknown>;
  const saved = new Map<string, { had: boolean; value: unknown }>();
  for (const [name, service] of Object.entries(globals)) {
    // Keep Node's console for the test runner; the bundle's console is captured only inside loadBundle.
    if (name === 'console') continue;
    saved.set(name, { had: name in g, value: g[name] });
    g[name] = service;
  }
  return () => {
    for (const [name, prev] of saved) {
      if (prev.had) g[name] = prev.value;
      else delete g[name];
    }
  };
}
