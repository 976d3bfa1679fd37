import { distance } from 'fastest-levenshtein';
import type { ClientMapping } from './mapping';

/**
 * P20 client matching: source customers → PSA companies by name.
 * A match is made automatically only at ≥ 90 similarity and only when no other company comes within
 * 2 points (exact ties are refused). Mappings a person made (confirmed, manual, excluded) are never
 * touched, and an existing automatic mapping is kept while its company still exists: mappings never
 * silently change.
 */

/** Trailing words that only say what kind of legal entity a company is. */
export const LEGAL_SUFFIXES = new Set([
  'inc',
  'incorporated',
  'llc',
  'llp',
  'lp',
  'ltd',
  'limited',
  'gmbh',
  'pty',
  'corp',
  'corporation',
  'co',
  'plc',
  'sa',
  'bv',
  'nv',
  'ag',
  'sarl',
  'srl',
  'ab',
  'oy',
  'pllc',
  'pc',
  'lc',
  'kg',
  'spa',
  'sas',
  'pte',
  'aps',
]);

/** Lower case, accents removed (NFD), '&' → 'and', punctuation gone, legal suffixes stripped from the end. */
export function normalizeName(name: string): string {
  const words = name
    // Letters that do not decompose under NFD, spelled as a person would type them without the key.
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[œŒ]/g, 'oe')
    .replace(/[øØ]/g, 'o')
    .replace(/[łŁ]/g, 'l')
    .replace(/[đĐ]/g, 'd')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    // Dots and apostrophes join (P.T.Y., O'Brien); any other punctuation separates words.
    .replace(/[.'’]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  while (words.length > 1 && LEGAL_SUFFIXES.has(words[words.length - 1])) words.pop();
  return words.join(' ');
}

/**
 * The form names are compared in: the normalised name without spaces (Blue Harbor = BlueHarbor =
 * Blue-Harbor), with the German transliterations ae/oe/ue read as the vowel (Müller = Mueller = Muller:
 * NFD already turns ü into u). Two names with the same key are the same name to a person.
 */
export function matchKey(name: string): string {
  return matchKeyOfNorm(normalizeName(name));
}

/** matchKey of a name already normalised (normalizeName), so a name is normalised once per matching run. */
const matchKeyOfNorm = (norm: string): string =>
  norm.replace(/ /g, '').replace(/([^aeiou])(a|o|u)e/g, '$1$2');

/** 0–100 from the Levenshtein distance of two normalised names. */
export function similarity(a: string, b: string): number {
  if (a === b) return 100;
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 100 : 100 * (1 - distance(a, b) / longest);
}

export interface MatchCustomer {
  source: string;
  id: string;
  name: string;
}

export interface MatchCompany {
  id: string;
  name: string;
  /** Inactive companies are never matched (default true). */
  active?: boolean;
}

export interface MatchCandidate {
  companyId: string;
  companyName: string;
  /** 0–100, rounded to one decimal. */
  score: number;
}

export interface MatchOptions {
  /** Minimum similarity for an automatic match (default 90). */
  threshold?: number;
  /** A runner-up this close to the best makes the match ambiguous (default 2). */
  margin?: number;
  /** How many candidates to list for the unmatched list (default 5). */
  candidates?: number;
  /** Candidates below this are not listed (default 50). */
  minCandidateScore?: number;
}

export type MatchOutcome = 'kept' | 'auto' | 'ambiguous' | 'unmatched';

export interface ClientMatch {
  source: string;
  customerId: string;
  customerName: string;
  outcome: MatchOutcome;
  companyId: string | null;
  score: number | null;
  /** Best first; empty for kept mappings (not searched). */
  candidates: MatchCandidate[];
  /** The mapping to keep or write; null when unmatched/ambiguous and nothing existed. */
  mapping: ClientMapping | null;
  message: string;
}

interface Entry {
  norm: string;
  company: MatchCompany;
}

/**
 * The letter-count bound: the Levenshtein distance of two names is at least the longer name's length minus
 * the characters they have in common, counted as multisets (an edit changes at most one character of each
 * name). Characters are counted in 64 buckets: a–z, 0–9 and the space each have their own and any other
 * character shares one of 27 (sharing only raises the count in common, so the bound stays a lower bound).
 */
const BUCKETS = 64;
const bucketOf = (c: number): number =>
  c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? c - 22 : c === 32 ? 36 : 37 + (c % 27);
/**
 * The searched name's count per bucket, and the buckets it uses (set and cleared around each search). Bucket
 * BUCKETS is empty in every name: the list of buckets used is padded with it to a multiple of 4.
 */
const QUERY_COUNTS = new Uint32Array(BUCKETS + 1);
const QUERY_BUCKETS = new Uint8Array(BUCKETS + 4).fill(BUCKETS);

/**
 * Bit masks of the searched name's characters (Myers' algorithm), set and cleared around each search:
 * bit i of PEQ[c] for character i < 32 of the name, of PEQ2[c] for character 32 + i.
 */
const PEQ = new Uint32Array(0x10000);
const PEQ2 = new Uint32Array(0x10000);

/**
 * Levenshtein distance of the searched name (n ≤ 32 UTF-16 units, its masks in PEQ) to `text`: Myers'
 * bit-parallel algorithm as fastest-levenshtein's myers_32 runs it, with the name's masks built once for
 * every company it is compared with instead of once per pair (matching compares each name with thousands).
 */
function myersFromMasks(n: number, text: string, most: number): number {
  const last = 1 << (n - 1);
  let pv = -1;
  let mv = 0;
  let score = n;
  // The last row's value moves by at most 1 per character of `text`: once it exceeds `most` by more than the
  // characters left, so does the distance, and that lower bound is returned instead.
  let left = text.length + most;
  for (let i = 0; i < text.length; i++) {
    let eq = PEQ[text.charCodeAt(i)];
    const xv = eq | mv;
    eq |= ((eq & pv) + pv) ^ pv;
    mv |= ~(eq | pv);
    pv &= eq;
    if (mv & last) score++;
    if (pv & last) score--;
    mv = (mv << 1) | 1;
    pv = (pv << 1) | ~(xv | mv);
    mv &= xv;
    if (score > --left) return score - left + most;
  }
  return score;
}

/**
 * The same for a searched name of 33 to 64 characters, as two 32-bit blocks: Myers' (1999) block step, the
 * first block's horizontal difference at its last row carried into the second.
 */
function myersFromMasks2(n: number, text: string, most: number): number {
  const last = 1 << (n - 33);
  let pv0 = -1;
  let mv0 = 0;
  let pv1 = -1;
  let mv1 = 0;
  let score = n;
  let left = text.length + most; // as in myersFromMasks
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // First block: the top row's difference is +1 (D[0][j] = j).
    const eq0 = PEQ[c];
    const xv0 = eq0 | mv0;
    const xh0 = (((eq0 & pv0) + pv0) ^ pv0) | eq0;
    let ph0 = mv0 | ~(xh0 | pv0);
    let mh0 = pv0 & xh0;
    const h = (ph0 >>> 31) - (mh0 >>> 31);
    ph0 = (ph0 << 1) | 1;
    mh0 <<= 1;
    pv0 = mh0 | ~(xv0 | ph0);
    mv0 = ph0 & xv0;
    // Second block, fed the first block's difference h.
    let eq1 = PEQ2[c];
    const xv1 = eq1 | mv1;
    if (h < 0) eq1 |= 1;
    const xh1 = (((eq1 & pv1) + pv1) ^ pv1) | eq1;
    let ph1 = mv1 | ~(xh1 | pv1);
    let mh1 = pv1 & xh1;
    if (ph1 & last) score++;
    if (mh1 & last) score--;
    ph1 <<= 1;
    mh1 <<= 1;
    if (h < 0) mh1 |= 1;
    else if (h > 0) ph1 |= 1;
    pv1 = mh1 | ~(xv1 | ph1);
    mv1 = ph1 & xv1;
    if (score > --left) return score - left + most;
  }
  return score;
}

