import fc from 'fast-check';
import {
  DEFAULT_SETTINGS,
  defaultBillingSettings,
  parseBillingSettings,
  resolveSettings,
} from '../../src/core/settings';
import type { BillingSettings } from '../../src/core/settings';

const settings = (): BillingSettings => ({
  ...defaultBillingSettings(),
  sources: {
    market: { modifiers: { collapseAzure: true }, invoiceBehaviour: 'new', codes: { incomeAccount: '4000' } },
  },
  clients: {
    C1: {
      modifiers: { collapseAzure: false, dropAzure: true },
      invoiceBehaviour: 'recurring',
      targetInvoiceId: 'INV-9',
    },
  },
});

describe('resolveSettings', () => {
  it('returns the global settings when nothing is overridden', () => {
    expect(resolveSettings(settings(), 'usage', null)).toEqual(DEFAULT_SETTINGS);
  });

  it('applies the integration over global, field by field', () => {
    const s = resolveSettings(settings(), 'market', 'C2');
    expect(s.modifiers).toEqual({ ...DEFAULT_SETTINGS.modifiers, collapseAzure: true });
    expect(s.invoiceBehaviour).toBe('new');
    expect(s.codes).toEqual({ ...DEFAULT_SETTINGS.codes, incomeAccount: '4000' });
    expect(s.arrearsMode).toBe(DEFAULT_SETTINGS.arrearsMode);
  });

  it('applies the client over the integration', () => {
    const s = resolveSettings(settings(), 'market', 'C1');
    expect(s.modifiers.collapseAzure).toBe(false);
    expect(s.modifiers.dropAzure).toBe(true);
    expect(s.invoiceBehaviour).toBe('recurring');
    expect(s.targetInvoiceId).toBe('INV-9');
    expect(s.codes.incomeAccount).toBe('4000');
  });

  it('applies the mapping row overrides last, and an explicit null clears an inherited value', () => {
    const s = resolveSettings(settings(), 'market', 'C1', { targetInvoiceId: null, arrearsMode: 'next' });
    expect(s.targetInvoiceId).toBeNull();
    expect(s.arrearsMode).toBe('next');
    expect(s.invoiceBehaviour).toBe('recurring');
  });

  it('ignores undefined fields in an override', () => {
    const s = resolveSettings(settings(), 'market', null, { modifiers: { dropZero: undefined } });
    expect(s.modifiers.dropZero).toBe(false);
  });
});

describe('parseBillingSettings', () => {
  it('accepts the defaults', () => {
    expect(parseBillingSettings(defaultBillingSettings()).ok).toBe(true);
  });

  it('names the bad value and where it is', () => {
    const input = { ...defaultBillingSettings(), sources: { market: { invoiceBehaviour: 'weekly' } } };
    expect(parseBillingSettings(input)).toEqual({
      ok: false,
      message:
        "Invoice behaviour 'weekly' is not one of new, latest, recurring (at sources.market.invoiceBehaviour)",
    });
  });

  it('refuses an Azure name pattern that is not a valid pattern', () => {
    const input = defaultBillingSettings();
    input.global = { ...input.global, azureRule: { ...input.global.azureRule, namePatterns: ['azure('] } };
    const r = parseBillingSettings(input);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.message).toBe(
        "Azure name pattern 'azure(' is not a valid pattern (at global.azureRule.namePatterns.0)",
      );
  });
});

describe('override chain properties', () => {
  const behaviour = fc.option(fc.constantFrom('new', 'latest', 'recurring' as const), { nil: undefined });
  const flag = fc.option(fc.boolean(), { nil: undefined });

  it('property: the most specific level that sets a value wins; unset levels inherit', () => {
    fc.assert(
      fc.property(behaviour, behaviour, behaviour, flag, flag, flag, (src, cli, row, fs, fc2, fr) => {
        const s: BillingSettings = {
          ...defaultBillingSettings(),
          sources: { market: { invoiceBehaviour: src, modifiers: { dropZero: fs } } },
          clients: { C1: { invoiceBehaviour: cli, modifiers: { dropZero: fc2 } } },
        };
        const r = resolveSettings(s, 'market', 'C1', { invoiceBehaviour: row, modifiers: { dropZero: fr } });
        expect(r.invoiceBehaviour).toBe(row ?? cli ?? src ?? DEFAULT_SETTINGS.invoiceBehaviour);
        expect(r.modifiers.dropZero).toBe(fr ?? fc2 ?? fs ?? DEFAULT_SETTINGS.modifiers.dropZero);
        // Another client only sees the source level.
        expect(resolveSettings(s, 'market', 'C2').invoiceBehaviour).toBe(
          src ?? DEFAULT_SETTINGS.invoiceBehaviour,
        );
      }),
    );
  });
});
