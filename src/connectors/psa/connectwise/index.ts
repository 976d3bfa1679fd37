/**
 * ConnectWise PSA connector. `createConnectWiseTarget(config, http, mutations?)`: `http` built with `policy`
 * (reads, retried), `mutations` with `mutationPolicy` (creates/changes sent once; the next push re-reads).
 */
import type { HttpClient } from '../../../core/http';
import { parseConnectWiseConfig } from './config';
import { ConnectWiseTarget } from './target';

export { connectwiseConfigSchema, mutationPolicy, parseConnectWiseConfig, policy } from './config';
export type { ConnectWiseConfig, ConnectWiseConfigInput } from './config';
export {
  CONNECTWISE_CAPABILITIES,
  ConnectWiseTarget,
  agreementPO,
  companyIdentifier,
  itemXRef,
} from './target';
export type { ConnectWiseProblem } from './client';

export function createConnectWiseTarget(
  config: unknown,
  http: HttpClient,
  mutations?: HttpClient,
): ConnectWiseTarget {
  return new ConnectWiseTarget(parseConnectWiseConfig(config), http, mutations ?? http);
}
