/**
 * FNV-1a 64-bit over the UTF-8 bytes of a string, as 16 lowercase hex digits.
 * Pure and dependency-free (no Node crypto, no BigInt) so it runs the same in Apps Script and Node.
 * The 64-bit state is kept in four 16-bit limbs; the FNV prime is 2^40 + 435. The byte loop is
 * written out (no closure, no byte array) because line keys hash every line of a pull.
 */
export function fnv1a64(text: string): string {
  fnvStart();
  fnvFeed(text);
  return fnvHex();
}

// The running hash of fnvStart/fnvFeed/fnvHex (one at a time: everything here is synchronous).
let h0 = 0x2325;
let h1 = 0x8422;
let h2 = 0x9ce4;
let h3 = 0xcbf2;

/**
 * Streaming FNV-1a: `fnvStart(); fnvFeed(a); fnvFeed(b); fnvHex()` is `fnv1a64(a + b)`, without building
 * the joined text (line keys hash eight fields of every line of a pull). Texts are fed whole: a surrogate
 * pair split between two feeds would be hashed as two lone halves.
 */
export function fnvStart(): void {
  h0 = 0x2325;
  h1 = 0x8422;
  h2 = 0x9ce4;
  h3 = 0xcbf2;
}

/**
 * The hash so far, as 16 lowercase hex digits after `prefix` (up to 3 characters, e.g. a line key's 'BG-'):
 * built as one flat string (keys are kept by the hundred thousand; joined pieces would be kept as several).
 */
export function fnvHex(prefix = ''): string {
  if (prefix.length === 0)
    return String.fromCharCode(
      x(h3, 12),
      x(h3, 8),
      x(h3, 4),
      x(h3, 0),
      x(h2, 12),
      x(h2, 8),
      x(h2, 4),
      x(h2, 0),
      x(h1, 12),
      x(h1, 8),
      x(h1, 4),
      x(h1, 0),
      x(h0, 12),
      x(h0, 8),
      x(h0, 4),
      x(h0, 0),
    );
  if (prefix.length !== 3) return prefix + fnvHex();
  const p = (i: number): number => prefix.charCodeAt(i);
  return String.fromCharCode(
    p(0),
    p(1),
    p(2),
    x(h3, 12),
    x(h3, 8),
    x(h3, 4),
    x(h3, 0),
    x(h2, 12),
    x(h2, 8),
    x(h2, 4),
    x(h2, 0),
    x(h1, 12),
    x(h1, 8),
    x(h1, 4),
    x(h1, 0),
    x(h0, 12),
    x(h0, 8),
    x(h0, 4),
    x(h0, 0),
  );
}

/** The character code of the hex digit of `n` at bit `shift` (lowercase). */
function x(n: number, shift: number): number {
  const v = (n >>> shift) & 15;
  return v < 10 ? 48 + v : 87 + v;
}

export function fnvFeed(text: string): void {
  // Locals in the loop (module variables are slower to update), stored back at the end.
  let x0 = h0;
  let x1 = h1;
  let x2 = h2;
  let x3 = h3;
  let pending = 0; // UTF-8 bytes still to feed for the current code point, high byte first
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      // One byte (nearly every character of an id): the multiply below, written out once more.
      x0 ^= c;
      const t0 = x0 * 435;
      let t1 = x1 * 435;
      let t2 = x2 * 435;
      const t3 = x3 * 435 + (x1 << 8);
      t2 += x0 << 8;
      t1 += t0 >>> 16;
      x0 = t0 & 0xffff;
      t2 += t1 >>> 16;
      x1 = t1 & 0xffff;
      x3 = (t3 + (t2 >>> 16)) & 0xffff;
      x2 = t2 & 0xffff;
      continue;
    } else {
      // Combine a surrogate pair into one code point so the bytes are real UTF-8.
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
          i++;
        }
      }
      if (c < 0x800) {
        bytes = ((0xc0 | (c >> 6)) << 8) | (0x80 | (c & 63));
        pending = 2;
      } else if (c < 0x10000) {
        bytes = ((0xe0 | (c >> 12)) << 16) | ((0x80 | ((c >> 6) & 63)) << 8) | (0x80 | (c & 63));
        pending = 3;
      } else {
        bytes =
          (((0xf0 | (c >> 18)) << 24) |
            ((0x80 | ((c >> 12) & 63)) << 16) |
            ((0x80 | ((c >> 6) & 63)) << 8) |
            (0x80 | (c & 63))) >>>
          0;
        pending = 4;
      }
    }
    while (pending > 0) {
      pending--;
      x0 ^= (bytes >>> (pending * 8)) & 0xff;
      const t0 = x0 * 435;
      let t1 = x1 * 435;
      let t2 = x2 * 435;
      const t3 = x3 * 435 + (x1 << 8);
      t2 += x0 << 8;
      t1 += t0 >>> 16;
      x0 = t0 & 0xffff;
      t2 += t1 >>> 16;
      x1 = t1 & 0xffff;
      x3 = (t3 + (t2 >>> 16)) & 0xffff;
      x2 = t2 & 0xffff;
    }
  }
  h0 = x0;
  h1 = x1;
  h2 = x2;
  h3 = x3;
}