/** A score as search() lists it: similarity (0–100) from an edit distance, to one decimal. */
const rounded = (d: number, longest: number): number => Math.round(100 * (1 - d / longest) * 10) / 10;

/** PSA companies indexed by normalised name and by name length, built once per matching run. */
export class CompanyIndex {
  private readonly exact = new Map<string, Entry[]>();
  /** Companies by the name a person reads (matchKey): spacing, punctuation, ue/ü differences gone. */
  private readonly byKey = new Map<string, Entry[]>();
  private readonly keyOf = new Map<string, string>();
  /** Active companies by name length, shortest first (in the order given within one length). */
  private readonly sorted: Entry[];
  /** Their names (normalised), read without going through each entry. */
  private readonly norms: string[];
  /** sorted[start[len]] is the first name of `len` characters or more; start[maxLength + 1] = sorted.length. */
  private readonly start: Int32Array;
  private readonly maxLength: number;
  /**
   * Letter counts (see bucketOf), column by column: counts[b * sorted.length + i] is sorted[i]'s count in
   * bucket b. A name with more than 255 characters in one bucket is `uncounted`: compared without the bound.
   */
  private readonly counts: Uint8Array;
  private readonly uncounted: Uint8Array;
  /** Scratch for one search: characters in common with the searched name, by position in `sorted`. */
  private readonly common: Int32Array;
  readonly ids: Set<string>;

