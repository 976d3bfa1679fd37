/**
 * Twilio's published OpenAPI checks for the Twilio tests: the one generic checker (tests/support/openapi.ts)
 * reading specs/twilio_api_v2010.json with Twilio's documented quirks, declared beside its sandbox
 * (local/sandbox/twilio/contract.ts: RFC 2822 dates, relative URIs, prices as decimal strings).
 */
import path from 'node:path';
import { spec } from '../../../../local/sandbox/twilio/contract';
import { OpenApiSpec, SPECS_DIR } from '../../../support/openapi';

export type { OperationCheck } from '../../../support/openapi';

export const TWILIO_SPEC_PATH = path.join(SPECS_DIR, spec.file);

export class TwilioSpec extends OpenApiSpec {
  constructor() {
    super(spec);
  }
}
