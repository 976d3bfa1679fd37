/**
 * The connector's memory across executions on the platform's durable values (ConnectorDeps.durable):
 * BillGrid's record of the lines it added, what it learnt about the tenant's API, and this hour's call
 * counts. Each is read once per execution and written through on every change, so a crash loses nothing
 * that was already sent.
 */
import { z } from 'zod';
import type { DurableValue } from '../../descriptor';
import type { CallLedger } from './client';
import { lineRecordSchema, type LineRecord, type LineRecordStore, type TenantFacts } from './line-record';

const linesSchema = z.lazy(() => z.record(z.string(), lineRecordSchema));
const factsSchema = z.lazy(() => z.record(z.string(), z.boolean()));
const ledgerSchema = z.lazy(() =>
  z.object({ hour: z.number().int(), counts: z.record(z.string(), z.number().int()) }),
);

export function durableLineStore(value: DurableValue): LineRecordStore {
  let cache: Record<string, LineRecord> | null = null;
  const all = (): Record<string, LineRecord> => (cache ??= value.read(linesSchema) ?? {});
  const save = (): void => value.write(all());
  return {
    get: (k) => all()[k] ?? null,
    put: (k, r) => {
      all()[k] = { ...r };
      save();
    },
    remove: (k) => {
      if (!(k in all())) return;
      delete all()[k];
      save();
    },
    entries: () => Object.entries(all()),
  };
}

export function durableTenantFacts(value: DurableValue): TenantFacts {
  let cache: Record<string, boolean> | null = null;
  const all = (): Record<string, boolean> => (cache ??= value.read(factsSchema) ?? {});
  return {
    get: (k) => all()[k] ?? null,
    put: (k, v) => {
      all()[k] = v;
      value.write(all());
    },
  };
}

/** Read fresh each time: another execution of the same hour may have counted calls meanwhile. */
export function durableCallLedger(value: DurableValue): CallLedger {
  return { get: () => value.read(ledgerSchema), put: (v) => value.write(v) };
}