  constructor(companies: readonly MatchCompany[]) {
    this.ids = new Set();
    const entries: Entry[] = [];
    let maxLength = 0;
    for (const company of companies) {
      if (company.active === false) continue;
      this.ids.add(company.id);
      const norm = normalizeName(company.name);
      const e = { norm, company };
      const key = matchKeyOfNorm(norm);
      push(this.exact, norm, e);
      push(this.byKey, key, e);
      this.keyOf.set(company.id, key);
      entries.push(e);
      maxLength = Math.max(maxLength, norm.length);
    }
    this.maxLength = maxLength;
    const n = entries.length;
    this.start = new Int32Array(maxLength + 2);
    for (const e of entries) this.start[e.norm.length + 1]++;
    for (let len = 1; len <= maxLength + 1; len++) this.start[len] += this.start[len - 1];
    const next = this.start.slice(0, maxLength + 1);
    this.sorted = new Array<Entry>(n);
    for (const e of entries) this.sorted[next[e.norm.length]++] = e;
    this.norms = this.sorted.map((e) => e.norm);
    this.counts = new Uint8Array((BUCKETS + 1) * n);
    this.uncounted = new Uint8Array(n);
    this.common = new Int32Array(n);
    this.sorted.forEach((e, i) => {
      for (let j = 0; j < e.norm.length; j++) {
        const at = bucketOf(e.norm.charCodeAt(j)) * n + i;
        if (this.counts[at] === 255) this.uncounted[i] = 1;
        else this.counts[at]++;
      }
    });
  }

  hasExact(norm: string): boolean {
    return this.exact.has(norm);
  }

  /** Companies whose name a person reads as `name` (same matchKey). */
  sameName(name: string): MatchCompany[] {
    return this.sameNameAsNorm(normalizeName(name));
  }

  /** sameName of a name already normalised. */
  sameNameAsNorm(norm: string): MatchCompany[] {
    return (this.byKey.get(matchKeyOfNorm(norm)) ?? []).map((e) => e.company);
  }

  /** Other companies a person would read as the same name as this one. */
  namesakes(companyId: string): MatchCompany[] {
    const key = this.keyOf.get(companyId);
    return (key === undefined ? [] : (this.byKey.get(key) ?? []))
      .map((e) => e.company)
      .filter((c) => c.id !== companyId);
  }

  /**
   * The best `k` companies scoring ≥ `floor`, best first (ties by company id).
   * Exact normalised hits come from a Map; Levenshtein runs only on names whose length could still beat
   * the current k-th score (distance ≥ max(1, length difference) for different names) and whose letter
   * counts could too (see bucketOf), from the searched name's bit masks when it has at most 64 characters
   * (else fastest-levenshtein's own), and stops as soon as the name cannot reach the k-th score.
   */
  search(norm: string, k: number, floor: number): MatchCandidate[] {
    const top: MatchCandidate[] = [];
    const add = (c: MatchCandidate): void => {
      let i = top.length;
      while (i > 0 && better(c, top[i - 1])) i--;
      if (i < k) {
        top.splice(i, 0, c);
        if (top.length > k) top.pop();
      }
    };
    for (const e of this.exact.get(norm) ?? [])
      add({ companyId: e.company.id, companyName: e.company.name, score: 100 });
    const L = norm.length;
    // Names of up to 64 characters are compared from their masks; longer ones by fastest-levenshtein.
    const masks = L > 0 && L <= 64;
    if (masks) for (let i = 0; i < L; i++) (i < 32 ? PEQ : PEQ2)[norm.charCodeAt(i)] |= 1 << (i % 32);
    let buckets = 0;
    for (let i = 0; i < L; i++) {
      const b = bucketOf(norm.charCodeAt(i));
      if (QUERY_COUNTS[b]++ === 0) QUERY_BUCKETS[buckets++] = b;
    }
    try {
      return this.scan(norm, k, floor, top, add, masks, buckets);
    } finally {
      if (masks) for (let i = 0; i < L; i++) (i < 32 ? PEQ : PEQ2)[norm.charCodeAt(i)] = 0;
      for (let j = 0; j < buckets; j++) QUERY_COUNTS[QUERY_BUCKETS[j]] = 0;
      QUERY_BUCKETS.fill(BUCKETS);
    }
  }

