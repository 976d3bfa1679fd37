import type { z } from 'zod';
import type { HttpResponse } from '../../../core/http';

/** `?a=1&b=2` from defined values, in the given order (stable URLs make request logs comparable). */
export function queryString(params: Record<string, string | number | boolean | undefined>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string | number | boolean] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

export const isOk = (res: HttpResponse): boolean => res.status >= 200 && res.status < 300;

/** JSON body or undefined when the body is not JSON (an HTML error page, an empty body). */
export function jsonBody(res: HttpResponse): unknown {
  if (!res.body) return undefined;
  try {
    return JSON.parse(res.body) as unknown;
  } catch {
    return undefined;
  }
}

/** One readable reason from a zod failure, naming the field: "quantity: expected number". */
export function zodReason(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'the record is not valid';
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/**
 * Remove anything secret-looking from a vendor message before it is shown or logged: the given secrets
 * verbatim, bearer tokens and long opaque strings.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('•••');
  return out.replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer •••').slice(0, 300);
}

/** Round money to 6 decimals to remove floating-point noise without losing vendor precision. */
export const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;
