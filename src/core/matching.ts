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
  return normalizeName(name)
    .replace(/ /g, '')
    .replace(/([^aeiou])(a|o|u)e/g, '$1$2');
}

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

/** PSA companies indexed by normalised name and by name length, built once per matching run. */
export class CompanyIndex {
  private readonly exact = new Map<string, Entry[]>();
  /** Companies by the name a person reads (matchKey): spacing, punctuation, ue/ü differences gone. */
  private readonly byKey = new Map<string, Entry[]>();
  private readonly keyOf = new Map<string, string>();
  private readonly byLength = new Map<number, Entry[]>();
  private readonly maxLength: number;
  readonly ids: Set<string>;

  constructor(companies: readonly MatchCompany[]) {
    let maxLength = 0;
    this.ids = new Set();
    for (const company of companies) {
      if (company.active === false) continue;
      this.ids.add(company.id);
      const norm = normalizeName(company.name);
      const e = { norm, company };
      push(this.exact, norm, e);
      push(this.byKey, matchKey(company.name), e);
      this.keyOf.set(company.id, matchKey(company.name));
      push(this.byLength, norm.length, e);
      maxLength = Math.max(maxLength, norm.length);
    }
    this.maxLength = maxLength;
  }

  hasExact(norm: string): boolean {
    return this.exact.has(norm);
  }

  /** Companies whose name a person reads as `name` (same matchKey). */
  sameName(name: string): MatchCompany[] {
    return (this.byKey.get(matchKey(name)) ?? []).map((e) => e.company);
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
   * the current k-th score (distance ≥ max(1, length difference) for different names).
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
    const kth = (): number => (top.length >= k ? top[k - 1].score : floor);
    const bound = (len: number): number => {
      const longest = Math.max(L, len);
      return longest === 0 ? 0 : 100 * (1 - Math.max(1, Math.abs(L - len)) / longest);
    };
    for (let d = 0; d <= Math.max(L, this.maxLength); d++) {
      const lens = d === 0 ? [L] : [L - d, L + d];
      if (lens.every((len) => len < 0 || bound(len) < kth())) {
        // Bounds only fall as d grows, so nothing further can qualify.
        if (d > 0) break;
        continue;
      }
      for (const len of lens) {
        const bucket = len >= 0 ? this.byLength.get(len) : undefined;
        if (!bucket || bound(len) < kth()) continue;
        for (const e of bucket) {
          if (e.norm === norm) continue;
          const score = Math.round(similarity(norm, e.norm) * 10) / 10;
          if (score >= kth()) add({ companyId: e.company.id, companyName: e.company.name, score });
        }
      }
    }
    return top;
  }
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
    const same = norm === '' ? [] : index.sameName(c.name);
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
