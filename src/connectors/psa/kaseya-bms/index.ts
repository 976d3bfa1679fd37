/**
 * Kaseya BMS PSA connector. `createKaseyaBmsTarget(config, http, deps?)`:
 *  - `http`: a RetryingHttpClient built with `policy` (reads);
 *  - `deps.mutations`: one built with `mutationPolicy` (creates/changes sent once, never replayed blindly);
 *  - `deps.tokenStore` / `deps.refreshStore`: where the access and refresh tokens live between executions;
 *  - `deps.lineStore`: BillGrid's record of the lines it added, used where the tenant cannot read lines back.
 */
import type { HttpClient } from '../../../core/http';
import { parseKaseyaBmsConfig } from './config';
import { KaseyaBmsTarget, type KaseyaBmsDeps } from './target';

export {
  BMS_HOSTS,
  HOURLY_LIMIT_PER_ENDPOINT,
  kaseyaBmsConfigSchema,
  mutationPolicy,
  parseKaseyaBmsConfig,
  policy,
} from './config';
export type { KaseyaBmsConfig, KaseyaBmsConfigInput } from './config';
export { CHARGE_REFUSED, KASEYA_BMS_CAPABILITIES, KaseyaBmsTarget, NO_READ_WARNING } from './target';
export type { BmsOrganizationMapping, KaseyaBmsDeps } from './target';
export { lineKey, lineRecordSchema, memoryLineRecordStore, memoryTenantFacts } from './line-record';
export type { LineRecord, LineRecordStore, TenantFacts } from './line-record';
export { endpointOf } from './client';
export { KEPT_READS_MS, keptReads, memoryKeptReads } from './kept-reads';
export type { KeptReads } from './kept-reads';
export type { BmsProblem, CallLedger } from './client';

export function createKaseyaBmsTarget(
  config: unknown,
  http: HttpClient,
  deps: KaseyaBmsDeps = {},
): KaseyaBmsTarget {
  return new KaseyaBmsTarget(parseKaseyaBmsConfig(config), http, deps);
}
export { importOrganizationMappings, organizationMappingWrites } from './org-mappings';
export type { ModuleSources } from './org-mappings';
