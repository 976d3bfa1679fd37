/**
 * The connections the add-on knows: distributor sources and PSA targets, the credential fields each
 * needs, how much of each field the sidebar may see, and the zod schema that checks a saved set.
 */
import { z } from 'zod';
import type { Exposure } from '../platform/secrets';

export const CONNECTION_KINDS = ['twilio', 'pax8', 'autotask', 'halo'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

export interface ConnectionField {
  name: string;
  label: string;
  exposure: Exposure;
  /** Shown under the field. */
  hint?: string;
  optional?: boolean;
  /** HTML input type hint for the sidebar. */
  input: 'text' | 'password' | 'url' | 'email';
}

export interface ConnectionSpec {
  kind: ConnectionKind;
  label: string;
  role: 'source' | 'psa';
  fields: ConnectionField[];
  schema: z.ZodType<Record<string, string | undefined>>;
}

const required = (label: string) =>
  z
    .string({ error: `${label} is missing` })
    .trim()
    .min(1, { error: `${label} is missing` })
    .max(500, { error: `${label} is too long` })
    .regex(/^\S+$/, { error: `${label} must not contain spaces` });

const httpsUrl = (label: string) =>
  z
    .string({ error: `${label} is missing` })
    .trim()
    .regex(/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
      error: `${label} must be an https:// address, e.g. https://yourcompany.halopsa.com`,
    })
    .transform((u) => u.replace(/\/+$/, ''));

export const CONNECTIONS: Record<ConnectionKind, ConnectionSpec> = {
  twilio: {
    kind: 'twilio',
    label: 'Twilio',
    role: 'source',
    fields: [
      {
        name: 'accountSid',
        label: 'Account SID',
        exposure: 'identifier',
        input: 'text',
        hint: 'Your top-level account; BillGrid walks every subaccount.',
      },
      { name: 'authToken', label: 'Auth Token', exposure: 'secret', input: 'password' },
    ],
    schema: z.object({
      accountSid: z
        .string({ error: 'Twilio Account SID is missing' })
        .trim()
        .regex(/^AC[0-9a-fA-F]{32}$/, {
          error: 'Twilio Account SID must be "AC" followed by 32 hexadecimal characters',
        }),
      authToken: required('Twilio Auth Token'),
    }),
  },
  pax8: {
    kind: 'pax8',
    label: 'Pax8',
    role: 'source',
    fields: [
      { name: 'clientId', label: 'Client ID', exposure: 'identifier', input: 'text' },
      { name: 'clientSecret', label: 'Client secret', exposure: 'secret', input: 'password' },
    ],
    schema: z.object({
      clientId: required('Pax8 client ID'),
      clientSecret: required('Pax8 client secret'),
    }),
  },
  autotask: {
    kind: 'autotask',
    label: 'Autotask',
    role: 'psa',
    fields: [
      {
        name: 'username',
        label: 'API username',
        exposure: 'public',
        input: 'email',
        hint: 'An API-only user with the least privileges BillGrid needs.',
      },
      { name: 'secret', label: 'Secret', exposure: 'secret', input: 'password' },
      { name: 'integrationCode', label: 'Integration code', exposure: 'identifier', input: 'text' },
      {
        name: 'ownerResourceId',
        label: 'Account manager for new companies',
        exposure: 'public',
        input: 'text',
        optional: true,
        hint: 'Autotask resource id; needed only to create companies from BillGrid.',
      },
      {
        name: 'materialCodeId',
        label: 'Material code for charges',
        exposure: 'public',
        input: 'text',
        optional: true,
        hint: 'Autotask billing code id of use type Material: charges for services need one (a service code is refused).',
      },
    ],
    schema: z.object({
      username: z
        .string({ error: 'Autotask API username is missing' })
        .trim()
        .regex(/^[^\s@]+@[^\s@]+$/, { error: 'Autotask API username must look like an email address' }),
      secret: required('Autotask secret'),
      integrationCode: required('Autotask integration code'),
      ownerResourceId: z
        .string()
        .trim()
        .regex(/^\d{1,12}$/, { error: 'Autotask account manager must be a resource id (a number)' })
        .optional(),
      materialCodeId: z
        .string()
        .trim()
        .regex(/^\d{1,12}$/, { error: 'Autotask material code must be a billing code id (a number)' })
        .optional(),
    }),
  },
  halo: {
    kind: 'halo',
    label: 'HaloPSA',
    role: 'psa',
    fields: [
      {
        name: 'tenantUrl',
        label: 'Tenant URL',
        exposure: 'public',
        input: 'url',
        hint: 'e.g. https://yourcompany.halopsa.com',
      },
      {
        name: 'authUrl',
        label: 'Authorisation server URL',
        exposure: 'public',
        input: 'url',
        optional: true,
        hint: 'Leave empty to use the tenant URL + /auth.',
      },
      { name: 'clientId', label: 'Client ID', exposure: 'identifier', input: 'text' },
      { name: 'clientSecret', label: 'Client secret', exposure: 'secret', input: 'password' },
    ],
    schema: z.object({
      tenantUrl: httpsUrl('HaloPSA tenant URL'),
      authUrl: httpsUrl('HaloPSA authorisation server URL').optional(),
      clientId: required('HaloPSA client ID'),
      clientSecret: required('HaloPSA client secret'),
    }),
  },
};

export const connectionKindSchema = z.enum(CONNECTION_KINDS, {
  error: `Connection must be one of ${CONNECTION_KINDS.join(', ')}`,
});

export function exposureOf(kind: ConnectionKind): Record<string, Exposure> {
  return Object.fromEntries(CONNECTIONS[kind].fields.map((f) => [f.name, f.exposure]));
}
