import { manualModeGate } from '../../src/core/manual-mode';
import type { ReconcileAction } from '../../src/core/reconcile';

const blocked = (key: string, reason: ReconcileAction['reason']): ReconcileAction => ({
  action: 'blocked',
  ref: null,
  lineKeys: [key],
  psaId: null,
  before: null,
  after: null,
  reason,
  codes: null,
  message: `blocked ${key}`,
});

const lines: Record<string, { source: string; sku: string; productName: string; description: string }> = {
  a: { source: 's2', sku: 'B', productName: 'Backup', description: '' },
  b: { source: 's1', sku: 'Z', productName: '', description: 'Zed seats' },
  c: { source: 's1', sku: 'Z', productName: '', description: 'Zed seats' },
  d: { source: 's1', sku: 'Q', productName: 'Quota', description: '' },
};

describe('manual product mode gate', () => {
  it('lists each unmapped product of approved lines once, in a stable order, with its line count', () => {
    const actions = [
      blocked('a', 'manual-product'),
      blocked('b', 'manual-product'),
      blocked('c', 'manual-product'),
    ];
    const gate = manualModeGate(actions, new Set(['a', 'b', 'c']), (k) => lines[k]);
    expect(gate?.productsToMap).toEqual([
      { source: 's1', sku: 'Z', description: 'Zed seats', lines: 2 },
      { source: 's2', sku: 'B', description: 'Backup', lines: 1 },
    ]);
    expect(gate?.message).toMatch(/2 product\(s\) .*'Z', 'B'/);
  });

  it('ignores lines that are not approved and lines blocked for other reasons', () => {
    const actions = [blocked('a', 'manual-product'), blocked('d', 'unmapped-client')];
    expect(manualModeGate(actions, new Set(['d']), (k) => lines[k])).toBeNull();
    expect(manualModeGate(actions, new Set(), (k) => lines[k])).toBeNull();
  });
});
