/** "Test connection" for each vendor: a small real read through the connector, in plain words. */
import type { ConnectionTester } from '../api/connection-tests';
import { buildPsa, buildSource } from './connections';
import type { PsaKind, SourceKind } from './connections';

const sourceTester =
  (kind: SourceKind): ConnectionTester =>
  (creds) => {
    try {
      const source = buildSource(kind, creds);
      const customers = source.listCustomers();
      return {
        ok: true,
        message: `Connected to ${source.displayName}: ${customers.length} customers found.`,
      };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  };

const psaTester =
  (kind: PsaKind): ConnectionTester =>
  (creds) => {
    try {
      return buildPsa(kind, creds).target.testConnection();
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  };

export const CONNECTION_TESTERS: Record<SourceKind | PsaKind, ConnectionTester> = {
  twilio: sourceTester('twilio'),
  pax8: sourceTester('pax8'),
  autotask: psaTester('autotask'),
  halo: psaTester('halo'),
};
