/**
 * Ingram Micro's OpenAPI checks for the Ingram tests: the one generic checker (tests/support/openapi.ts)
 * reading Ingram's own spec (specs/ingram_xvantage_resellers.json, vendored with its MIT licence; see
 * specs/README.md): the path template, every query and header parameter the operation declares (required
 * ones present, values within their schema, nothing undeclared in the query, a scalar never sent twice),
 * the 200 body against the response schema, and any other status either declared by the operation or one
 * of Ingram's general errors (400, 401, 404, 429). Ingram's formats (`decimal`, `int32`, `double`) carry
 * no constraint beyond the declared type.
 */
import path from 'node:path';
import type { SpecRef } from '../../../../../local/sandbox/contract';
import { OpenApiSpec, SPECS_DIR } from '../../../../support/openapi';

export type { OperationCheck } from '../../../../support/openapi';

export const INGRAM_SPEC: SpecRef = {
  file: 'ingram_xvantage_resellers.json',
  headers: true,
  responses: true,
  ignoreFormats: true,
  generalErrorStatuses: [400, 401, 404, 429],
};

export const INGRAM_SPEC_PATH = path.join(SPECS_DIR, INGRAM_SPEC.file);

/** `check(log, { bodies: false })` leaves the answer's body unchecked. */
export class IngramSpec extends OpenApiSpec {
  constructor() {
    super(INGRAM_SPEC);
  }

  override check(
    log: Parameters<OpenApiSpec['check']>[0],
    options: { bodies?: boolean; responses?: boolean } = {},
  ): ReturnType<OpenApiSpec['check']> {
    return super.check(log, { responses: options.bodies ?? options.responses });
  }
}
