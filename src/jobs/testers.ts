/** "Test connection" for each registered connector: a small real read through it, in plain words. */
import type { ConnectionTester } from '../api/connection-tests';
import { CONNECTORS } from '../connectors/registry';
import type { ConnectorDescriptor } from '../connectors/descriptor';
import { buildPsa, buildSource } from './connections';

function testerFor(d: ConnectorDescriptor): ConnectionTester {
  if (d.kind === 'psa') {
    return (creds) => {
      try {
        return buildPsa(d.id, creds).target.testConnection();
      } catch (err) {
        return { ok: false, message: err instanceof Error ? err.message : String(err) };
      }
    };
  }
  return (creds) => {
    try {
      const source = buildSource(d.id, creds);
      const customers = source.listCustomers();
      return {
        ok: true,
        message: `Connected to ${source.displayName}: ${customers.length} customers found.`,
      };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  };
}

export const CONNECTION_TESTERS: Readonly<Record<string, ConnectionTester>> = Object.fromEntries(
  CONNECTORS.map((d) => [d.id, testerFor(d)]),
);
