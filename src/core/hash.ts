/**
 * FNV-1a 64-bit over the UTF-8 bytes of a string, as 16 lowercase hex digits.
 * Pure and dependency-free (no Node crypto, no BigInt) so it runs the same in Apps Script and Node.
 * The 64-bit state is kept in four 16-bit limbs; the FNV prime is 2^40 + 435. The byte loop is
 * written out (no closure, no byte array) because line keys hash every line of a pull.
 */
export function fnv1a64(text: string): string {
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  let pending = 0; // UTF-8 bytes still to feed for the current code point, high byte first
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      // One byte (nearly every character of an id): the multiply below, written out once more.
      h0 ^= c;
      const t0 = h0 * 435;
      let t1 = h1 * 435;
      let t2 = h2 * 435;
      const t3 = h3 * 435 + (h1 << 8);
      t2 += h0 << 8;
      t1 += t0 >>> 16;
      h0 = t0 & 0xffff;
      t2 += t1 >>> 16;
      h1 = t1 & 0xffff;
      h3 = (t3 + (t2 >>> 16)) & 0xffff;
      h2 = t2 & 0xffff;
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
      h0 ^= (bytes >>> (pending * 8)) & 0xff;
      const t0 = h0 * 435;
      let t1 = h1 * 435;
      let t2 = h2 * 435;
      const t3 = h3 * 435 + (h1 << 8);
      t2 += h0 << 8;
      t1 += t0 >>> 16;
      h0 = t0 & 0xffff;
      t2 += t1 >>> 16;
      h1 = t1 & 0xffff;
      h3 = (t3 + (t2 >>> 16)) & 0xffff;
      h2 = t2 & 0xffff;
    }
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}

const HEX_BYTE = Array.from({ length: 256 }, (_, b) => (b + 0x100).toString(16).slice(1));
const hex4 = (n: number): string => HEX_BYTE[n >>> 8] + HEX_BYTE[n & 0xff];
