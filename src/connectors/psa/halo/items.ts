import { z } from 'zod';
import type { DefaultCodes, ProductLifecycleMode } from '../../../core/settings';
import { PsaError } from '../../../core/psa';
import type { HaloApi } from './api';
import { haloAssetGroup, haloItem, type HaloAssetGroup, type HaloItem } from './schemas';

/** A product the month's approved lines need, as the source names it. */
export interface ProductNeed {
  sku: string;
  name: string;
  unitPrice: number;
  unitCost: number;
}

export interface LifecycleSettings {
  mode: ProductLifecycleMode;
  /** The source's display name, e.g. 'Pax8'; auto-created items go to the group BillGrid_<integrationName>. */
  integrationName: string;
  codes: DefaultCodes;
  /** Product mappings made or accepted on the Products tab: SKU → Halo item id. */
  mapped: Record<string, string>;
}

export type EnsureItemsResult =
  | { ok: true; itemIds: Record<string, string>; created: string[]; groupId: string | null }
  | { ok: false; message: string; unreconciled: ProductNeed[] };

export const itemGroupName = (integrationName: string): string => `BillGrid_${integrationName}`;

const norm = (s: string): string => s.trim().toLowerCase();
const byId = <T extends { id: number }>(a: T, b: T): number => a.id - b.id;
const ignoreBody = z.unknown();

/** The product list for messages: "Microsoft 365 E3 (MS-365-E3), Twilio SMS (twilio-sms)". */
export function describeProducts(products: ProductNeed[]): string {
  return products.map((p) => (p.name && p.name !== p.sku ? `${p.name} (${p.sku})` : p.sku)).join(', ');
}

/** Manual mode (P21a): products without a mapping to an existing Halo item. */
export function unreconciledProducts(
  products: ProductNeed[],
  mapped: Record<string, string>,
  items: HaloItem[],
): ProductNeed[] {
  const ids = new Set(items.map((i) => String(i.id)));
  return products.filter((p) => !mapped[p.sku] || !ids.has(mapped[p.sku]));
}

/**
 * An existing item for a SKU, in this order (lowest id first within each): its supplier part code or
 * internal reference is the SKU (where BillGrid writes it); else its `externalreference` or `third_party_id`
 * is (where Halo's own distributor integrations key the items they sync; SOURCES.md); else its name is exact.
 */
function findExisting(p: Pick<ProductNeed, 'sku' | 'name'>, items: HaloItem[]): HaloItem | undefined {
  const sku = norm(p.sku);
  const bySku = items.filter((i) => norm(i.supplier_part_code) === sku || norm(i.internalreference) === sku);
  if (bySku.length) return bySku.sort(byId)[0];
  const synced = items.filter((i) => norm(i.externalreference) === sku || norm(i.third_party_id) === sku);
  if (synced.length) return synced.sort(byId)[0];
  const name = norm(p.name);
  return name ? items.filter((i) => norm(i.name) === name).sort(byId)[0] : undefined;
}

/**
 * Product lifecycle (P21), convergent: everything is looked up before anything is created, and an item
 * or group that a retried request created twice is folded back to the lowest id (the extra copy was
 * created moments ago in BillGrid's own group and is not used yet, so it is deleted).
 */
export class HaloItems {
  private items: HaloItem[] | null = null;
  private groups = new Map<string, HaloAssetGroup>();
  private groupList: HaloAssetGroup[] | null = null;

  constructor(private readonly api: HaloApi) {}

  all(refresh = false): HaloItem[] {
    if (!this.items || refresh) {
      this.items = this.api.list('/Item', { includeinactive: false }, 'items', haloItem, 'reading items');
    }
    return this.items;
  }

  byId(id: string): HaloItem | undefined {
    return this.all().find((i) => String(i.id) === id);
  }

  /** The item auto-create would use for each SKU, where one exists (read-only). */
  existing(products: readonly Pick<ProductNeed, 'sku' | 'name'>[]): Map<string, HaloItem> {
    const items = this.all();
    const out = new Map<string, HaloItem>();
    for (const p of products) {
      const hit = findExisting(p, items);
      if (hit) out.set(p.sku, hit);
    }
    return out;
  }

  /**
   * Auto-create during a push ('new:<sku>' product ids from core), for all of a batch's products at once:
   * uses the items read earlier in this run (items this run created are added to them), creating only
   * what is missing, in one request.
   */
  ensureMany(products: ProductNeed[], integrationName: string, codes: DefaultCodes): EnsureItemsResult {
    return this.autoCreate(products, { mode: 'auto-create', integrationName, codes, mapped: {} }, this.all());
  }

