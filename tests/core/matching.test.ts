import fc from 'fast-check';
import type { ClientMapping } from '../../src/core/mapping';
import { CompanyIndex, matchClients, matchKey, normalizeName, similarity } from '../../src/core/matching';

const customer = (id: string, name: string) => ({ source: 'market', id, name });
const company = (id: string, name: string, active = true) => ({ id, name, active });

describe('normalizeName', () => {
  it.each([
    ['ACME, Inc.', 'acme'],
    ['Acme LLC', 'acme'],
    ['Acme Pty. Ltd.', 'acme'],
    ['Acme Pty Ltd', 'acme'],
    ['Acme Limited', 'acme'],
    ['Müller GmbH', 'muller'],
    ['Société Générale SA', 'societe generale'],
    ['Smith & Sons Co', 'smith and sons'],
    ['Smith and Sons Corp.', 'smith and sons'],
    ["O'Brien Holdings PLC", 'obrien holdings'],
    ['Bakker B.V.', 'bakker'],
    ['Rossi S.r.l.', 'rossi'],
    ['Dupont SARL', 'dupont'],
    ['  Big   Co-op  Ltd ', 'big co op'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });

  it('strips professional-corporation suffixes (PLLC, P.C.) as US firms write them', () => {
    expect(normalizeName('Cedar and Pine Law PLLC')).toBe(normalizeName('Cedar & Pine Law'));
    expect(normalizeName('Brightside Pediatrics, P.C.')).toBe('brightside pediatrics');
  });

  it('keeps a name that is only a suffix word', () => {
    expect(normalizeName('Co')).toBe('co');
  });
});

describe('similarity', () => {
  it('is 100 for equal names and falls with each edit', () => {
    expect(similarity('acme', 'acme')).toBe(100);
    expect(similarity('contoso', 'contosa')).toBeCloseTo(100 * (1 - 1 / 7));
  });

  it('property: symmetric and within 0–100', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const s = similarity(a, b);
        return s === similarity(b, a) && s >= 0 && s <= 100;
      }),
    );
  });
});