/** The running hash's high and low 32 bits (as signed integers): equal hashes ⟺ equal hex texts. */
export const fnvHigh = (): number => (h3 << 16) | h2;
export const fnvLow = (): number => (h1 << 16) | h0;

/**
 * `fnvFeed(String(n))`: the digits of a safe integer are fed as they are written, without the text
 * (-0 is written '0'); any other number is fed as `String(n)` writes it.
 */
const DIGITS = new Uint8Array(16);

/** String(n) of the last few thousand other numbers fed (a plan feeds the same unit costs again and again). */
const written = new Map<number, string>();

export function fnvFeedNumber(n: number): void {
  if (!Number.isSafeInteger(n)) {
    let text = written.get(n);
    if (text === undefined) {
      if (written.size >= 4096) written.clear();
      written.set(n, (text = String(n)));
    }
    fnvFeed(text);
    return;
  }
  if (n < 0) {
    fnvFeed('-');
    n = -n;
  }
  // Digits from the last (exact arithmetic below 2^53), fed from the first.
  let count = 0;
  do {
    const digit = n % 10;
    DIGITS[count++] = 48 + digit;
    n = (n - digit) / 10;
  } while (n > 0);
  let x0 = h0;
  let x1 = h1;
  let x2 = h2;
  let x3 = h3;
  while (count > 0) {
    x0 ^= DIGITS[--count];
    const t0 = x0 * 435;
    let t1 = x1 * 435;
    let t2 = x2 * 435;
    const t3 = x3 * 435 + (x1 << 8);
    t2 += x0 << 8;
    t1 += t0 >>> 16;
    x0 = t0 & 0xffff;
    t2 += t1 >>> 16;
    x1 = t1 & 0xffff;
    x3 = (t3 + (t2 >>> 16)) & 0xffff;
    x2 = t2 & 0xffff;
  }
  h0 = x0;
  h1 = x1;
  h2 = x2;
  h3 = x3;
}

// A hash kept aside by fnvKeep, for fnvKeptHex.
let k0 = 0;
let k1 = 0;
let k2 = 0;
let k3 = 0;

/** Keep the running hash aside (fnvStart then starts the next one). */
export function fnvKeep(): void {
  k0 = h0;
  k1 = h1;
  k2 = h2;
  k3 = h3;
}

/**
 * The kept hash's 16 hex digits, `separator` (one character) and the running hash's 16, as one flat string:
 * `fnvHex()` of each joined by the separator, without the two halves as strings of their own.
 */
export function fnvKeptHex(separator: string): string {
  return String.fromCharCode(
    x(k3, 12),
    x(k3, 8),
    x(k3, 4),
    x(k3, 0),
    x(k2, 12),
    x(k2, 8),
    x(k2, 4),
    x(k2, 0),
    x(k1, 12),
    x(k1, 8),
    x(k1, 4),
    x(k1, 0),
    x(k0, 12),
    x(k0, 8),
    x(k0, 4),
    x(k0, 0),
    separator.charCodeAt(0),
    x(h3, 12),
    x(h3, 8),
    x(h3, 4),
    x(h3, 0),
    x(h2, 12),
    x(h2, 8),
    x(h2, 4),
    x(h2, 0),
    x(h1, 12),
    x(h1, 8),
    x(h1, 4),
    x(h1, 0),
    x(h0, 12),
    x(h0, 8),
    x(h0, 4),
    x(h0, 0),
  );
}
