/**
 * Autotask PSA connector. `createAutotaskTarget(config, http, mutations?)`:
 *  - `http` is a RetryingHttpClient built with `policy` (reads: 3 concurrent, retries with back-off);
 *  - `mutations` should be one built with `mutationPolicy` (creates/updates sent once, never replayed
 *    blindly: a timed-out POST may have landed, and only a re-read tells). Defaults to `http`.
 */
import type { HttpClient } from '../../../core/http';
import { parseAutotaskConfig } from './config';
import { AutotaskTarget } from './target';

export { autotaskConfigSchema, mutationPolicy, parseAutotaskConfig, policy } from './config';
export type { AutotaskConfig, AutotaskConfigInput } from './config';
export { AutotaskTarget, contractStartFor } from './target';
export type { Created } from './create';
export type { AutotaskProblem } from './client';

export function createAutotaskTarget(
  config: unknown,
  http: HttpClient,
  mutations?: HttpClient,
): AutotaskTarget {
  return new AutotaskTarget(parseAutotaskConfig(config), http, mutations ?? http);
}
