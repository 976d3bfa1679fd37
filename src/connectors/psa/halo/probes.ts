/**
 * HaloPSA's tenant-check probes (read-only). A fresh API client on the probe's read client: the target's
 * own is private, and a probe must not disturb what the target has cached.
 */
import type { ConnectorProbe, ProbeResult } from '../../descriptor';
import type { PsaTarget } from '../../../core/psa';
import type { HttpClient } from '../../../core/http';
import { HaloApi, haloErrorText } from './api';
import { haloConfigFrom, parseHaloConfig, type HaloCredentials } from './config';
import { haloTax } from './schemas';

function json(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** GET /api/Tax: a list of tax rates (bare, or under `taxes`) whose records carry id and name. */
export function probeTaxList(credentials: HaloCredentials, http: HttpClient): ProbeResult {
  const api = new HaloApi(parseHaloConfig(haloConfigFrom(credentials)), http, () => Date.now());
  const res = api.send({ method: 'get', path: '/Tax' });
  if (res.status !== 200)
    return { status: 'unchecked', detail: `/Tax answered ${res.status}: ${haloErrorText(res.body)}` };
  const body = json(res.body);
  const taxes = body && typeof body === 'object' ? (body as Record<string, unknown>).taxes : undefined;
  const list = Array.isArray(body) ? body : Array.isArray(taxes) ? taxes : null;
  if (!list)
    return {
      status: 'differs',
      detail: '/Tax answered neither a list nor { taxes: [...] }: tax codes cannot be offered',
    };
  const shape = Array.isArray(body) ? 'a bare list' : '{ taxes: [...] }';
  if (list.length === 0)
    return { status: 'unchecked', detail: `/Tax answered ${shape} with no tax rate in it` };
  const bad = list.filter((t) => !haloTax.safeParse(t).success).length;
  if (bad > 0)
    return {
      status: 'differs',
      detail: `/Tax answered ${shape}, but ${bad} of ${list.length} rates lack id or name`,
    };
  return { status: 'confirmed', detail: `/Tax answered ${shape} of ${list.length} rates with id and name` };
}

export const haloProbes: readonly ConnectorProbe<PsaTarget, HaloCredentials>[] = [
  {
    id: 'halo.tax-list',
    assumption: 'Tax rates (GET /api/Tax) come as a list, bare or as { taxes }, each with id and name',
    run: (_target, ctx) => probeTaxList(ctx.credentials, ctx.http),
  },
];
