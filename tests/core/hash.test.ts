import fc from 'fast-check';
import { fnv1a64, fnvFeedNumber, fnvHex, fnvStart } from '../../src/core/hash';

describe('fnv1a64', () => {
  it('matches the published FNV-1a 64-bit test vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  it('hashes UTF-8 bytes, including accents and astral characters', () => {
    // Reference values computed with Python over str.encode('utf-8').
    expect(fnv1a64('é')).toBe('0ac21707b7181e01');
    expect(fnv1a64('😀')).toBe('feff073875020288');
  });

  it('property: equals a straightforward BigInt FNV-1a over UTF-8 bytes', () => {
    const reference = (text: string): string => {
      let h = 0xcbf29ce484222325n;
      for (const b of new TextEncoder().encode(text))
        h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
      return h.toString(16).padStart(16, '0');
    };
    for (const unit of ['grapheme', 'binary'] as const) {
      fc.assert(fc.property(fc.string({ unit }), (s) => fnv1a64(s) === reference(s)));
    }
  });

  it('fnvFeedNumber feeds what String(n) writes, numbers fed again (from its memo) and past the memo size included', () => {
    const fed = (n: number): string => {
      fnvStart();
      fnvFeedNumber(n);
      return fnvHex();
    };
    // More numbers than the memo keeps (4,096), then some of them again.
    const numbers = [0.1, 8.8, -0, NaN, Infinity, 1e21, -2.5e-7, ...fc.sample(fc.double(), 200)];
    for (let i = 0; i < 5000; i++) numbers.push(i / 7, -i * 1.1);
    const all = [...numbers, ...numbers.slice(0, 3000).reverse()];
    expect(all.map(fed)).toEqual(all.map((n) => fnv1a64(String(n))));
  });

  it('always yields 16 lowercase hex digits', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => /^[0-9a-f]{16}$/.test(fnv1a64(s))));
  });
});