  private scan(
    norm: string,
    k: number,
    floor: number,
    top: MatchCandidate[],
    add: (c: MatchCandidate) => void,
    masks: boolean,
    buckets: number,
  ): MatchCandidate[] {
    const { sorted, norms, start, counts, uncounted, common } = this;
    const n = sorted.length;
    const L = norm.length;
    const kth = (): number => (top.length >= k ? top[k - 1].score : floor);
    // Rounded as the scores are: unrounded, a name scoring exactly the k-th score (19.999… → 20) was skipped.
    const bound = (len: number): number => {
      const longest = Math.max(L, len);
      return longest === 0 ? 0 : rounded(Math.max(1, Math.abs(L - len)), longest);
    };
    for (let d = 0; d <= Math.max(L, this.maxLength); d++) {
      const lens = d === 0 ? [L] : [L - d, L + d];
      if (lens.every((len) => len < 0 || bound(len) < kth())) {
        // Bounds only fall as d grows, so nothing further can qualify.
        if (d > 0) break;
        continue;
      }
      for (const len of lens) {
        if (len < 0 || len > this.maxLength || bound(len) < kth()) continue;
        const from = start[len];
        const to = start[len + 1];
        const longest = Math.max(L, len);
        // Only the searched name itself has length 0 here, and it is not compared with itself.
        if (from === to || longest === 0) continue;
        // The characters each name of this length has in common with the searched one, bucket by bucket.
        // Four buckets at a time (the list is padded with the empty bucket).
        common.fill(0, from, to);
        for (let j = 0; j < buckets; j += 4) {
          const q0 = QUERY_COUNTS[QUERY_BUCKETS[j]];
          const q1 = QUERY_COUNTS[QUERY_BUCKETS[j + 1]];
          const q2 = QUERY_COUNTS[QUERY_BUCKETS[j + 2]];
          const q3 = QUERY_COUNTS[QUERY_BUCKETS[j + 3]];
          const c0 = QUERY_BUCKETS[j] * n;
          const c1 = QUERY_BUCKETS[j + 1] * n;
          const c2 = QUERY_BUCKETS[j + 2] * n;
          const c3 = QUERY_BUCKETS[j + 3] * n;
          for (let i = from; i < to; i++) {
            const t0 = counts[c0 + i];
            const t1 = counts[c1 + i];
            const t2 = counts[c2 + i];
            const t3 = counts[c3 + i];
            common[i] +=
              (t0 < q0 ? t0 : q0) + (t1 < q1 ? t1 : q1) + (t2 < q2 ? t2 : q2) + (t3 < q3 ? t3 : q3);
          }
        }
        // The largest distance that still reaches the k-th score (rounded falls as the distance grows).
        let most = mostDistance(longest, kth());
        for (let i = from; i < to; i++) {
          // The letter-count bound: a name that cannot reach the k-th score is not compared.
          if (uncounted[i] === 0 && Math.max(1, longest - common[i]) > most) continue;
          const name = norms[i];
          if (name === norm) continue;
          // As Math.round(similarity(norm, name) * 10) / 10, the names being different.
          const dist = !masks
            ? distance(norm, name)
            : L <= 32
              ? myersFromMasks(L, name, most)
              : myersFromMasks2(L, name, most);
          if (dist > most) continue;
          const e = sorted[i];
          add({ companyId: e.company.id, companyName: e.company.name, score: rounded(dist, longest) });
          most = mostDistance(longest, kth());
        }
      }
    }
    return top;
  }
}

