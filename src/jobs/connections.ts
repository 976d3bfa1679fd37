/**
 * Builds the configured sources and PSA from the credentials in PropertiesService. Jobs get
 * `BillingSource`s and one `PsaTarget`, and never branch on a vendor's name after this point.
 */
import type { BillingSource } from '../core/source';
import type { PsaTarget } from '../core/psa';
import { AUTOTASK_CAPABILITIES, HALO_CAPABILITIES } from '../core/targets';
import type { PsaCapabilities } from '../core/targets';
import { createTwilioSource, twilioHttpPolicy } from '../connectors/sources/twilio';
import { createPax8Source } from '../connectors/sources/pax8';
import { pax8HttpPolicy } from '../connectors/sources/pax8';
import { createAutotaskTarget, mutationPolicy, policy as autotaskPolicy } from '../connectors/psa/autotask';
import { createHaloTarget, policy as haloPolicy } from '../connectors/psa/halo';
import { RetryingHttpClient } from '../platform/http';
import type { HttpDeps } from '../platform/http';
import { SecretStore } from '../platform/secrets';
import { scriptCacheTokenStore } from '../platform/token-cache';

export type SourceKind = 'twilio' | 'pax8';
export type PsaKind = 'autotask' | 'halo';
export const SOURCE_KINDS: readonly SourceKind[] = ['pax8', 'twilio'];
export const PSA_KINDS: readonly PsaKind[] = ['autotask', 'halo'];
/** Integration names as users know them (Halo item groups are named BillGrid_<name>). */
export const SOURCE_NAMES: Record<string, string> = { pax8: 'Pax8', twilio: 'Twilio' };

export interface ConnectedPsa {
  kind: PsaKind;
  target: PsaTarget;
  capabilities: PsaCapabilities;
}

export class NotConnectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotConnectedError';
  }
}

export interface ConnectionOptions {
  secrets?: SecretStore;
  /** Injected in tests; Apps Script's UrlFetchApp otherwise. */
  httpDeps?: HttpDeps;
}

export function buildSource(
  kind: SourceKind,
  creds: Record<string, string>,
  opts: ConnectionOptions = {},
): BillingSource {
  if (kind === 'twilio') {
    return createTwilioSource(
      { accountSid: creds.accountSid, authToken: creds.authToken },
      new RetryingHttpClient(twilioHttpPolicy(), opts.httpDeps),
    );
  }
  return createPax8Source(
    { clientId: creds.clientId, clientSecret: creds.clientSecret },
    new RetryingHttpClient(pax8HttpPolicy(), opts.httpDeps),
    // Keyed by client id so a changed credential never reuses another client's token.
    opts.httpDeps ? {} : { tokenStore: scriptCacheTokenStore(`pax8.${creds.clientId}`) },
  );
}

export function buildPsa(
  kind: PsaKind,
  creds: Record<string, string>,
  opts: ConnectionOptions = {},
): ConnectedPsa {
  if (kind === 'autotask') {
    return {
      kind,
      capabilities: AUTOTASK_CAPABILITIES,
      target: createAutotaskTarget(
        {
          username: creds.username,
          secret: creds.secret,
          integrationCode: creds.integrationCode,
          // Set in Connect (optional): lets the sidebar create missing companies (Autotask requires an owner).
          ...(creds.ownerResourceId ? { ownerResourceId: Number(creds.ownerResourceId) } : {}),
          // Optional: the Material billing code for charges whose product is a service.
          ...(creds.materialCodeId ? { materialCodeId: Number(creds.materialCodeId) } : {}),
        },
        new RetryingHttpClient(autotaskPolicy, opts.httpDeps),
        new RetryingHttpClient(mutationPolicy, opts.httpDeps),
      ),
    };
  }
  return {
    kind,
    capabilities: HALO_CAPABILITIES,
    target: createHaloTarget(
      {
        baseUrl: creds.tenantUrl,
        ...(creds.authUrl ? { authUrl: creds.authUrl } : {}),
        ...(hostedTenant(creds) ? { tenant: hostedTenant(creds) } : {}),
        clientId: creds.clientId,
        clientSecret: creds.clientSecret,
      },
      new RetryingHttpClient(haloPolicy, opts.httpDeps),
    ),
  };
}

/** Halo-hosted tenants (https://<tenant>.halopsa.com) must name their tenant when asking for a token. */
function hostedTenant(creds: Record<string, string>): string {
  if (creds.tenant) return creds.tenant;
  const m = /^https:\/\/([a-z0-9-]+)\.halopsa\.com(\/|$)/i.exec(creds.tenantUrl ?? '');
  return m ? m[1].toLowerCase() : '';
}

/** Every source with saved credentials, in a fixed order. */
export function connectedSources(opts: ConnectionOptions = {}): BillingSource[] {
  const secrets = opts.secrets ?? new SecretStore();
  const out: BillingSource[] = [];
  for (const kind of SOURCE_KINDS) {
    const creds = secrets.read(kind);
    if (creds) out.push(buildSource(kind, creds, opts));
  }
  return out;
}

/** The PSA BillGrid pushes to: the first with saved credentials (Autotask, then HaloPSA). */
export function connectedPsa(opts: ConnectionOptions = {}): ConnectedPsa {
  const secrets = opts.secrets ?? new SecretStore();
  for (const kind of PSA_KINDS) {
    const creds = secrets.read(kind);
    if (creds) return buildPsa(kind, creds, opts);
  }
  throw new NotConnectedError('No PSA is connected yet: enter Autotask or HaloPSA credentials in Connect.');
}