  ensure(products: ProductNeed[], s: LifecycleSettings): EnsureItemsResult {
    const items = this.all(true);
    const uniq = [...new Map(products.map((p) => [p.sku, p])).values()];
    if (s.mode === 'manual') {
      const missing = unreconciledProducts(uniq, s.mapped, items);
      if (missing.length) {
        return {
          ok: false,
          unreconciled: missing,
          message:
            `Push blocked: ${missing.length} product${missing.length === 1 ? ' is' : 's are'} not reconciled to ` +
            `HaloPSA items: ${describeProducts(missing)}. Map them on the Products tab.`,
        };
      }
      return {
        ok: true,
        itemIds: Object.fromEntries(uniq.map((p) => [p.sku, s.mapped[p.sku]])),
        created: [],
        groupId: null,
      };
    }
    if (s.mode === 'default-item') {
      const code = s.codes.itemCode;
      if (!code || !items.some((i) => String(i.id) === code)) {
        return {
          ok: false,
          unreconciled: uniq,
          message: code
            ? `The default item code ${code} no longer exists in HaloPSA; choose another one in the settings`
            : 'Choose the default item code in the settings before pushing',
        };
      }
      return {
        ok: true,
        itemIds: Object.fromEntries(uniq.map((p) => [p.sku, code])),
        created: [],
        groupId: null,
      };
    }
    return this.autoCreate(uniq, s, items);
  }

  private autoCreate(products: ProductNeed[], s: LifecycleSettings, items: HaloItem[]): EnsureItemsResult {
    const itemIds: Record<string, string> = {};
    const missing: ProductNeed[] = [];
    const ids = new Set(items.map((i) => String(i.id)));
    for (const p of products) {
      const mappedId = s.mapped[p.sku];
      const found = mappedId && ids.has(mappedId) ? mappedId : findExisting(p, items)?.id;
      if (found !== undefined) itemIds[p.sku] = String(found);
      else missing.push(p);
    }
    if (!missing.length) return { ok: true, itemIds, created: [], groupId: null };

    const group = this.ensureGroup(itemGroupName(s.integrationName));
    const c = s.codes;
    // A create that got no answer may have landed: forget the items read earlier in this run, so the
    // next step re-reads them instead of creating the same item again from a stale list.
    try {
      this.api.call(
        {
          method: 'post',
          path: '/Item',
          body: missing.map((p) => ({
            name: p.name || p.sku,
            description: p.name || p.sku,
            supplier_part_code: p.sku,
            assetgroup_id: group.id,
            baseprice: p.unitPrice,
            costprice: p.unitCost,
            ...(c.incomeAccount ? { nominalcode: c.incomeAccount } : {}),
            ...(c.expenseAccount ? { purchasenominalcode: c.expenseAccount } : {}),
            ...(c.taxCode ? { taxcode: Number(c.taxCode) } : {}),
          })),
        },
        ignoreBody,
        `creating ${missing.length} item${missing.length === 1 ? '' : 's'}`,
      );
    } catch (err) {
      this.items = null;
      throw err;
    }
    // Re-read the group: the ids Halo gave, and any copy a retried request made.
    const inGroup = this.api.list(
      '/Item',
      { assetgroup_id: group.id },
      'items',
      haloItem,
      'reading new items',
    );
    const created: string[] = [];
    const extras: HaloItem[] = [];
    for (const p of missing) {
      const copies = inGroup.filter((i) => norm(i.supplier_part_code) === norm(p.sku)).sort(byId);
      if (!copies.length) {
        return {
          ok: false,
          unreconciled: [p],
          message: `HaloPSA did not create the item for ${describeProducts([p])}`,
        };
      }
      itemIds[p.sku] = String(copies[0].id);
      created.push(p.sku);
      extras.push(...copies.slice(1));
    }
    this.deleteAll(
      extras.map((e) => `/Item/${e.id}`),
      'removing a duplicate item',
    );
    this.items = [...items, ...inGroup.filter((i) => !extras.includes(i) && !ids.has(String(i.id)))];
    return { ok: true, itemIds, created, groupId: String(group.id) };
  }

  /** The BillGrid item group, created once; duplicates from a retried create are removed while empty. */
  ensureGroup(name: string): HaloAssetGroup {
    const known = this.groups.get(name);
    if (known) return known;
    // The group list is read once per run and again after each create (the new id, and any copy).
    const read = (fresh: boolean) => {
      if (fresh || !this.groupList)
        this.groupList = this.api.listUnpaged(
          '/AssetGroup',
          'assetgroups',
          haloAssetGroup,
          'reading item groups',
        );
      return this.groupList.filter((g) => g.name === name).sort(byId);
    };
    let groups = read(false);
    if (!groups.length) {
      try {
        this.api.call(
          { method: 'post', path: '/AssetGroup', body: [{ name, showasitem: true }] },
          ignoreBody,
          `creating the item group ${name}`,
        );
      } finally {
        this.groupList = null;
      }
      groups = read(true);
      if (!groups.length) throw new PsaError(`HaloPSA did not create the item group ${name}`);
    }
    if (groups.length > 1) {
      const used = new Set(this.all().map((i) => i.assetgroup_id));
      this.deleteAll(
        groups
          .slice(1)
          .filter((g) => !used.has(g.id))
          .map((g) => `/AssetGroup/${g.id}`),
        'removing a duplicate item group',
      );
    }
    this.groups.set(name, groups[0]);
    return groups[0];
  }

  private deleteAll(paths: string[], what: string): void {
    const res = this.api.sendAll(paths.map((path) => ({ method: 'delete' as const, path })));
    // 404: already gone (e.g. a retried delete); anything else is worth reporting.
    res.forEach((r) => {
      if (r.status >= 300 && r.status !== 404) this.api.fail(r, what);
    });
  }
}
