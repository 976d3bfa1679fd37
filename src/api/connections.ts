/**
 * The connections the Connect screen offers: one per registered connector, with the credential fields,
 * how much of each the sidebar may see, and the schema that checks a saved set — all read from the
 * connector's descriptor (src/connectors/registry.ts), the single source of truth.
 */
import { z } from 'zod';
import type { Exposure } from '../platform/secrets';
import type { ConnectorDescriptor, CredentialField } from '../connectors/descriptor';
import { CONNECTORS, CONNECTOR_IDS, connector } from '../connectors/registry';

/** A registered connector's id. */
export type ConnectionKind = string;
export type ConnectionField = CredentialField;

export const CONNECTION_KINDS: readonly ConnectionKind[] = CONNECTOR_IDS;

export const connectionKindSchema = z.lazy(() =>
  z
    .string({ error: `Connection must be one of ${CONNECTOR_IDS.join(', ')}` })
    .refine((k) => CONNECTOR_IDS.includes(k), {
      error: `Connection must be one of ${CONNECTOR_IDS.join(', ')}`,
    }),
);

/** The connector behind a connection kind (checked by connectionKindSchema first). */
export function connectionSpec(kind: ConnectionKind): ConnectorDescriptor {
  return connector(kind);
}

export const connectionSpecs = (): readonly ConnectorDescriptor[] => CONNECTORS;

export function exposureOf(kind: ConnectionKind): Record<string, Exposure> {
  return Object.fromEntries(connector(kind).fields.map((f) => [f.name, f.exposure]));
}
