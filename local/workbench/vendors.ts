/**
 * The vendors' real HTTPS origins, as the bundle writes them, and the sandbox that stands in for each
 * (from the connector registry's URL prefixes; see local/sandbox/registry.ts).
 * The emulator's UrlFetchApp sends a request for one of these origins to the mapped sandbox.
 */
import { sandboxedConnectors, vendorOrigins } from '../sandbox/registry';

export const VENDOR_ORIGINS: Record<string, string[]> = vendorOrigins();

/** Sandboxes the workbench starts: every registered connector's that exists. */
export const WORKBENCH_SANDBOXES = sandboxedConnectors().map((c) => c.id);

export function urlMapFor(sandboxUrls: Record<string, string>): Record<string, string> {
  const map: Record<string, string> = {};
  for (const [kind, origins] of Object.entries(VENDOR_ORIGINS)) {
    const target = sandboxUrls[kind];
    if (target) for (const o of origins) map[o] = target;
  }
  return map;
}
