/**
 * The connection the browser tests type into the Connect screen, picked through the registry (never by
 * name): the first sandboxed source whose demo credentials have a secret and a field the sidebar shows back
 * masked (its last four) whose form the credential schema checks, so a malformed value has a message.
 */
import { sandboxOf, sandboxedConnectors } from '../../local/sandbox/registry';
import type { CredentialField, SourceDescriptor } from '../../src/connectors/descriptor';
import { sourceConnector } from '../../src/connectors/registry';

/** A value no credential schema takes for a field it checks the form of. */
export const MALFORMED = 'oops-secretish-1234';

export interface ConnectionToFill {
  c: SourceDescriptor;
  /** The demo credentials, by field name. */
  values: Record<string, string>;
  /** The form's fields the demo credentials fill. */
  fields: CredentialField[];
  secret: CredentialField;
  /** Shown back masked; refuses MALFORMED with `message`. */
  shown: CredentialField;
  /** The banner's text when `shown` holds MALFORMED. */
  message: string;
}

export function connectionToFill(): ConnectionToFill {
  for (const { id } of sandboxedConnectors('source')) {
    const c = sourceConnector(id);
    const values = sandboxOf(id).demoCredentials();
    const fields = c.fields.filter((f) => values[f.name]);
    const secret = fields.find((f) => f.exposure === 'secret');
    const refused = (name: string) => c.credentials.safeParse({ ...values, [name]: MALFORMED });
    const shown = fields.find((f) => f.exposure === 'identifier' && !refused(f.name).success);
    if (!secret || !shown) continue;
    const issue = refused(shown.name).error?.issues[0]?.message ?? '';
    return { c, values, fields, secret, shown, message: `${c.displayName} credentials: ${issue}` };
  }
  throw new Error('no sandboxed source has a secret and a checked, masked field');
}
