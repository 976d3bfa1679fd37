/**
 * BMS's KaseyaOne organisation mappings ↔ BillGrid's Clients mapping. An MSP that already mapped its module
 * organisations on BMS's Organization Mapping page must not redo it: those rows become confirmed client
 * mappings (one account ← many organisations, sub-organisations included). BillGrid's own fixed mappings of
 * module customers become the selections to write back, one per account and module.
 */
import type { ClientMapping } from '../../../core/mapping';
import type { BmsOrganizationMapping } from './target';

/** Which BillGrid source counts a KaseyaOne module (module id → source id, e.g. Datto RMM → 'datto-rmm'). */
export type ModuleSources = Readonly<Record<string, string>>;

/**
 * Confirmed client mappings from BMS's organisation mappings. A customer BillGrid already has a fixed
 * (person-made) mapping for keeps it: BMS's rows never overwrite a person's choice here, and a customer that
 * BMS maps to two accounts is left out (and reported) rather than guessed.
 */
export function importOrganizationMappings(
  rows: readonly BmsOrganizationMapping[],
  sources: ModuleSources,
  existing: readonly ClientMapping[],
): { mappings: ClientMapping[]; conflicts: string[] } {
  const fixed = new Set(
    existing.filter((m) => m.status !== 'auto').map((m) => `${m.source}\u001f${m.customerId}`),
  );
  const byCustomer = new Map<string, BmsOrganizationMapping[]>();
  for (const r of rows) {
    const source = sources[r.moduleId];
    if (!source) continue;
    const k = `${source}\u001f${r.organizationId}`;
    byCustomer.set(k, [...(byCustomer.get(k) ?? []), r]);
  }
  const mappings: ClientMapping[] = [];
  const conflicts: string[] = [];
  for (const [k, list] of byCustomer) {
    if (fixed.has(k)) continue;
    const accounts = [...new Set(list.map((r) => r.accountId))];
    if (accounts.length > 1) {
      conflicts.push(
        `'${list[0].organizationName}' is mapped to ${accounts.length} accounts in Kaseya BMS (${list.map((r) => r.accountName).join(', ')}); map it by hand`,
      );
      continue;
    }
    const [source, customerId] = k.split('\u001f');
    mappings.push({
      source,
      customerId,
      customerName: list[0].organizationName,
      companyId: accounts[0],
      status: 'confirmed',
      score: null,
    });
  }
  return { mappings, conflicts };
}

/**
 * The selections to write back: for each account and module, every organisation BillGrid maps to it by a
 * person's choice (confirmed or manual). saveOrganizationMapping sends only those that differ from BMS.
 */
export function organizationMappingWrites(
  mappings: readonly ClientMapping[],
  sources: ModuleSources,
): Array<{
  accountId: string;
  moduleId: string;
  organizations: Array<{ id: string; name: string; parentId: null }>;
}> {
  const moduleOf = new Map(Object.entries(sources).map(([moduleId, source]) => [source, moduleId]));
  const groups = new Map<
    string,
    {
      accountId: string;
      moduleId: string;
      organizations: Array<{ id: string; name: string; parentId: null }>;
    }
  >();
  for (const m of mappings) {
    const moduleId = moduleOf.get(m.source);
    if (!moduleId || !m.companyId || (m.status !== 'confirmed' && m.status !== 'manual')) continue;
    const k = `${m.companyId}\u001f${moduleId}`;
    const g = groups.get(k) ?? { accountId: m.companyId, moduleId, organizations: [] };
    g.organizations.push({ id: m.customerId, name: m.customerName, parentId: null });
    groups.set(k, g);
  }
  return [...groups.values()];
}
