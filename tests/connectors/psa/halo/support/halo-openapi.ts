/**
 * HaloPSA's published OpenAPI checks for the Halo tests: the one generic checker (tests/support/openapi.ts)
 * reading specs/halopsa_swagger.json as declared beside its sandbox (local/sandbox/halo/contract.ts: paths
 * under /api, case-insensitive, .NET parameter types, nulls accepted, JSON bodies checked; the spec
 * declares no answer schema, so a 200 answer is checked against the shape local/sandbox/halo/answers.ts
 * documents, built of the spec's own record schemas). `check` gives the problems of one exchange, each
 * naming it.
 */
import type { LoggedRequest } from '../../../../../local/sandbox/framework';
import { spec } from '../../../../../local/sandbox/halo/contract';
import { OpenApiSpec } from '../../../../support/openapi';

export class HaloSpec {
  private readonly checker = new OpenApiSpec(spec);

  /** Problems with one logged request (empty: it is a request the spec describes). */
  check(
    log: Pick<LoggedRequest, 'method' | 'path' | 'query' | 'body'> &
      Partial<Pick<LoggedRequest, 'status' | 'response'>>,
  ): string[] {
    return this.checker.check(log).errors.map((e) => `${log.method} ${log.path}: ${e}`);
  }
}