describe('matchClients', () => {
  const companies = [
    company('1', 'Acme Corporation'),
    company('2', 'Contoso Pty Ltd'),
    company('3', 'Northwind Traders Limited'),
    company('4', 'Fabrikam Inc'),
    company('5', 'Fabrikam, Inc.'),
    company('6', 'Old Client Ltd', false),
    company('7', 'Wide World Importers GmbH'),
    company('8', 'Wide World Importerz GmbH'),
  ];

  it('matches ignoring case, punctuation, accents and legal suffixes', () => {
    const [m] = matchClients([customer('c1', 'ACME corp.')], companies, []);
    expect(m).toMatchObject({ outcome: 'auto', companyId: '1', score: 100 });
    expect(m.mapping).toEqual({
      source: 'market',
      customerId: 'c1',
      customerName: 'ACME corp.',
      companyId: '1',
      status: 'auto',
      score: 100,
    });
  });

  it('matches at ≥ 90 similarity', () => {
    // 'northwind traderss' vs 'northwind traders': 1 edit in 18 → 94.4
    const [m] = matchClients([customer('c1', 'Northwind Traderss')], companies, []);
    expect(m).toMatchObject({ outcome: 'auto', companyId: '3', score: 94.4 });
  });

  it('does not match below 90 and lists the best candidates with scores', () => {
    const [m] = matchClients([customer('c1', 'Contoso Group')], companies, []);
    expect(m.outcome).toBe('unmatched');
    expect(m.mapping).toBeNull();
    expect(m.candidates[0]).toEqual({ companyId: '2', companyName: 'Contoso Pty Ltd', score: 53.8 });
    expect(m.message).toBe("No company is 90% similar; best is 'Contoso Pty Ltd' (53.8)");
  });

  it('refuses exact ties', () => {
    const [m] = matchClients([customer('c1', 'Fabrikam')], companies, []);
    expect(m.outcome).toBe('ambiguous');
    expect(m.companyId).toBeNull();
    expect(m.candidates.map((c) => c.companyId)).toEqual(['4', '5']);
  });

  it('refuses a match when the runner-up is within 2 points', () => {
    // 'wide world importers' vs 'wide world importerx' (95) and '...importerz' (95).
    const [m] = matchClients([customer('c1', 'Wide World Importerx')], companies, []);
    expect(m.outcome).toBe('ambiguous');
    expect(m.message).toBe(
      "Ambiguous: 'Wide World Importers GmbH' (95) and 'Wide World Importerz GmbH' (95); pick one",
    );
  });

  it('never matches an inactive company', () => {
    expect(matchClients([customer('c1', 'Old Client')], companies, [])[0].outcome).toBe('unmatched');
  });

  it('never overrides a confirmed, manual or excluded mapping', () => {
    const existing: ClientMapping[] = (['confirmed', 'manual', 'excluded'] as const).map((status, i) => ({
      source: 'market',
      customerId: `c${i}`,
      customerName: 'Acme',
      companyId: status === 'excluded' ? null : '2',
      status,
      score: null,
    }));
    const res = matchClients(
      existing.map((e) => customer(e.customerId, 'Acme Corporation')),
      companies,
      existing,
    );
    expect(res.map((r) => [r.outcome, r.mapping])).toEqual(existing.map((e) => ['kept', e]));
  });

  it('keeps an automatic mapping while its company exists, re-matches when it is gone', () => {
    const auto = (companyId: string): ClientMapping => ({
      source: 'market',
      customerId: 'c1',
      customerName: 'Acme',
      companyId,
      status: 'auto',
      score: 95,
    });
    expect(matchClients([customer('c1', 'Acme')], companies, [auto('2')])[0]).toMatchObject({
      outcome: 'kept',
      companyId: '2',
    });
    expect(matchClients([customer('c1', 'Acme')], companies, [auto('99')])[0]).toMatchObject({
      outcome: 'auto',
      companyId: '1',
    });
  });

  it('allows many source customers to map to one PSA company', () => {
    const res = matchClients(
      [customer('c1', 'Acme Corp'), { source: 'usage', id: 'AC1', name: 'acme' }],
      companies,
      [],
    );
    expect(res.map((r) => r.companyId)).toEqual(['1', '1']);
  });

  it('property: case, punctuation and a legal suffix never stop an exact match', () => {
    const word = fc.stringMatching(/^[a-z]{3,10}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('', ' Inc.', ', LLC', ' Pty Ltd', ' GmbH', ' Ltd', ' S.A.'),
        fc.boolean(),
        (words, suffix, upper) => {
          const psaName = words.join(' ');
          const sourceName = (upper ? psaName.toUpperCase() : psaName).replace(/ /g, ' - ') + suffix;
          const [m] = matchClients(
            [customer('c', sourceName)],
            [company('X', psaName), company('Y', 'zzzz 9999')],
            [],
          );
          return m.outcome === 'auto' && m.companyId === 'X';
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: two companies with the same normalised name are never matched automatically', () => {
    const word = fc.stringMatching(/^[a-z]{3,10}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(' Inc', ' Ltd', ', LLC'),
        (words, suffix) => {
          const name = words.join(' ');
          const [m] = matchClients(
            [customer('c', name)],
            [company('A', name), company('B', name.toUpperCase() + suffix)],
            [],
          );
          return m.outcome === 'ambiguous' && m.mapping === null;
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: the pruned search finds the same best candidates as a full scan', () => {
    const names = fc.array(fc.stringMatching(/^[a-e ]{1,12}$/), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(names, fc.stringMatching(/^[a-e ]{1,12}$/), (cs, q) => {
        const list = cs.map((n, i) => company(String(i).padStart(3, '0'), n));
        const index = new CompanyIndex(list);
        const norm = normalizeName(q);
        const full = list
          .map((c) => ({
            companyId: c.id,
            companyName: c.name,
            score: Math.round(similarity(norm, normalizeName(c.name)) * 10) / 10,
          }))
          .filter((c) => c.score >= 50)
          .sort((a, b) => b.score - a.score || (a.companyId < b.companyId ? -1 : 1))
          .slice(0, 5);
        expect(index.search(norm, 5, 50)).toEqual(full);
      }),
      { numRuns: 500 },
    );
  });
});

describe('names a person reads as the same', () => {
  const co = (id: string, name: string) => ({ id, name });
  const one = (name: string, companies: Array<{ id: string; name: string }>) =>
    matchClients([{ source: 'market', id: 'x', name }], companies, [])[0];

  it('compare equal across spacing, punctuation, &/and, suffixes, diacritics and ü/ue, ß/ss', () => {
    for (const [source, psa] of [
      ['Müller Consulting', 'Mueller Consulting GmbH'],
      ['Mueller Consulting', 'Müller Consulting'],
      ['Straße & Söhne', 'Strasse and Soehne Ltd.'],
      ['BlueHarbor Logistics', 'Blue Harbor Logistics, Inc.'],
      ['Évora Consulting S.A.', 'Evora-Consulting'],
    ]) {
      expect(matchKey(source)).toBe(matchKey(psa));
      expect(one(source, [co('1', psa), co('2', 'Unrelated Holdings')])).toMatchObject({
        outcome: 'auto',
        companyId: '1',
        score: 100,
      });
    }
  });

  it('never auto-match when two PSA companies read as the same name, even when one scores higher', () => {
    const m = one('Blue Harbour Logistics', [
      co('a', 'Blue Harbor Logistics'),
      co('b', 'BlueHarbor Logistics'),
      co('c', 'Green Harbor Farms'),
    ]);
    expect(m.outcome).toBe('ambiguous');
    expect(m.companyId).toBeNull();
    expect(
      m.candidates
        .map((c) => c.companyId)
        .slice(0, 2)
        .sort(),
    ).toEqual(['a', 'b']);
    const exact = one('Müller Consulting', [co('a', 'Mueller Consulting'), co('b', 'Muller Consulting')]);
    expect(exact.outcome).toBe('ambiguous');
    expect(exact.message).toMatch(/^Ambiguous: 'Mueller Consulting' \(100\) and 'Muller Consulting' \(100\)/);
  });
});