/** The largest edit distance whose rounded score (names of `longest` characters) is ≥ `score`; −1 if none. */
function mostDistance(longest: number, score: number): number {
  if (Number.isNaN(score)) return -1;
  let d = Math.max(-1, Math.min(longest, Math.floor(longest * (1 - score / 100))));
  while (d >= 0 && rounded(d, longest) < score) d--;
  while (d < longest && rounded(d + 1, longest) >= score) d++;
  return d;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

const better = (a: MatchCandidate, b: MatchCandidate): boolean =>
  a.score > b.score || (a.score === b.score && a.companyId < b.companyId);

export function matchClients(
  customers: readonly MatchCustomer[],
  companies: readonly MatchCompany[] | CompanyIndex,
  existing: readonly ClientMapping[],
  options: MatchOptions = {},
): ClientMatch[] {
  const threshold = options.threshold ?? 90;
  const margin = options.margin ?? 2;
  const k = Math.max(2, options.candidates ?? 5);
  const floor = options.minCandidateScore ?? 50;
  const index = companies instanceof CompanyIndex ? companies : new CompanyIndex(companies);
  const known = new Map(existing.map((m) => [`${m.source}\u0000${m.customerId}`, m]));

  return customers.map((c): ClientMatch => {
    const base = { source: c.source, customerId: c.id, customerName: c.name };
    const prior = known.get(`${c.source}\u0000${c.id}`);
    if (prior && (prior.status !== 'auto' || (prior.companyId !== null && index.ids.has(prior.companyId)))) {
      return {
        ...base,
        outcome: 'kept',
        companyId: prior.companyId,
        score: prior.score,
        candidates: [],
        mapping: prior,
        message: `Kept ${prior.status} mapping`,
      };
    }
    const norm = normalizeName(c.name);
    // An exact hit only needs to know whether a rival comes within the margin.
    const exactHit = norm !== '' && index.hasExact(norm);
    const found =
      norm === '' ? [] : exactHit ? index.search(norm, k, 100 - margin) : index.search(norm, k, floor);
    // A company whose name a person reads as this one (Mueller for Müller, BlueHarbor for Blue Harbor)
    // is as close as an exact hit.
    const same = norm === '' ? [] : index.sameNameAsNorm(norm);
    const listed = [
      ...same
        .map((co) => ({ companyId: co.id, companyName: co.name, score: 100 }))
        .sort((a, b) => (a.companyId < b.companyId ? -1 : 1)),
      ...found.filter((f) => !same.some((co) => co.id === f.companyId)),
    ].slice(0, k);
    const best = listed[0];
    // A rival that reads as the same name as the best is as close as the best, whatever its score.
    const namesake = best ? index.namesakes(best.companyId)[0] : undefined;
    const second = namesake
      ? {
          companyId: namesake.id,
          companyName: namesake.name,
          score: listed.find((x) => x.companyId === namesake.id)?.score ?? best.score,
        }
      : listed[1];
    // Both namesakes are shown, so a person can pick.
    const candidates =
      second && !listed.some((x) => x.companyId === second.companyId)
        ? [listed[0], second, ...listed.slice(1, k - 1)]
        : listed;
    if (!best || best.score < threshold) {
      return {
        ...base,
        outcome: 'unmatched',
        companyId: null,
        score: null,
        candidates,
        mapping: null,
        message: best
          ? `No company is ${threshold}% similar; best is '${best.companyName}' (${best.score})`
          : 'No similar company found',
      };
    }
    if (second && (namesake || second.score >= best.score - margin)) {
      return {
        ...base,
        outcome: 'ambiguous',
        companyId: null,
        score: null,
        candidates,
        mapping: null,
        message: `Ambiguous: '${best.companyName}' (${best.score}) and '${second.companyName}' (${second.score}); pick one`,
      };
    }
    return {
      ...base,
      outcome: 'auto',
      companyId: best.companyId,
      score: best.score,
      candidates,
      mapping: { ...base, companyId: best.companyId, status: 'auto', score: best.score },
      message: `Matched '${best.companyName}' (${best.score}% similar)`,
    };
  });
}
