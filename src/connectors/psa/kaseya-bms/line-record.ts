/**
 * BillGrid's own record of the contract service lines it created or changed in BMS, for tenants whose API
 * cannot read a contract's lines back (the swagger has no such GET). Keyed by contract and service.
 * A line is recorded as 'sent' BEFORE its request goes out and as 'saved' once BMS answered, so a crash
 * between the two leaves 'sent': the next push then refuses to add the line again (it may have landed)
 * and asks a person to look, instead of guessing.
 */
import { z } from 'zod';

export const lineRecordSchema = z.lazy(() =>
  z.object({
    companyId: z.string(),
    /** BMS's id of the line; null while 'sent'. */
    lineId: z.number().int().nullable(),
    units: z.number(),
    unitPrice: z.number(),
    unitCost: z.number(),
    state: z.enum(['sent', 'saved']),
    /** ISO time of the last change. */
    at: z.string(),
  }),
);
export type LineRecord = z.infer<typeof lineRecordSchema>;

/** Where the record lives (document properties in production, injected by the connector's factory). */
export interface LineRecordStore {
  get(key: string): LineRecord | null;
  put(key: string, record: LineRecord): void;
  remove(key: string): void;
  /** Every record (a tenant's module-billed lines: hundreds, not millions). */
  entries(): Array<[string, LineRecord]>;
}

export const lineKey = (contractId: string, serviceId: string | number): string =>
  `${contractId}/${String(serviceId)}`;

/** For tests and a single execution. */
export function memoryLineRecordStore(): LineRecordStore {
  const m = new Map<string, LineRecord>();
  return {
    get: (k) => m.get(k) ?? null,
    put: (k, r) => void m.set(k, { ...r }),
    remove: (k) => void m.delete(k),
    entries: () => [...m.entries()],
  };
}

/**
 * What BillGrid learnt about a tenant's API (e.g. 'lineRead', 'lineUpdate'), kept between executions so a
 * route the tenant lacks is not tried again on every push.
 */
export interface TenantFacts {
  get(name: string): boolean | null;
  put(name: string, value: boolean): void;
}

export function memoryTenantFacts(): TenantFacts {
  const m = new Map<string, boolean>();
  return { get: (k) => m.get(k) ?? null, put: (k, v) => void m.set(k, v) };
}
