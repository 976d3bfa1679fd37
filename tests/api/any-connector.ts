/**
 * The API's generic checks (rights, masking, storage, argument parsing) happen before any connector is
 * involved, so they use whichever registered sources have sandboxes, with their demo credentials.
 * Vendor-specific credential rules are tested in each connector's own folder.
 */
import type { ConnectorDescriptor } from '../../src/connectors/descriptor';
import { demoCredentials, sandboxedConnectors } from '../../local/sandbox/registry';

export interface AnyConnector {
  id: string;
  name: string;
  descriptor: ConnectorDescriptor;
  credentials: Record<string, string>;
  /** The first field the sidebar must never see. */
  secretField: string;
}

function describeConnector(c: ConnectorDescriptor): AnyConnector {
  const secret = c.fields.find((f) => f.exposure === 'secret' && !f.optional);
  if (!secret) throw new Error(`${c.id} has no required secret field`);
  return {
    id: c.id,
    name: c.displayName,
    descriptor: c,
    credentials: demoCredentials([c.id])[c.id],
    secretField: secret.name,
  };
}

const sources = sandboxedConnectors('source').filter((c) =>
  c.fields.some((f) => f.exposure === 'secret' && !f.optional),
);
/** Two different sources, so tests can tell one connection from another. */
export const FIRST = describeConnector(sources[0]);
export const SECOND = describeConnector(sources[1]);
