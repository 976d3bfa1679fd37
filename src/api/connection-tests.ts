/**
 * "Test connection": a registry of per-connection testers that the connector code fills in, e.g. in
 * src/main.ts:  registerConnectionTester('twilio', (creds) => testTwilio(creds));
 * A tester gets the stored credentials (already checked by the connection's schema) and returns a
 * short result for the user; it must not put credentials in its message (we scrub them regardless).
 */
import type { ConnectionKind } from './connections';

export interface ConnectionTestResult {
  ok: boolean;
  message: string;
}

export type ConnectionTester = (credentials: Record<string, string>) => ConnectionTestResult;

const testers = new Map<ConnectionKind, ConnectionTester>();

export function registerConnectionTester(kind: ConnectionKind, tester: ConnectionTester): void {
  testers.set(kind, tester);
}

export function connectionTester(kind: ConnectionKind): ConnectionTester | undefined {
  return testers.get(kind);
}

/** Remove every credential value (and any long fragment of one) from a message bound for the user. */
export function scrubSecrets(message: string, credentials: Record<string, string>): string {
  let out = message;
  for (const value of Object.values(credentials)) {
    if (value.length >= 4) out = out.split(value).join('••••');
  }
  return out;
}
