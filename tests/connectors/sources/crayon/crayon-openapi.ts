/**
 * Crayon Cloud-iQ's OpenAPI checks for the Crayon tests: the one generic checker (tests/support/openapi.ts)
 * reading the vendored spec (specs/crayon_cloudiq_openapi.json, MIT, a third-party copy of Crayon's
 * swagger; see specs/README.md) with Crayon's documented quirks:
 * - the spec lists each 200 body as a bare array; Crayon's SDK and apidocs.crayon.com show the same items
 *   inside `{ totalHits, items }` (a sandbox variant): the items are held to the spec's array schema and
 *   `totalHits` must be a whole number;
 * - the docs' PascalCase variant is compared after lower-casing each key's first letter (the spec's
 *   camelCase), so every property name and type is still held to the spec;
 * - the Authorization header must match the operation's scheme (HTTP Basic for the token, else bearer).
 */
import path from 'node:path';
import type { SpecRef } from '../../../../local/sandbox/contract';
import { OpenApiSpec, SPECS_DIR } from '../../../support/openapi';

export type { OperationCheck } from '../../../support/openapi';

export const CRAYON_SPEC: SpecRef = {
  file: 'crayon_cloudiq_openapi.json',
  basePath: '/api/v1',
  auth: true,
  responses: true,
  listEnvelope: { total: 'totalHits', items: 'items' },
  camelCaseAnswers: true,
};

export const CRAYON_SPEC_PATH = path.join(SPECS_DIR, CRAYON_SPEC.file);

export class CrayonSpec extends OpenApiSpec {
  constructor() {
    super(CRAYON_SPEC);
  }
}
